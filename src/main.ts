import { homedir } from 'node:os';
import { readFileSync } from 'node:fs';
import { isatty } from 'node:tty';
import { Chalk } from 'chalk';
import { parseCli } from './cli.js';
import { callerName } from './util/callerName.js';
import { readPolicy } from './util/readPolicy.js';
import type { CliOptions } from './cli.js';
import { childEnvironment, execCommand } from './commands/execCommand.js';
import type { ExitStatus } from './commands/execCommand.js';
import { loadAwsConfig } from './config/loadAwsConfig.js';
import type { AwsConfig } from './config/types.js';
import { AssumeError, ExitCode } from './errors.js';
import { defaultSessionName, executePlan, finalCacheKey } from './execute.js';
import type { Env } from './resolve/resolvePlan.js';
import { resolvePlan } from './resolve/resolvePlan.js';
import { assumeRole } from './sts/assumeRole.js';
import { getSessionToken } from './sts/getSessionToken.js';
import type { RoleAssumer, SessionTokenGetter, WebIdentityRoleAssumer } from './sts/types.js';
import { createFileCache } from './cache/createFileCache.js';
import { envDigest, recordingEnv } from './cache/shortcut.js';
import { resolveCacheDir } from './cache/resolveCacheDir.js';
import { cacheCommand } from './commands/cacheCommand.js';
import { createMfaCodeSource } from './mfa/createMfaCodeSource.js';
import { networkSettings } from './net/networkSettings.js';
import { fetchSource } from './sources/fetchSource.js';
import { assumeRoleWithWebIdentity } from './sts/assumeRoleWithWebIdentity.js';
import { createTtyMfaPrompt } from './prompt/createTtyMfaPrompt.js';
import type { MfaCodeProvider } from './prompt/types.js';
import { formatAnswer } from './fast/formatAnswer.js';
import { prepareShortcut } from './fast/prepareShortcut.js';
import type { PreparedShortcut } from './fast/prepareShortcut.js';
import { shortcutHit } from './fast/shortcutHit.js';
import type { Outcome } from './fast/shortcutHit.js';
import { successLine } from './fast/successLine.js';
import { wantsPicker } from './fast/wantsPicker.js';
import type { SubcommandName } from './fast/subcommands.js';
import { colorLevel } from './output/colorLevel.js';
import { isOutputFormat } from './output/formatOutput.js';
import type { CommandContext, Subcommand } from './commands/types.js';
import { resolveConfigPaths } from './config/paths.js';

/** Where run writes. stdout gets only the credentials output; everything else goes to stderr. */
export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean | undefined };
}

/** What run needs from the outside, with the real ones as defaults. Tests inject fakes. */
export interface RunDeps {
  readonly assumeRole?: RoleAssumer;
  readonly getSessionToken?: SessionTokenGetter;
  readonly assumeRoleWithWebIdentity?: WebIdentityRoleAssumer;
  /** Asks for an MFA code; default: on /dev/tty. */
  readonly mfaPrompt?: MfaCodeProvider;
  readonly now?: () => Date;
  readonly homeDir?: string;
  readonly exec?: (command: readonly string[], env: Record<string, string>) => Promise<ExitStatus>;
  /** Reads and parses the config files; default loadAwsConfig. */
  readonly loadConfig?: (paths: { config: string; credentials: string }) => Promise<AwsConfig>;
  /** Whether a person is at a terminal to pick a profile (stdin and stderr terminals); default: asks the OS. */
  readonly interactive?: () => boolean;
  /** Picks a profile from the config on the terminal; default: src/picker/pickProfile.ts. */
  readonly pickProfile?: (config: AwsConfig, context: CommandContext) => Promise<string>;
}

/** How the process should end: an exit code, or a signal to die of (the child's, under `--`). */
export type RunResult = { readonly exitCode: number } | { readonly signal: NodeJS.Signals };

/** STS attempts in total, retries of throttling and 5xx included. */
const maxAttempts = 3;
/** How long a credential_process may run, as the AWS CLI allows it no limit but a hung one must not hang us. */
const processTimeoutMs = 60_000;

/**
 * The package version, replaced by its value when scripts/bundle.mjs builds the bundle (esbuild
 * `define`), where package.json is not two folders up. In the tsc output (dist/src, as the
 * tests import it) it stays undeclared, and `typeof` keeps that from throwing.
 */
declare const ASSUME_PACKAGE_VERSION: string | undefined;

function packageVersion(): string {
  if (typeof ASSUME_PACKAGE_VERSION === 'string') return ASSUME_PACKAGE_VERSION;
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return manifest.version ?? '0.0.0';
}

/** The outside world of one run: the injected pieces, or the real ones. */
type Context = CommandContext;

/** The subcommands that parse their own arguments, each loaded only when run. */
const subcommands: Readonly<Record<Exclude<SubcommandName, 'cache' | 'console'>, () => Promise<{ readonly default: Subcommand }>>> = {
  ls: () => import('./commands/ls.js'),
  whoami: () => import('./commands/whoami.js'),
  explain: () => import('./commands/explain.js'),
  doctor: () => import('./commands/doctor.js'),
  init: () => import('./commands/init.js'),
  completion: () => import('./commands/completion.js'),
  __complete: () => import('./commands/complete.js'),
};

async function runOptions(asked: CliOptions, env: Env, io: Io, deps: RunDeps, context: Context): Promise<RunResult> {
  if (asked.unset) {
    const { formatUnset } = await import('./output/formatUnset.js');
    if (asked.format === 'github' || !isOutputFormat(asked.format)) {
      throw new AssumeError('USAGE', `--unset has nothing to print in format ${asked.format}: GitHub Actions cannot unset a variable`, {
        hint: 'In a later step, set the variables to empty values; in a shell, use --format sh, fish, powershell or cmd.',
      });
    }
    io.stdout.write(formatUnset(asked.format));
    return { exitCode: ExitCode.ok };
  }
  let options = asked;
  if (wantsPicker(options, env, deps.interactive ?? (() => isatty(0) && isatty(2)))) {
    const paths = resolveConfigPaths(env, context.homeDir);
    const config = await (deps.loadConfig ?? loadAwsConfig)(paths);
    const pick = deps.pickProfile ?? (await import('./picker/pickProfile.js')).pickProfile;
    options = { ...options, profile: await pick(config, context) };
  }
  // The same steps, in the same order, as the fast path of a cache hit (src/fast/answerFromCache.ts).
  const prepared = await prepareShortcut(options, await readPolicy(options.policy), env, context.homeDir);
  const outcome = (await shortcutHit(prepared, env, context.now(), options.minRemainingMs)) ?? (await resolveAndExecute(options, env, io, deps, context, prepared));
  return deliver(options, env, io, deps, context, outcome);
}

async function resolveAndExecute(
  options: CliOptions,
  env: Env,
  io: Io,
  deps: RunDeps,
  { homeDir, now }: Context,
  { paths, cache, resolveOptions, key: shortcut }: PreparedShortcut,
): Promise<Outcome> {
  const config = await (deps.loadConfig ?? loadAwsConfig)(paths);
  const recording = recordingEnv(env);
  const plan = resolvePlan(config, recording.env, resolveOptions);
  const caller = callerName(env);
  const network = networkSettings(env);
  if (options.ssoLogin) {
    if (plan.source.kind !== 'sso') {
      throw new AssumeError('USAGE', `--sso-login signs in to an SSO session, and profile "${plan.profile ?? 'default'}" does not start from one`, {
        hint: 'Give a profile with sso_session (or sso_start_url) and sso_account_id, or one whose source_profile chain starts from such a profile.',
      });
    }
    const { ssoLogin } = await import('./sources/sso/ssoLogin.js');
    await ssoLogin(plan.source, { env, homeDir, now, timeoutMs: options.timeoutMs, stderr: io.stderr, network });
  }
  const result = await executePlan(plan, {
    assumeRole: deps.assumeRole ?? assumeRole,
    getSessionToken: deps.getSessionToken ?? getSessionToken,
    now,
    timeoutMs: options.timeoutMs,
    maxAttempts,
    cache,
    refresh: options.refresh,
    minRemainingMs: options.minRemainingMs,
    mfaCode: createMfaCodeSource({ tokenCode: plan.tokenCode, env, prompt: deps.mfaPrompt ?? createTtyMfaPrompt() }),
    fetchSource: (source) =>
      fetchSource(source, {
        env,
        homeDir,
        now,
        timeoutMs: options.timeoutMs,
        processTimeoutMs,
        profileChain: plan.profileChain,
        sts: { target: plan.sts, timeoutMs: options.timeoutMs, maxAttempts, network },
        assumeRoleWithWebIdentity: deps.assumeRoleWithWebIdentity ?? assumeRoleWithWebIdentity,
        sessionName: () => defaultSessionName(now(), caller),
      }),
    caller,
    network,
  });
  const chainKey = finalCacheKey(plan);
  if (cache !== undefined && shortcut !== undefined && chainKey !== undefined) {
    const envNames = recording.read();
    await cache
      .writeShortcut(shortcut, { version: 1, chainKey, envNames, envDigest: envDigest(env, envNames), region: plan.region?.value, profile: plan.profile })
      .catch(() => undefined); // Only a speed-up: a failed write costs the next run a parse.
  }
  return { result, profile: plan.profile, region: plan.region?.value };
}

/** Hands the credentials over: to a command, to GitHub Actions, or as text on stdout; then the success line. */
async function deliver(options: CliOptions, env: Env, io: Io, deps: RunDeps, context: Context, outcome: Outcome): Promise<RunResult> {
  const { now } = context;
  const output = { credentials: outcome.result.credentials, region: outcome.region };
  if (options.console) {
    const { consoleSignIn } = await import('./commands/console.js');
    return consoleSignIn(output, options, context, outcome.result.assumedRoleArn);
  }
  if (options.writeProfile !== undefined) {
    const { writeProfile } = await import('./commands/writeProfile.js');
    await writeProfile(options.writeProfile, output, context, options);
    io.stderr.write(successLine(options, env, io, outcome, now()));
    return { exitCode: ExitCode.ok };
  }
  if (options.command !== undefined) {
    io.stderr.write(successLine(options, env, io, outcome, now()));
    const status = await (deps.exec ?? execCommand)(options.command, childEnvironment(env, output));
    return 'signal' in status ? { signal: status.signal } : { exitCode: status.code };
  }
  if (options.format === 'github') {
    const summary = successLine(options, env, io, outcome, now());
    const { writeGithubActions } = await import('./commands/githubActions.js');
    io.stdout.write(await writeGithubActions(output, { env, setOutputs: options.outputs }));
    io.stderr.write(summary);
    return { exitCode: ExitCode.ok };
  }
  // The text formats: the same function gives the bytes the fast path prints on a hit.
  const answer = formatAnswer({ ...options, format: options.format }, env, io, outcome, now());
  io.stdout.write(answer.stdout);
  io.stderr.write(answer.stderr);
  return { exitCode: ExitCode.ok };
}

function describeError(error: unknown, debug: boolean, level: 0 | 1 | 2 | 3): string {
  const paint = new Chalk({ level });
  if (error instanceof AssumeError) {
    let text = `${paint.red('assume:')} ${error.message}\n`;
    if (error.hint !== undefined) text += `  ${paint.dim('hint:')} ${error.hint}\n`;
    if (debug) {
      text += `  code: ${error.code}\n${error.stack ?? ''}\n`;
      if (error.cause instanceof Error) text += `caused by: ${error.cause.stack ?? error.cause.message}\n`;
    }
    return text;
  }
  const message = error instanceof Error ? error.message : String(error);
  let text = `${paint.red('assume:')} internal error: ${message}\n  ${paint.dim('hint:')} This is a bug in assume; please report it with the output of --debug.\n`;
  if (debug && error instanceof Error && error.stack) text += `${error.stack}\n`;
  return text;
}

/**
 * Runs assume with the given arguments and environment: the only place that prints errors
 * and decides the exit code. Everything below throws AssumeError. Never writes to stdout
 * unless the whole output is ready.
 */
export async function run(argv: readonly string[], env: Env, io: Io, deps: RunDeps = {}): Promise<RunResult> {
  const own = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  const debug = own.includes('--debug');
  const level = colorLevel(env, own.includes('--no-color'), io.stderr.isTTY === true);
  try {
    // Inside the try: os.homedir() throws when neither HOME nor the user database names one.
    const version = packageVersion();
    const context: Context = { env, io, deps, version, colorLevel: level, homeDir: deps.homeDir ?? homedir(), now: deps.now ?? (() => new Date()) };
    const parsed = parseCli(argv, version);
    if (parsed.kind === 'print') {
      io.stdout.write(parsed.text);
      return { exitCode: ExitCode.ok };
    }
    if (parsed.kind === 'subcommand') {
      const { default: command } = await subcommands[parsed.name]();
      return await command(parsed.argv, context);
    }
    if (parsed.kind === 'cache') {
      const cache = createFileCache({ dir: resolveCacheDir(env, context.homeDir) });
      const output = await cacheCommand(parsed.options, cache, context.now());
      io.stdout.write(output.stdout);
      io.stderr.write(output.stderr);
      return { exitCode: ExitCode.ok };
    }
    if (debug && Number(process.versions.node.split('.')[0]) < 22) {
      io.stderr.write(`assume: note: running on Node.js ${process.version}; AWS SDK releases after January 2027 need Node.js 22\n`);
    }
    return await runOptions(parsed.options, env, io, deps, context);
  } catch (error) {
    io.stderr.write(describeError(error, debug, level));
    return { exitCode: error instanceof AssumeError ? error.exitCode : ExitCode.internal };
  }
}
