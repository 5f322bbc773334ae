/**
 * Characters that mean the same thing, printed as they are, in every format: inside single
 * quotes of sh, fish and PowerShell, in cmd's `set "..."`, in a bare dotenv value, and in
 * a word the shell splits and glob-expands under an unquoted `eval $(...)` (no whitespace,
 * no `*`, `?`, `[`, no `(` for extended globs, no `'`, `\`, `%`, `#`, `~`, `$`). Every key,
 * secret, base64 session token, timestamp and region AWS issues is made of these.
 */
const plain = /^[A-Za-z0-9+/=._,:@-]*$/;

/** Whether a value is made only of characters every format prints as they are. */
export function isPlainValue(value: string): boolean {
  return plain.test(value);
}

