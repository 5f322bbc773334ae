import type { CredentialsOutput } from '../credentials.js';
import { credentialVariables } from './variables.js';
import { assertEnvironmentValue, outputUnsafeError } from './outputUnsafeError.js';

/**
 * Every character PowerShell takes for a single quote: ' and the typographic ‘ ’ ‚ ‛. Inside a
 * single-quoted string each one is written twice to stand for itself.
 */
const singleQuotes = /['\u2018\u2019\u201a\u201b]/g;

/** Characters kept inside single quotes: printable ASCII. */
const printable = /^[\x20-\x7e]$/;

/**
 * A PowerShell expression whose value is exactly `value`, in printable ASCII only: runs of
 * printable ASCII in single quotes, every other UTF-16 unit as `[char]0xXXXX`, joined by `+`.
 * ASCII only, because Windows PowerShell decodes a native command's output in the console
 * code page: raw UTF-8 would arrive altered, and in some code pages a byte of it decodes to a
 * typographic quote that ends the string. No raw line break either: `assume | iex` runs each
 * line on its own. The expression starts with a string so `+` concatenates.
 */
function powerShellExpression(value: string): string {
  const parts: string[] = [];
  let run = '';
  for (let index = 0; index < value.length; index++) {
    const unit = value.charAt(index);
    if (printable.test(unit)) {
      run += unit;
      continue;
    }
    if (run !== '' || parts.length === 0) parts.push(`'${run.replace(singleQuotes, '$&$&')}'`);
    run = '';
    parts.push(`[char]0x${value.charCodeAt(index).toString(16).toUpperCase().padStart(4, '0')}`);
  }
  if (run !== '' || parts.length === 0) parts.push(`'${run.replace(singleQuotes, '$&$&')}'`);
  return parts.join(' + ');
}

/**
 * Formats credentials as PowerShell statements, for `assume prof | Invoke-Expression` or
 * `Invoke-Expression (assume prof)`: `Remove-Item Env:NAME -ErrorAction SilentlyContinue;`
 * for the stale variables, then `$env:NAME = 'value';`. Each statement is one line ending
 * with `;`, so the output also works when PowerShell joins the lines with spaces. Values that
 * are not printable ASCII are built with `[char]` codes (see powerShellExpression).
 *
 * @throws AssumeError `OUTPUT_UNSAFE` when a value holds a NUL or a lone surrogate, or is
 *   empty (PowerShell removes a variable assigned an empty string).
 */
export function formatPowerShell(out: CredentialsOutput): string {
  const { unset, set } = credentialVariables(out);
  for (const [name, value] of set) {
    assertEnvironmentValue('powershell', name, value);
    if (value === '') {
      throw outputUnsafeError('powershell', name, 'the value is empty, and assigning an empty value removes the variable');
    }
  }
  const lines = [
    ...unset.map((name) => `Remove-Item Env:${name} -ErrorAction SilentlyContinue;`),
    ...set.map(([name, value]) => `$env:${name} = ${powerShellExpression(value)};`),
  ];
  return `${lines.join('\n')}\n`;
}
