import { isatty } from 'node:tty';
import type { CliOptions } from '../cli.js';
import type { Env } from '../resolve/resolvePlan.js';

/**
 * Whether `assume` should open the profile picker: no profile was named (no argument,
 * --profile, --role-arn, AWS_PROFILE or AWS_DEFAULT_PROFILE, as resolvePlan reads them), a person is at a terminal (stdin and stderr are
 * terminals: true under `eval "$(assume)"`, false under credential_process, whose stderr the
 * caller captures, and in CI), and the output is one a person evals or runs.
 */
export function wantsPicker(options: Pick<CliOptions, 'profile' | 'roleArn' | 'format'>, env: Env, interactive: () => boolean = stdinAndStderrAreTerminals): boolean {
  if (options.profile !== undefined || options.roleArn !== undefined) return false;
  if ((env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE) !== undefined) return false;
  if (options.format === 'credential-process' || options.format === 'github') return false;
  return interactive();
}

export function stdinAndStderrAreTerminals(): boolean {
  return isatty(0) && isatty(2);
}
