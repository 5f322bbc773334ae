/**
 * Every secret any emulator in this process has handed out or been given: users' long-term
 * keys, issued session keys and tokens, web identity tokens. test/helpers/runAssume.ts scans
 * the stderr of every run of bin/assume for them, so no e2e test can pass with a leak.
 *
 * Values shorter than 16 characters are not kept: a test's credential factory may choose
 * short or common strings that legitimately appear in messages.
 */
const issued = new Set<string>();

/** Remembers secrets handed out. */
export function recordIssuedSecrets(...values: readonly (string | undefined)[]): void {
  for (const value of values) {
    if (value !== undefined && value.length >= 16) issued.add(value);
  }
}

/** The remembered secrets that occur in `text`. */
export function issuedSecretsIn(text: string): string[] {
  if (text === '') return [];
  return [...issued].filter((secret) => text.includes(secret));
}
