import { homedir } from 'node:os';
import { readFileSync } from 'node:fs';
import { Chalk } from 'chalk';
import { parseCli } from './cli.js';
import type { CliOptions } from './cli.js';
import { childEnvironment, execCommand } from './commands/execCommand.js';
import type { ExitStatus } from './commands/execCommand.js';
import { loadAwsConfig } from './config/loadAwsConfig.js';
import { resolveConfigPaths } from './config/paths.js';
import { AssumeError, ExitCode } from './errors.js';
import { executePlan } from './execute.js';
import { formatOutput } from './output/formatOutput.js';
import type { Env } from './resolve/resolvePlan.js';
import { resolvePlan } from './resolve/resolvePlan.js';
import { assumeRole } from './sts/assumeRole.js';
import { getSessionToken } from './sts/getSessionToken.js';
import type { RoleAssumer, SessionTokenGetter } from './sts/types.js';
import { createFileCache } from './cache/createFileCache.js';
import { resolveCacheDir } from './cache/resolveCacheDir.js';
import { cacheCommand } from './commands/cacheCommand.js';
import { createMfaCodeSource } from './mfa/createMfaCodeSource.js';
import { fetchProcessCredentials } from './sources/fetchProcessCredentials.js';
import { createTtyMfaPrompt } from './prompt/createTtyMfaPrompt.js';
import type { MfaCodeProvider } from './prompt/types.js';

/** Where run writes. stdout gets only the credentials output; everything else goes to stderr. */
export interface Io {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean | undefined };
}

/** What run needs from the outside, with the real ones as defaults. Tests inject fakes. */
export interface RunDeps {
  readonly assumeRole?: RoleAssumer;
  readonly getSessionToken?: SessionTokenGetter;
  /** Asks for an MFA code; default: on /dev/tty. */
  readonly mfaPrompt?: MfaCodeProvider;
  readonly now?: () => Date;
  readonly homeDir?: string;
  readonly exec?: (command: readonly string[], env: Record<string, string>) => Promise<ExitStatus>;
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
interface Context {
  readonly homeDir: string;
  readonly now: () => Date;
}

async function runOptions(options: CliOptions, env: Env, io: Io, deps: RunDeps, { homeDir, now }: Context): Promise<RunResult> {
  const config = await loadAwsConfig(resolveConfigPaths(env, homeDir));
  const plan = resolvePlan(config, env, options);
  const result = await executePlan(plan, {
    assumeRole: deps.assumeRole ?? assumeRole,
    getSessionToken: deps.getSessionToken ?? getSessionToken,
    now,
    timeoutMs: options.timeoutMs,
    maxAttempts,
    cache: options.cache ? createFileCache({ dir: resolveCacheDir(env, homeDir) }) : undefined,
    refresh: options.refresh,
    minRemainingMs: options.minRemainingMs,
    mfaCode: createMfaCodeSource({ tokenCode: plan.tokenCode, env, prompt: deps.mfaPrompt ?? createTtyMfaPrompt() }),
    fetchSource: (source) => {
      if (source.kind === 'process') return fetchProcessCredentials(source, { env, profileChain: plan.profileChain, timeoutMs: processTimeoutMs, now: now() });
      return Promise.reject(new AssumeError('SOURCE_UNSUPPORTED', `assume cannot get credentials from a ${source.kind} source yet`));
    },
  });
  const output = { credentials: result.credentials, region: plan.region?.value };
  if (options.command !== undefined) {
    const status = await (deps.exec ?? execCommand)(options.command, childEnvironment(env, output));
    return 'signal' in status ? { signal: status.signal } : { exitCode: status.code };
  }
  // Format fully before writing, so a refusal never leaves a partial export on stdout.
  io.stdout.write(formatOutput(options.format, output));
  return { exitCode: ExitCode.ok };
}

function describeError(error: unknown, debug: boolean, color: boolean): string {
  const paint = new Chalk({ level: color ? 1 : 0 });
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
  const debug = argv.includes('--debug');
  const color = io.stderr.isTTY === true && env.NO_COLOR === undefined && !argv.includes('--no-color');
  try {
    // Inside the try: os.homedir() throws when neither HOME nor the user database names one.
    const context: Context = { homeDir: deps.homeDir ?? homedir(), now: deps.now ?? (() => new Date()) };
    const parsed = parseCli(argv, packageVersion());
    if (parsed.kind === 'print') {
      io.stdout.write(parsed.text);
      return { exitCode: ExitCode.ok };
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
    io.stderr.write(describeError(error, debug, color));
    return { exitCode: error instanceof AssumeError ? error.exitCode : ExitCode.internal };
  }
}
