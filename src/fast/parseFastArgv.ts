import type { CliOptions } from '../cli.js';
import { isOutputFormat } from '../output/formatOutput.js';
import type { OutputFormat } from '../output/formatOutput.js';
import { parseDuration } from '../resolve/validate.js';
import { isSubcommandName } from './subcommands.js';

/** The value options the fast path takes, by every spelling parseCli accepts for them. */
const valueOptions: Readonly<Record<string, 'format' | 'region' | 'duration' | 'timeout' | 'minRemaining'>> = {
  '-f': 'format',
  '--format': 'format',
  '-r': 'region',
  '--region': 'region',
  '-d': 'duration',
  '--duration': 'duration',
  '--timeout': 'timeout',
  '--min-remaining': 'minRemaining',
};

/**
 * The command line of a likely cache hit, parsed without commander: a small, strict grammar
 * that yields exactly the options parseCli (src/cli.ts) yields for the same argv, or
 * undefined when it is not sure, and the full path (commander) then parses it.
 *
 * It takes at most one profile, and `-f/--format` (the formats printed as text, not github),
 * `-r/--region`, `-d/--duration`, `--timeout`, `--min-remaining` (each as `--flag value`,
 * long ones also as `--flag=value`, at most once, with a value that is not empty and does
 * not start with `-`), `-q/--quiet` and `--no-color`. Anything else gives undefined: a
 * subcommand (src/fast/subcommands.ts) first, `--` anywhere, help, version, every other flag, grouped short flags (`-qf`), an
 * attached short value (`-fjson`), a repeated flag, a value parseCli would refuse.
 */
export function parseFastArgv(argv: readonly string[]): CliOptions | undefined {
  if (isSubcommandName(argv[0])) return undefined;
  const values: Partial<Record<'format' | 'region' | 'duration' | 'timeout' | 'minRemaining', string>> = {};
  let profile: string | undefined;
  let quiet = false;
  let noColor = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    if (!arg.startsWith('-')) {
      // An empty profile, or a second one (which commander refuses), is left to the full path.
      if (profile !== undefined || arg === '') return undefined;
      profile = arg;
      continue;
    }
    if (arg === '-q' || arg === '--quiet') {
      if (quiet) return undefined;
      quiet = true;
      continue;
    }
    if (arg === '--no-color') {
      if (noColor) return undefined;
      noColor = true;
      continue;
    }
    const equals = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const option = valueOptions[name];
    if (option === undefined || values[option] !== undefined) return undefined;
    const value = equals === -1 ? argv[++index] : arg.slice(equals + 1);
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    values[option] = value;
  }

  const format = values.format ?? 'sh';
  if (!isOutputFormat(format)) return undefined;
  let durationSeconds: number | undefined;
  if (values.duration !== undefined) {
    durationSeconds = parseDuration(values.duration);
    if (durationSeconds === undefined) return undefined;
  }
  // The same arithmetic as parseCli, on the same text, for the same number.
  const timeoutSeconds = Number(values.timeout ?? '5');
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) return undefined;
  const minRemainingSeconds = parseDuration(values.minRemaining ?? '5m');
  if (minRemainingSeconds === undefined) return undefined;
  return {
    profile,
    format: format satisfies OutputFormat,
    region: values.region,
    roleArn: undefined,
    externalId: undefined,
    sessionName: undefined,
    durationSeconds,
    tokenCode: undefined,
    tags: [],
    transitiveTagKeys: [],
    sourceIdentity: undefined,
    policy: undefined,
    policyArns: [],
    outputs: false,
    quiet,
    ssoLogin: false,
    endpointUrl: undefined,
    timeoutMs: Math.round(timeoutSeconds * 1000),
    cache: true,
    refresh: false,
    minRemainingMs: minRemainingSeconds * 1000,
    debug: false,
    color: !noColor,
    command: undefined,
    console: false,
    open: false,
    federationEndpoint: undefined,
    writeProfile: undefined,
    unset: false,
  };
}
