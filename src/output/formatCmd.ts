import type { CredentialsOutput } from '../credentials.js';
import { credentialVariables } from './variables.js';
import { outputUnsafeError } from './outputUnsafeError.js';

/**
 * What `set "NAME=value"` holds exactly: printable ASCII but `"` (it would end the quotes
 * and let `&` or `|` run a command), `%` (expanded as a variable at the prompt and in batch
 * files) and `!` (expanded under delayed expansion). Line breaks and other control
 * characters cannot be written at all, and other characters arrive in the console code page
 * rather than as written.
 */
const writable = /^[\x20\x23-\x24\x26-\x7e]+$/;

/** cmd.exe refuses a command line longer than this many characters. */
const maxLineLength = 8191;

/**
 * Formats credentials as Windows cmd.exe statements, one per line, for a batch file or for
 * `for /f "delims=" %i in ('assume prof --format cmd') do %i`: `set NAME=` to unset the stale
 * variables, then `set "NAME=value"`. cmd.exe has no quoting that can carry every value, so
 * values it cannot hold exactly are refused rather than printed: see `writable`. An empty
 * value is refused too, because `set "NAME="` removes the variable.
 *
 * @throws AssumeError `OUTPUT_UNSAFE` naming the variable, never the value.
 */
export function formatCmd(out: CredentialsOutput): string {
  const { unset, set } = credentialVariables(out);
  const lines = unset.map((name) => `set ${name}=`);
  for (const [name, value] of set) {
    if (!writable.test(value)) {
      throw outputUnsafeError(
        'cmd',
        name,
        value === ''
          ? 'the value is empty, and setting an empty value removes the variable in cmd.exe'
          : 'cmd.exe can only hold printable ASCII without ", % and !, and the value has another character',
      );
    }
    const line = `set "${name}=${value}"`;
    if (line.length > maxLineLength) {
      throw outputUnsafeError('cmd', name, `the value is longer than a cmd.exe command line (${maxLineLength} characters) allows`);
    }
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}
