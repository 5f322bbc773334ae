import { AssumeError } from '../errors.js';
import type { OutputFormat } from './formatOutput.js';

/**
 * Every variable an environment format can set (src/output/variables.ts), and the legacy
 * AWS_SECURITY_TOKEN some older tools read as the session token.
 *
 * AWS_PROFILE and AWS_DEFAULT_PROFILE are deliberately not in the list: assume never sets
 * them, it only removes them when it sets keys (a profile name would win over the keys).
 * After `--unset` there are no keys left for a profile to shadow, so a profile the user chose
 * (say, with `export AWS_PROFILE=dev` after assuming) is theirs to keep.
 */
export const unsetVariables = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_SECURITY_TOKEN',
] as const;

/**
 * The statements that clear every variable assume sets, in one output format, for
 * `eval "$(assume --unset)"` (sh: bash, zsh, dash), `assume --unset --format fish | source`,
 * `assume --unset --format powershell | Invoke-Expression`, and cmd.exe.
 *
 * Like the credential formats, the text survives the unquoted `eval $(assume --unset)`: one
 * statement per line, each ending with `;` (but cmd's, which runs line by line), no glob
 * characters. In fish, `set -e` erases the variable in every scope it has, as formatFish does.
 *
 * @throws AssumeError `USAGE` for dotenv (an env file can set a variable, never remove it; an
 *   empty `AWS_REGION=` is not the same as none, and would break every call), and for json and
 *   credential-process, whose readers take credentials and have nothing to clear.
 */
export function formatUnset(format: OutputFormat): string {
  switch (format) {
    case 'sh':
      return `unset ${unsetVariables.join(' ')};\n`;
    case 'fish':
      return unsetVariables.map((name) => `set -e ${name};\n`).join('');
    case 'powershell':
      return unsetVariables.map((name) => `Remove-Item Env:${name} -ErrorAction SilentlyContinue;\n`).join('');
    case 'cmd':
      return unsetVariables.map((name) => `set ${name}=\n`).join('');
    case 'dotenv':
      throw new AssumeError('USAGE', '--unset has nothing to print in format dotenv: an env file can set variables but never remove them', {
        hint: 'Delete the env file (or its AWS_* lines) instead; in a shell, run eval "$(assume --unset)".',
      });
    case 'json':
    case 'credential-process':
      throw new AssumeError('USAGE', `--unset has nothing to print in format ${format}: it hands credentials to a program, and there is nothing to clear`, {
        hint: 'Use --unset with a shell format: sh (the default), fish, powershell or cmd.',
      });
  }
}
