import { Command, CommanderError } from 'commander';
import { isFresh } from '../cache/cacheEntry.js';
import { parseCli } from '../cli.js';
import type { CliOptions } from '../cli.js';
import { loadAwsConfig } from '../config/loadAwsConfig.js';
import { AssumeError, ExitCode, isAssumeError } from '../errors.js';
import { finalCacheKey } from '../execute.js';
import { formatExplanation } from '../explain/formatExplanation.js';
import type { CacheState } from '../explain/formatExplanation.js';
import { prepareShortcut } from '../fast/prepareShortcut.js';
import type { Plan } from '../resolve/plan.js';
import type { Env } from '../resolve/resolvePlan.js';
import { resolvePlan } from '../resolve/resolvePlan.js';
import type { CommandContext, Subcommand } from './types.js';
import type { CredentialCache } from '../cache/createFileCache.js';
import { callerName } from '../util/callerName.js';
import { readPolicy } from '../util/readPolicy.js';

const description = `Show what assume would do for a profile, without doing it: the chain of credentials hop by hop,
every value with the file and line (or variable, or flag) it came from, the region, the STS
endpoint and whether the cache holds fresh credentials. No network call, no secret, no MFA
prompt. Takes the options assume takes (--role-arn, --region, --duration, ...), so it
explains exactly what \`assume\` with the same options would do.`;

const examples = `
Examples:
  assume explain prod-admin                     the chain of prod-admin, value by value
  assume explain                                the profile in $AWS_PROFILE (else default)
  assume explain prod-admin --role-arn arn:aws:iam::123456789012:role/Deploy --duration 1h
  AWS_REGION=eu-west-1 assume explain ci        what the environment changes
`;

/** `assume explain --help`: its own usage and examples; everything else is parsed as assume's own command line. */
function helpText(): string {
  let printed = '';
  const program = new Command('assume explain')
    .description(description)
    .usage('[profile] [options]')
    .argument('[profile]', 'the profile to explain (default: $AWS_PROFILE, else $AWS_DEFAULT_PROFILE, else "default")')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', `\nOptions: every option of assume (see assume --help) that changes the plan.\n${examples}`)
    .exitOverride()
    .configureOutput({ writeOut: (text) => (printed += text), writeErr: () => undefined, outputError: () => undefined });
  try {
    program.parse(['--help'], { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
  }
  return printed;
}

/** How the profile was chosen when no argument named it. */
function profileFrom(options: CliOptions, env: Env, plan: Plan): string | undefined {
  if (options.profile !== undefined || plan.profile === undefined) return undefined;
  if (env.AWS_PROFILE !== undefined) return '$AWS_PROFILE';
  if (env.AWS_DEFAULT_PROFILE !== undefined) return '$AWS_DEFAULT_PROFILE';
  return 'default';
}

/** What the cache holds for the plan's final credentials; reads one entry, writes nothing. */
async function cacheState(plan: Plan, options: CliOptions, cache: CredentialCache | undefined, now: Date): Promise<CacheState> {
  if (cache === undefined) return { kind: 'off' };
  const key = finalCacheKey(plan);
  if (key === undefined) return { kind: 'uncached' };
  if (options.refresh) return { kind: 'refresh' };
  try {
    const entry = await cache.read(key);
    if (entry === undefined) return { kind: 'miss' };
    const expiration = new Date(entry.expiration);
    return isFresh(entry, now, options.minRemainingMs) ? { kind: 'fresh', expiration, now } : { kind: 'stale', expiration, now };
  } catch (error) {
    return { kind: 'unreadable', message: isAssumeError(error) ? error.message : (error as Error).message };
  }
}

/**
 * `assume explain [profile] [options]`: resolves the plan exactly as `assume` with the same
 * options would (same files, environment variables and flags; no network, no MFA prompt) and
 * prints it on stdout with where every value came from (see formatExplanation). Errors in the
 * config are the resolver's own, unchanged.
 */
const explain: Subcommand = async (argv, context: CommandContext) => {
  const { env, io, homeDir } = context;
  const own = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (own.includes('--help') || own.includes('-h')) {
    io.stdout.write(helpText());
    return { exitCode: ExitCode.ok };
  }
  const parsed = parseCli(argv, context.version);
  if (parsed.kind === 'print') {
    io.stdout.write(parsed.text);
    return { exitCode: ExitCode.ok };
  }
  if (parsed.kind !== 'run') {
    throw new AssumeError('USAGE', 'assume explain takes a profile and the options of assume, not a command', {
      hint: 'Run assume explain PROFILE [options]; for a profile named like a command, assume explain --profile NAME.',
    });
  }
  const { options } = parsed;
  if (options.command !== undefined) {
    throw new AssumeError('USAGE', 'assume explain runs nothing: it takes no -- command', { hint: 'Drop the -- and what follows it.' });
  }
  if (options.unset) throw new AssumeError('USAGE', 'assume explain explains a profile; --unset has nothing to explain', { hint: 'Run assume explain PROFILE.' });

  const prepared = await prepareShortcut(options, await readPolicy(options.policy), env, homeDir);
  const config = await (context.deps.loadConfig ?? loadAwsConfig)(prepared.paths);
  const plan = resolvePlan(config, env, prepared.resolveOptions);
  const text = formatExplanation({
    plan,
    config,
    profileFrom: profileFrom(options, env, plan),
    caller: callerName(env),
    cacheEnabled: options.cache,
    cache: await cacheState(plan, options, prepared.cache, context.now()),
    homeDir,
  });
  io.stdout.write(text);
  return { exitCode: ExitCode.ok };
};

export default explain;
