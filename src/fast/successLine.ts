import type { CliOptions } from '../cli.js';
import { colorLevel } from '../output/colorLevel.js';
import { describeResult } from '../output/describeResult.js';
import type { Env } from '../resolve/resolvePlan.js';
import type { Outcome } from './shortcutHit.js';

/**
 * The success line for stderr, or '' when none is wanted: one is for a person at a terminal
 * or a CI log (`CI` set and not "false", or `GITHUB_ACTIONS=true`), never under
 * credential_process or --quiet. In color at a terminal (or with FORCE_COLOR), unless
 * --no-color or NO_COLOR. `io.stderr.isTTY` is read only when it decides, so a
 * credential_process run never opens its stderr.
 */
export function successLine(options: CliOptions, env: Env, io: { readonly stderr: { readonly isTTY?: boolean | undefined } }, { result, profile }: Outcome, now: Date): string {
  if (options.quiet || options.format === 'credential-process') return '';
  const terminal = io.stderr.isTTY === true;
  const wanted = terminal || (env.CI !== undefined && env.CI !== '' && env.CI !== 'false') || env.GITHUB_ACTIONS === 'true';
  if (!wanted) return '';
  const summary = { profile, assumedRoleArn: result.assumedRoleArn, credentials: result.credentials, cached: result.cached === true };
  return describeResult(summary, now, colorLevel(env, !options.color, terminal));
}
