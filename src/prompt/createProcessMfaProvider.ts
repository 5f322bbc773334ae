import { AssumeError } from '../errors.js';
import { runProgram } from '../util/runProgram.js';
import { shlexSplit } from '../util/shlexSplit.js';
import { showControlChars } from './showControlChars.js';
import type { MfaCodeProvider, MfaCodeRequest } from './types.js';

/** Options of createProcessMfaProvider. */
export interface ProcessMfaProviderOptions {
  /** The whole environment the command runs with (not merged with process.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** How long the command may run before it is killed. Default 60 000 ms. */
  readonly timeoutMs?: number | undefined;
  /** Where the command is set, `file:line`, named in error messages. */
  readonly origin?: string | undefined;
}

const sixDigits = /^[0-9]{6}$/;
/** Output kept of each stream: far more than a code or an error line needs. */
const maxCapturedBytes = 64 * 1024;
/** Characters of the command's last stderr line quoted in an error message. */
const maxStderrChars = 200;

const tokenCodeHint = 'or pass --token-code 123456';

/**
 * An MFA code provider that runs a command (a profile's `mfa_process`, e.g.
 * `ykman oath accounts code -s aws`) and reads the code from its stdout.
 *
 * The command line is split into words as the AWS CLI splits `credential_process`
 * (see shlexSplit) and the program is run directly, never through a shell: `;`, `|`,
 * `$(...)` in the profile are plain arguments, so a profile can never inject shell syntax.
 * The program gets `env` (the whole environment, `undefined` values left out; its PATH finds
 * the program), no stdin, and its stdout and stderr are captured. It must exit with status 0
 * within `timeoutMs` (else it is killed with SIGKILL) and print exactly 6 digits, surrounding
 * whitespace ignored.
 *
 * Error messages name the program (never the rest of the command line, which may hold
 * secrets), the profile, the origin, the exit code or signal and the last line of stderr;
 * never what it printed on stdout.
 *
 * @returns a provider that rejects with AssumeError `MFA_REQUIRED` when the program cannot be
 *   started, fails, times out or prints something else than a code, and with
 *   `CONFIG_INVALID` when the command line is empty or cannot be split (an unclosed quote)
 */
export function createProcessMfaProvider(command: string, options: ProcessMfaProviderOptions): MfaCodeProvider {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return async (request) => {
    const where = describeWhere(request, options.origin);
    const argv = shlexSplit(command);
    const [program, ...args] = argv ?? [];
    if (program === undefined || program === '') {
      throw new AssumeError(
        'CONFIG_INVALID',
        argv === undefined ? `mfa_process${where} cannot be split into words: an unclosed quote or a trailing backslash` : `mfa_process${where} is empty`,
        { hint: 'Set mfa_process to a command that prints the 6-digit code, quoting words as in a shell.' },
      );
    }
    const named = `mfa_process "${showControlChars(program)}"${where}`;
    const outcome = await runProgram([program, ...args], { env: options.env, timeoutMs, maxBytes: maxCapturedBytes });
    switch (outcome.kind) {
      case 'error': {
        throw new AssumeError('MFA_REQUIRED', `${named} could not be started: ${startFailure(outcome.error)}`, {
          hint: `Give the program's full path in mfa_process, or make sure it is on PATH and executable; ${tokenCodeHint}.`,
          cause: outcome.error,
        });
      }
      case 'timeout':
        throw new AssumeError('MFA_REQUIRED', `${named} did not finish within ${formatSeconds(timeoutMs)} and was killed`, {
          hint: `mfa_process must print the code and exit without waiting for input on stdin; ${tokenCodeHint}.`,
        });
      case 'exit': {
        if (outcome.code !== 0) {
          const how = outcome.signal === null ? `exited with code ${String(outcome.code)}` : `was killed by ${outcome.signal}`;
          const stderr = lastLine(outcome.stderr);
          throw new AssumeError('MFA_REQUIRED', `${named} ${how}${stderr === undefined ? '' : `: ${stderr}`}`, {
            hint: `Run the mfa_process command yourself to see why it fails; ${tokenCodeHint}.`,
          });
        }
        const code = outcome.stdout.trim();
        // Never echo what it printed: it may be a secret printed by mistake.
        if (!sixDigits.test(code)) {
          throw new AssumeError('MFA_REQUIRED', `${named} printed something that is not a 6-digit code`, {
            hint: `mfa_process must print only the 6-digit code on stdout (messages go to stderr); ${tokenCodeHint}.`,
          });
        }
        return code;
      }
    }
  };
}

function describeWhere(request: MfaCodeRequest, origin: string | undefined): string {
  const profile = request.profile === undefined ? '' : ` of profile "${showControlChars(request.profile)}"`;
  return `${profile}${origin === undefined ? '' : ` (${showControlChars(origin)})`}`;
}

function formatSeconds(ms: number): string {
  return `${ms / 1000} s`;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** Why a program could not be started, in words for the common cases. */
function startFailure(error: unknown): string {
  const code = errorCode(error);
  if (code === 'ENOENT') return 'program not found';
  if (code === 'EACCES') return 'permission denied';
  return code ?? (error instanceof Error ? error.message : 'unknown error');
}

/** The last non-blank line, control characters escaped, cut to maxStderrChars characters. */
function lastLine(text: string): string | undefined {
  const line = text
    .split(/\r\n|\r|\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .at(-1);
  if (line === undefined) return undefined;
  const chars = Array.from(line);
  const cut = chars.length > maxStderrChars ? `${chars.slice(0, maxStderrChars).join('')}…` : line;
  return showControlChars(cut);
}
