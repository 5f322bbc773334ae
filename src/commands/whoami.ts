import type { Credentials } from '../credentials.js';
import { AssumeError, ExitCode } from '../errors.js';
import { networkSettings } from '../net/networkSettings.js';
import { localDateTime, timeLeft } from '../output/describeResult.js';
import type { StsTarget } from '../resolve/plan.js';
import type { Env } from '../resolve/resolvePlan.js';
import type { CallerIdentity, CallerIdentityGetter } from '../sts/getCallerIdentity.js';
import { redactKeyId } from '../util/redact.js';
import { subcommandProgram } from './subcommandProgram.js';
import type { CommandContext, Subcommand } from './types.js';

/** STS attempts in total, retries of throttling and 5xx included: as many as for AssumeRole (src/main.ts). */
const maxAttempts = 3;

const examples = `
Examples:
  eval "$(assume prod-admin)" && assume whoami    who the credentials just set are, and for how long
  assume prod-admin -- assume whoami              the same, without touching this shell
  assume whoami --json | jq -r .account           the account, for a script
`;

interface WhoamiOptions {
  readonly json: boolean;
  readonly timeoutMs: number;
}

/** The arguments of `assume whoami`, or the help text that was asked for. */
function parseWhoamiArgs(argv: readonly string[], version: string): WhoamiOptions | { readonly help: string } {
  const { program, parse } = subcommandProgram({
    name: 'whoami',
    description:
      'Ask STS (GetCallerIdentity) who the credentials in the environment are: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN. ' +
      'Region from AWS_REGION or AWS_DEFAULT_REGION (default us-east-1), endpoint from AWS_ENDPOINT_URL_STS or AWS_ENDPOINT_URL; ' +
      'the time left from AWS_CREDENTIAL_EXPIRATION. Never shows a secret.',
    examples,
    version,
  });
  program.option('--json', 'a JSON object, for scripts').option('--timeout <seconds>', 'seconds to wait for STS on each attempt', '5');
  const help = parse(argv);
  if (help !== undefined) return { help };
  const raw = program.opts<{ json?: boolean; timeout: string }>();
  const seconds = Number(raw.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new AssumeError('USAGE', `--timeout "${raw.timeout}" is not a positive number of seconds`, { hint: 'Run assume whoami --help.' });
  return { json: raw.json === true, timeoutMs: Math.round(seconds * 1000) };
}

function envValue(env: Env, name: string): string | undefined {
  const value = Object.hasOwn(env, name) ? env[name] : undefined;
  return value === undefined || value === '' ? undefined : value;
}

function isTrue(value: string | undefined): boolean {
  return value?.toLowerCase() === 'true';
}

/** How to get credentials into the environment, naming AWS_PROFILE when it is set (whoami does not read profiles). */
function credentialsHint(env: Env): string {
  const profile = envValue(env, 'AWS_PROFILE');
  const base = 'Set them with eval "$(assume PROFILE)", or run assume PROFILE -- assume whoami.';
  return profile === undefined ? base : `${base} AWS_PROFILE=${profile} is set, but whoami reads only the credential variables: run assume ${profile} -- assume whoami.`;
}

/**
 * The credentials in the environment, as the AWS CLI reads them: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (else its legacy name AWS_SECURITY_TOKEN), and
 * the expiry assume exports in AWS_CREDENTIAL_EXPIRATION (ignored when it is not a date).
 *
 * @throws AssumeError `SOURCE_MISSING` when the key id or the secret is not set.
 */
export function environmentCredentials(env: Env): Credentials {
  const accessKeyId = envValue(env, 'AWS_ACCESS_KEY_ID');
  const secretAccessKey = envValue(env, 'AWS_SECRET_ACCESS_KEY');
  if (accessKeyId === undefined || secretAccessKey === undefined) {
    const message =
      accessKeyId === undefined && secretAccessKey === undefined
        ? 'no AWS credentials in the environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set'
        : accessKeyId === undefined
          ? 'AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not'
          : `AWS_ACCESS_KEY_ID (${redactKeyId(accessKeyId)}) is set but AWS_SECRET_ACCESS_KEY is not`;
    throw new AssumeError('SOURCE_MISSING', message, { hint: credentialsHint(env) });
  }
  const expirationText = envValue(env, 'AWS_CREDENTIAL_EXPIRATION');
  const expiration = expirationText === undefined ? undefined : new Date(expirationText);
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken: envValue(env, 'AWS_SESSION_TOKEN') ?? envValue(env, 'AWS_SECURITY_TOKEN'),
    expiration: expiration === undefined || Number.isNaN(expiration.getTime()) ? undefined : expiration,
  };
}

/**
 * Where GetCallerIdentity is sent, from the environment only (whoami reads no profile): region
 * AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1; endpoint AWS_ENDPOINT_URL_STS, else
 * AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true; FIPS with
 * AWS_USE_FIPS_ENDPOINT=true. As resolvePlan decides them for a profile.
 */
export function whoamiTarget(env: Env): StsTarget {
  const region = envValue(env, 'AWS_REGION') ?? envValue(env, 'AWS_DEFAULT_REGION') ?? 'us-east-1';
  const base = { region, useFipsEndpoint: isTrue(env.AWS_USE_FIPS_ENDPOINT) };
  if (isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS)) return base;
  const name = envValue(env, 'AWS_ENDPOINT_URL_STS') !== undefined ? 'AWS_ENDPOINT_URL_STS' : envValue(env, 'AWS_ENDPOINT_URL') !== undefined ? 'AWS_ENDPOINT_URL' : undefined;
  if (name === undefined) return base;
  return { ...base, endpoint: { value: envValue(env, name) ?? '', from: { kind: 'env', name } } };
}

/** `2026-11-28 16:04 (59m left)` in local time, or `2026-11-28 16:04 (expired)`. */
function formatExpires(expiration: Date, now: Date): string {
  const when = localDateTime(expiration);
  const left = expiration.getTime() - now.getTime();
  return `${when} (${left <= 0 ? 'expired' : `${timeLeft(left)} left`})`;
}

/**
 * What whoami prints: `account`, `arn`, `user id` and `expires` lines, aligned; `expires`
 * says "never (long-term keys)" for keys without a session token, and "not known" for
 * temporary credentials without AWS_CREDENTIAL_EXPIRATION.
 */
export function formatIdentity(identity: CallerIdentity, credentials: Credentials, now: Date): string {
  const expires =
    credentials.expiration !== undefined
      ? formatExpires(credentials.expiration, now)
      : credentials.sessionToken === undefined
        ? 'never (long-term keys)'
        : 'not known (AWS_CREDENTIAL_EXPIRATION is not set)';
  return `account  ${identity.account}\narn      ${identity.arn}\nuser id  ${identity.userId}\nexpires  ${expires}\n`;
}

/**
 * The JSON whoami prints for scripts: account, arn, userId, expiration (ISO 8601 UTC, or null
 * when the environment does not say) and secondsLeft (null likewise; 0 once expired).
 */
export function formatIdentityJson(identity: CallerIdentity, credentials: Credentials, now: Date): string {
  const { expiration } = credentials;
  return `${JSON.stringify(
    {
      account: identity.account,
      arn: identity.arn,
      userId: identity.userId,
      expiration: expiration?.toISOString() ?? null,
      secondsLeft: expiration === undefined ? null : Math.max(0, Math.floor((expiration.getTime() - now.getTime()) / 1000)),
    },
    null,
    2,
  )}\n`;
}

/** A refusal of the environment's credentials, with a hint about the environment rather than a profile. */
function credentialsRefused(error: unknown, env: Env): unknown {
  if (!(error instanceof AssumeError) || (error.code !== 'CREDENTIALS_INVALID' && error.code !== 'CREDENTIALS_EXPIRED')) return error;
  if (/clock is off/.test(error.message)) return error;
  const what = error.code === 'CREDENTIALS_EXPIRED' ? 'have expired' : 'are not valid (unknown key, deactivated, or the secret or token does not match)';
  return new AssumeError(error.code, `the credentials in the environment ${what}: ${error.message}`, {
    hint: `Get new ones. ${credentialsHint(env)}`,
    cause: error,
  });
}

/**
 * `assume whoami` with the identity getter given (tests pass a fake; the default export the
 * real one, loaded only when called, as the SDK is loaded only on a cache miss).
 */
export async function runWhoami(argv: readonly string[], context: CommandContext, getIdentity?: CallerIdentityGetter): Promise<{ exitCode: number }> {
  const parsed = parseWhoamiArgs(argv, context.version);
  if ('help' in parsed) {
    context.io.stdout.write(parsed.help);
    return { exitCode: ExitCode.ok };
  }
  const credentials = environmentCredentials(context.env);
  const get = getIdentity ?? (await import('../sts/getCallerIdentity.js')).getCallerIdentity;
  let identity: CallerIdentity;
  try {
    identity = await get(credentials, { target: whoamiTarget(context.env), timeoutMs: parsed.timeoutMs, maxAttempts, network: networkSettings(context.env) });
  } catch (error) {
    throw credentialsRefused(error, context.env);
  }
  const now = context.now();
  context.io.stdout.write(parsed.json ? formatIdentityJson(identity, credentials, now) : formatIdentity(identity, credentials, now));
  return { exitCode: ExitCode.ok };
}

/** `assume whoami`: sts:GetCallerIdentity for the credentials in the environment, and their time left. */
const whoami: Subcommand = (argv, context) => runWhoami(argv, context);
export default whoami;
