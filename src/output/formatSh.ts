import type { CredentialsOutput } from '../credentials.js';
import { credentialVariables } from './variables.js';
import { isPlainValue } from './isPlainValue.js';
import { assertEnvironmentValue } from './outputUnsafeError.js';

const encoder = new TextEncoder();

/** Bytes a printf format may hold as they are: the plain characters (see isPlainValue). */
function isPlainByte(byte: number): boolean {
  return byte < 0x80 && isPlainValue(String.fromCharCode(byte));
}

/**
 * The printf format that prints `value` exactly: plain characters as they are, every other
 * byte of its UTF-8 as a three-digit octal escape. Three digits always, so a digit that
 * follows is never read into the escape; `%` and `\` are escaped like the rest, so printf
 * never sees a conversion; a leading `-` is escaped so printf never takes it for an option.
 */
function printfFormat(value: string): string {
  let format = '';
  encoder.encode(value).forEach((byte, index) => {
    format +=
      isPlainByte(byte) && !(index === 0 && byte === 0x2d)
        ? String.fromCharCode(byte)
        : `\\${byte.toString(8).padStart(3, '0')}`;
  });
  return format;
}

function assignment(name: string, value: string): string {
  if (isPlainValue(value)) return `export ${name}='${value}';`;
  // Command substitution strips trailing newlines, so printf prints a guard `x` after the
  // value and ${name%x} removes it. Backquotes rather than $(...): zsh with GLOB_SUBST
  // would read the `(` of `$(` in a split word as a glob. Double quotes, so zsh with
  // GLOB_SUBST does not expand a `~` or a pattern that printf printed.
  return `${name}="\`printf '${printfFormat(value)}x'\`";${name}="\${${name}%x}";export ${name};`;
}

/**
 * Formats credentials as POSIX shell statements for bash, zsh, dash and any POSIX sh, to be
 * run with `eval "$(assume prof)"` or the unquoted `eval $(assume prof)`.
 *
 * Unquoted, the shell splits the output on whitespace, glob-expands each word and joins the
 * words with single spaces before eval reads them, so the output is built to survive that:
 * every statement ends with `;`, there is never a tab or two spaces in a row, and no word
 * holds `*`, `?`, `[` or `(` (extended globs), nor `~` or `#`. Plain values (see isPlainValue) print as
 * `export NAME='value';`. Any other value is rebuilt by printf from octal escapes, so no
 * byte of it is ever read by the shell as syntax:
 * `NAME="\`printf '\141\012x'\`";NAME="${NAME%x}";export NAME;`.
 *
 * The stale AWS_PROFILE, AWS_DEFAULT_PROFILE and AWS_SECURITY_TOKEN are unset first, and so
 * are AWS_SESSION_TOKEN and AWS_CREDENTIAL_EXPIRATION when the credentials have none.
 *
 * @throws AssumeError `OUTPUT_UNSAFE` when a value holds a NUL or a lone surrogate.
 */
export function formatSh(out: CredentialsOutput): string {
  const { unset, set } = credentialVariables(out);
  for (const [name, value] of set) assertEnvironmentValue('sh', name, value);
  const lines = [`unset ${unset.join(' ')};`, ...set.map(([name, value]) => assignment(name, value))];
  return `${lines.join('\n')}\n`;
}
