/**
 * `assume console PROFILE` (or `--console`): an AWS console sign-in URL for the credentials,
 * made as AWS documents for a custom identity broker ("Enable custom identity broker access
 * to the AWS console"): the credentials buy a SigninToken from the federation endpoint, and
 * the login URL carries that token to the console.
 */
import { spawn } from 'node:child_process';
import type { Agent } from 'node:http';
import { isIP } from 'node:net';
import { Chalk } from 'chalk';
import type { CliOptions } from '../cli.js';
import type { Credentials, CredentialsOutput } from '../credentials.js';
import { AssumeError, ExitCode } from '../errors.js';
import type { RunResult } from '../main.js';
import { httpExchange } from '../net/httpExchange.js';
import type { HttpAnswer } from '../net/httpExchange.js';
import { loadAgent } from '../net/loadAgent.js';
import { certificateErrorCode, findNetworkFailure, untrustedCertificate } from '../net/networkFailure.js';
import { networkSettings } from '../net/networkSettings.js';
import type { NetworkSettings } from '../net/networkSettings.js';
import type { Env } from '../resolve/resolvePlan.js';
import { redactKeyId } from '../util/redact.js';
import { shlexSplit } from '../util/shlexSplit.js';
import type { CommandContext } from './types.js';

/** The partitions with a public console, and where their federation endpoint and console are. */
const partitions = {
  aws: { federation: 'https://signin.aws.amazon.com/federation', console: 'https://console.aws.amazon.com/console/home' },
  'aws-us-gov': { federation: 'https://signin.amazonaws-us-gov.com/federation', console: 'https://console.amazonaws-us-gov.com/console/home' },
  'aws-cn': { federation: 'https://signin.amazonaws.cn/federation', console: 'https://console.amazonaws.cn/console/home' },
} as const;
type Partition = keyof typeof partitions;

/** The Issuer of the login URL: who sent the user, as aws-vault sends "aws-vault". */
export const consoleIssuer = 'assume';

/**
 * The partition of the credentials: the one in the assumed role's ARN when known, else the
 * region's (cn-* is aws-cn, us-gov-* aws-us-gov, us-iso-* aws-iso...), else aws.
 */
export function partitionOf(assumedRoleArn: string | undefined, region: string | undefined): string {
  const fromArn = /^arn:([\w-]+):/.exec(assumedRoleArn ?? '')?.[1];
  if (fromArn !== undefined) return fromArn;
  if (region === undefined) return 'aws';
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  const iso = /^[a-z]{2}-iso([a-z]?)-/.exec(region);
  if (iso !== null) return iso[1] === undefined || iso[1] === '' ? 'aws-iso' : `aws-iso-${iso[1]}`;
  if (region.startsWith('eusc-')) return 'aws-eusc';
  return 'aws';
}

function isPartition(name: string): name is Partition {
  return Object.hasOwn(partitions, name);
}

/** Where a URL given to assume (`--federation-endpoint`, ASSUME_FEDERATION_ENDPOINT, ASSUME_CONSOLE_DESTINATION) came from, for messages. */
interface Given {
  readonly value: string;
  readonly from: string;
}

/**
 * The federation endpoint: `--federation-endpoint`, else ASSUME_FEDERATION_ENDPOINT, else the
 * partition's (aws: https://signin.aws.amazon.com/federation). The flag wins over the
 * variable. https:// only, but http:// on a loopback address (a local emulator).
 * @throws AssumeError USAGE for a URL assume will not send credentials to, or a partition without a default
 */
export function resolveFederationEndpoint(flag: string | undefined, env: Env, partition: string): URL {
  const variable = env.ASSUME_FEDERATION_ENDPOINT;
  const given: Given | undefined =
    flag !== undefined ? { value: flag, from: '--federation-endpoint' } : variable !== undefined && variable !== '' ? { value: variable, from: 'ASSUME_FEDERATION_ENDPOINT' } : undefined;
  if (given === undefined) {
    if (!isPartition(partition)) {
      throw new AssumeError('USAGE', `assume knows no console federation endpoint for the partition ${partition}`, {
        hint: 'Give the sign-in federation endpoint of that partition with --federation-endpoint URL (or ASSUME_FEDERATION_ENDPOINT).',
      });
    }
    return new URL(partitions[partition].federation);
  }
  return checkedUrl(given, true);
}

/**
 * The console page to land on: ASSUME_CONSOLE_DESTINATION, else the partition's console home
 * for the region (https://console.aws.amazon.com/console/home?region=REGION).
 */
export function resolveDestination(env: Env, partition: string, region: string | undefined): string {
  const variable = env.ASSUME_CONSOLE_DESTINATION;
  if (variable !== undefined && variable !== '') return checkedUrl({ value: variable, from: 'ASSUME_CONSOLE_DESTINATION' }, false).href;
  const home = new URL(isPartition(partition) ? partitions[partition].console : partitions.aws.console);
  if (region !== undefined && region !== '') home.searchParams.set('region', region);
  return home.href;
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** A URL from the user: parsed, https:// (or, where credentials go, http:// on loopback only), with no user or password in it. */
function checkedUrl(given: Given, carriesCredentials: boolean): URL {
  let url: URL;
  try {
    url = new URL(given.value);
  } catch {
    throw new AssumeError('USAGE', `${given.from} "${given.value}" is not a URL`, { hint: 'Give a full URL, e.g. https://signin.aws.amazon.com/federation.' });
  }
  const allowed = url.protocol === 'https:' || (carriesCredentials && url.protocol === 'http:' && isLoopback(url.hostname));
  if (!allowed || url.username !== '' || url.password !== '') {
    throw new AssumeError('USAGE', `${given.from} must be an https:// URL${carriesCredentials ? ' (http:// only on a loopback address such as 127.0.0.1)' : ''}, without a user or password`, {
      hint: carriesCredentials ? 'The credentials are sent to it: assume sends them in clear text only to this machine.' : 'Give the https:// URL of a console page.',
    });
  }
  return url;
}

/** The getSigninToken request: the endpoint with Action=getSigninToken&SessionType=json&Session=<the credentials as JSON>. A secret: never printed. */
export function signinTokenRequestUrl(endpoint: URL, credentials: Credentials): URL {
  const url = new URL(endpoint.href);
  url.searchParams.set('Action', 'getSigninToken');
  url.searchParams.set('SessionType', 'json');
  url.searchParams.set(
    'Session',
    JSON.stringify({ sessionId: credentials.accessKeyId, sessionKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken }),
  );
  return url;
}

/** The login URL: the endpoint with Action=login&Issuer=assume&Destination=<console page>&SigninToken=<token>. */
export function loginUrl(endpoint: URL, destination: string, signinToken: string): string {
  const url = new URL(endpoint.href);
  url.searchParams.set('Action', 'login');
  url.searchParams.set('Issuer', consoleIssuer);
  url.searchParams.set('Destination', destination);
  url.searchParams.set('SigninToken', signinToken);
  return url.href;
}

/** The endpoint as messages name it: origin and path, never the query (which holds the credentials or the token). */
function shown(endpoint: URL): string {
  return `${endpoint.origin}${endpoint.pathname}`;
}

/** One GET, within `timeoutMs` from start to the last byte of the answer; no redirect followed. */
function get(url: URL, timeoutMs: number, agent: Agent | undefined): Promise<HttpAnswer> {
  return httpExchange(url, { method: 'GET', timeoutMs, agent });
}

/** Only a system error code (ECONNREFUSED...) or "timed out": a Node error message may quote the URL, which holds the credentials. */
function reasonOf(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs / 1000} s`;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && code !== '' ? code : 'connection failed';
}

/**
 * Asks the federation endpoint for a SigninToken for `credentials` (GET, as AWS documents it).
 * @throws AssumeError STS_UNREACHABLE (connection, timeout, proxy, TLS trust), STS_UNAVAILABLE
 *   (HTTP 429 or 5xx), CREDENTIALS_INVALID (HTTP 400/403: the endpoint refused the
 *   credentials), STS_ERROR (any other answer, or one without a SigninToken). No message holds
 *   the Session parameter, the token, or the endpoint's answer.
 */
export async function fetchSigninToken(endpoint: URL, credentials: Credentials, options: { timeoutMs: number; network?: NetworkSettings | undefined }): Promise<string> {
  const url = signinTokenRequestUrl(endpoint, credentials);
  const route = await loadAgent(url, options.network);
  const where = shown(endpoint);
  let answer: HttpAnswer;
  try {
    answer = await get(url, options.timeoutMs, route?.agent);
  } catch (error) {
    const host = endpoint.hostname.replace(/^\[|\]$/g, '');
    const code = certificateErrorCode(error);
    const failure = findNetworkFailure(error) ?? (code === undefined ? undefined : untrustedCertificate(host, code, options.network?.caBundle, undefined));
    throw new AssumeError('STS_UNREACHABLE', `the console federation endpoint ${where} could not be reached: ${failure?.message ?? reasonOf(error, options.timeoutMs)}`, {
      hint: failure?.hint ?? 'Check the network (and HTTPS_PROXY), raise --timeout, or give another endpoint with --federation-endpoint.',
    });
  } finally {
    route?.agent.destroy();
  }
  if (answer.status === 429 || answer.status >= 500) {
    throw new AssumeError('STS_UNAVAILABLE', `the console federation endpoint ${where} answered HTTP ${answer.status}${answer.statusText === '' ? '' : ` ${answer.statusText}`}`, {
      hint: 'It is busy or failing: try again in a moment.',
    });
  }
  if (answer.status === 400 || answer.status === 403) {
    throw new AssumeError('CREDENTIALS_INVALID', `the console federation endpoint ${where} refused the credentials of ${redactKeyId(credentials.accessKeyId)} (HTTP ${answer.status})`, {
      hint: 'It takes unexpired role credentials (AssumeRole, SSO, web identity); it refuses long-term keys and GetSessionToken (MFA) sessions. Run with --refresh, or use a role profile.',
    });
  }
  if (answer.status !== 200) {
    throw new AssumeError('STS_ERROR', `the console federation endpoint ${where} answered HTTP ${answer.status}${answer.status >= 300 && answer.status < 400 ? ' (a redirect, which assume does not follow)' : ''}`, {
      hint: 'Check the endpoint: --federation-endpoint or ASSUME_FEDERATION_ENDPOINT.',
    });
  }
  let token: unknown;
  try {
    token = (JSON.parse(answer.text) as { SigninToken?: unknown } | null)?.SigninToken;
  } catch {
    token = undefined;
  }
  if (typeof token !== 'string' || !/^[\w\-.~+/=%]+$/.test(token)) {
    throw new AssumeError('STS_ERROR', `the console federation endpoint ${where} answered HTTP 200 without a SigninToken in JSON`, {
      hint: 'Check that the endpoint is an AWS sign-in federation endpoint: --federation-endpoint or ASSUME_FEDERATION_ENDPOINT.',
    });
  }
  return token;
}

/**
 * The command that opens a URL in a browser: $BROWSER (its first `:`-separated entry, split
 * like a command line; `%s` stands for the URL, else the URL comes last), else `open` on
 * macOS and `xdg-open` elsewhere. The URL is always one argument, never through a shell.
 */
export function browserCommand(env: Env, platform: NodeJS.Platform, url: string): readonly string[] {
  const browser = env.BROWSER?.split(':').find((entry) => entry.trim() !== '');
  if (browser !== undefined) {
    const words = shlexSplit(browser);
    if (words === undefined || words.length === 0) {
      throw new AssumeError('USAGE', 'BROWSER is not a command assume can split (an unclosed quote?)', { hint: 'Set BROWSER to the browser program, e.g. BROWSER=firefox.' });
    }
    return words.some((word) => word.includes('%s')) ? words.map((word) => word.split('%s').join(url)) : [...words, url];
  }
  return [platform === 'darwin' ? 'open' : 'xdg-open', url];
}

/** Starts the browser detached (it outlives assume), without a shell; resolves once it started. `program` names it in messages (never the URL). */
function openBrowser(command: readonly string[], program: string, env: Env): Promise<void> {
  const [file = '', ...args] = command;
  const childEnv: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined) childEnv[name] = value;
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { detached: true, stdio: 'ignore', env: childEnv, shell: false });
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new AssumeError('EXEC_FAILED', `could not start the browser (${program}: ${error.code ?? 'error'})`, {
          hint: 'Set BROWSER to your browser program, or drop --open and paste the printed URL into a browser.',
        }),
      );
    });
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

/**
 * Makes the console sign-in URL for `output` and prints it alone on stdout, or with --open
 * opens it in the browser and prints nothing on stdout. Reads ASSUME_FEDERATION_ENDPOINT,
 * ASSUME_CONSOLE_DESTINATION, BROWSER and the proxy variables from `context.env`.
 * `assumedRoleArn`, when main knows it, picks the partition (else the region does).
 *
 * @throws AssumeError USAGE for long-term keys (AWS refuses them) or an unusable endpoint; see fetchSigninToken
 */
export async function consoleSignIn(output: CredentialsOutput, options: CliOptions, context: CommandContext, assumedRoleArn?: string): Promise<RunResult> {
  const { credentials, region } = output;
  if (credentials.sessionToken === undefined) {
    throw new AssumeError('USAGE', `long-term keys (${redactKeyId(credentials.accessKeyId)}) cannot sign in to the AWS console: AWS's federation endpoint takes temporary credentials only`, {
      hint: 'Use a profile that assumes a role (role_arn, SSO, web identity), or add --role-arn ARN.',
    });
  }
  const partition = partitionOf(assumedRoleArn, region);
  const endpoint = resolveFederationEndpoint(options.federationEndpoint, context.env, partition);
  const destination = resolveDestination(context.env, partition, region);
  const token = await fetchSigninToken(endpoint, credentials, { timeoutMs: options.timeoutMs, network: networkSettings(context.env) });
  const url = loginUrl(endpoint, destination, token);
  if (!options.open) {
    context.io.stdout.write(`${url}\n`);
    return { exitCode: ExitCode.ok };
  }
  const command = browserCommand(context.env, process.platform, url);
  const program = context.env.BROWSER !== undefined && context.env.BROWSER !== '' ? 'BROWSER' : (command[0] ?? '');
  await openBrowser(command, program, context.env);
  if (!options.quiet) {
    const paint = new Chalk({ level: context.colorLevel });
    context.io.stderr.write(`${paint.dim('assume:')} opened the AWS console in the browser (${program}); the sign-in link works for 15 minutes\n`);
  }
  return { exitCode: ExitCode.ok };
}
