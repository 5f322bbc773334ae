import type { CliOptions } from '../cli.js';
import type { Env } from '../resolve/resolvePlan.js';

/**
 * Whether `assume` should open the profile picker: no profile was named (no argument,
 * --profile, --role-arn, AWS_PROFILE or AWS_DEFAULT_PROFILE, as resolvePlan reads them), the
 * output is one a person evals or runs, and `interactive()` says a person is at a terminal
 * (main: stdin and stderr are terminals, true under `eval "$(assume)"`, false under
 * credential_process, whose stderr the caller captures, and in CI). The fast path passes
 * `() => true`: it defers whenever the picker might be wanted, without loading node:tty.
 */
export function wantsPicker(options: Pick<CliOptions, 'profile' | 'roleArn' | 'format'>, env: Env, interactive: () => boolean): boolean {
  if (options.profile !== undefined || options.roleArn !== undefined) return false;
  if ((env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE) !== undefined) return false;
  if (options.format === 'credential-process' || options.format === 'github') return false;
  return interactive();
}
