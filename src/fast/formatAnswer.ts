import type { CliOptions } from '../cli.js';
import type { Io } from '../main.js';
import { formatOutput } from '../output/formatOutput.js';
import type { OutputFormat } from '../output/formatOutput.js';
import type { Env } from '../resolve/resolvePlan.js';
import type { Outcome } from './shortcutHit.js';
import { successLine } from './successLine.js';

/**
 * What a run that prints credentials as text writes: the formatted credentials for stdout and
 * the success line (or '') for stderr. Main prints a hit or a miss with it, and the fast path
 * a hit, so both print the same bytes.
 *
 * @throws AssumeError `OUTPUT_UNSAFE` when a value cannot be written safely in that format
 */
export function formatAnswer(options: CliOptions & { readonly format: OutputFormat }, env: Env, io: Io, outcome: Outcome, now: Date): { readonly stdout: string; readonly stderr: string } {
  const stderr = successLine(options, env, io, outcome, now);
  // Format fully before writing, so a refusal never leaves a partial export on stdout.
  return { stdout: formatOutput(options.format, { credentials: outcome.result.credentials, region: outcome.region }), stderr };
}
