import type { CredentialsOutput } from '../credentials.js';
import { credentialVariables } from './variables.js';
import { isPlainValue } from './isPlainValue.js';
import { assertEnvironmentValue } from './outputUnsafeError.js';

const encoder = new TextEncoder();

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/**
 * Code points fish keeps for itself and refuses in `\u` escapes: U+F600-U+F6FF stand for
 * raw bytes it could not decode, U+FDD0-U+FDEF mark wildcards and separators. fish reads the
 * same characters typed raw as their UTF-8 bytes, so their bytes are written with `\X`.
 */
function isFishReserved(codePoint: number): boolean {
  return (codePoint >= 0xf600 && codePoint <= 0xf6ff) || (codePoint >= 0xfdd0 && codePoint <= 0xfdef);
}

/** The escape for one character that is not plain, outside quotes; always full width. */
function escapeCharacter(char: string): string {
  const codePoint = char.codePointAt(0) ?? 0;
  if (codePoint < 0x80) return `\\x${hex(codePoint, 2)}`;
  if (isFishReserved(codePoint)) {
    return Array.from(encoder.encode(char), (byte) => `\\X${hex(byte, 2)}`).join('');
  }
  return codePoint <= 0xffff ? `\\u${hex(codePoint, 4)}` : `\\U${hex(codePoint, 8)}`;
}

/**
 * One fish token for the value: runs of plain characters in single quotes, every other
 * character as an escape outside quotes, all concatenated (`'ab'\x0a'c'`).
 */
function fishToken(value: string): string {
  if (isPlainValue(value)) return `'${value}'`;
  let token = '';
  let run = '';
  for (const char of value) {
    if (isPlainValue(char)) {
      run += char;
      continue;
    }
    if (run !== '') token += `'${run}'`;
    run = '';
    token += escapeCharacter(char);
  }
  return run === '' ? token : `${token}'${run}'`;
}

/**
 * Formats credentials as fish statements, for `eval (assume prof)`, `assume prof | source`
 * and `eval "$(assume prof)"` (fish 3.4 and later): `set -e NAME;` for the stale variables,
 * then `set -gx NAME 'value';`. `eval (...)` splits the output into lines and joins them with
 * spaces, so every statement ends with `;`, and no value puts whitespace or a line break in
 * the output: plain runs are single-quoted, anything else is escaped outside the quotes as
 * `\xHH` (ASCII), `\uXXXX` or `\UXXXXXXXX` (always full width, so a following hex digit is
 * never read into the escape), or `\XHH` bytes for code points fish reserves.
 *
 * `set -e` erases every scope, a universal AWS_PROFILE included: the SDKs would otherwise
 * prefer that profile over the new keys.
 *
 * @throws AssumeError `OUTPUT_UNSAFE` when a value holds a NUL or a lone surrogate.
 */
export function formatFish(out: CredentialsOutput): string {
  const { unset, set } = credentialVariables(out);
  for (const [name, value] of set) assertEnvironmentValue('fish', name, value);
  const lines = [
    ...unset.map((name) => `set -e ${name};`),
    ...set.map(([name, value]) => `set -gx ${name} ${fishToken(value)};`),
  ];
  return `${lines.join('\n')}\n`;
}
