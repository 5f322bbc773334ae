/** AWS access key ids (AKIA long-term, ASIA temporary, and the other unique-id prefixes) as they appear in text. */
const KEY_ID = /\b(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|APKA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{12,124}\b/g;

/** An access key id as assume shows it anywhere it must: `****` and its last four characters. */
export function redactKeyId(keyId: string): string {
  return `****${keyId.slice(-4)}`;
}

/**
 * `text` with every access key id in it shown as `****WXYZ`: the ones given (exactly as
 * written, whatever they look like), and anything shaped like one. For text assume passes on
 * from elsewhere (an AWS error message, a program's stderr).
 */
export function redactKeyIds(text: string, known: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const keyId of known) {
    if (keyId !== undefined && keyId.length >= 8) result = result.split(keyId).join(redactKeyId(keyId));
  }
  return result.replace(KEY_ID, (keyId) => redactKeyId(keyId));
}
