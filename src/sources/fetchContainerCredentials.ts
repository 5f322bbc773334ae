import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import type { Credentials } from '../credentials.js';
import { AssumeError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import type { ContainerSource } from '../resolve/plan.js';
import type { Env } from '../resolve/resolvePlan.js';
import { describeFrom } from '../resolve/resolvePlan.js';
import { displayUrl, errorDetail, parseMetadataCredentials, requestMetadata } from './metadataHttp.js';

export interface ContainerContext {
  /** Read for AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE and AWS_CONTAINER_AUTHORIZATION_TOKEN. */
  readonly env: Env;
  readonly timeoutMs: number;
  readonly now: () => Date;
}

/** The hosts an http:// credentials URI may name besides loopback: the ECS agent, the EKS Pod Identity agent (IPv4, IPv6). */
const containerHosts = new Set(['169.254.170.2', '169.254.170.23', 'fd00:ec2::23', 'localhost']);

/**
 * Whether the SDKs fetch credentials from this URL: https anywhere; http only from a
 * loopback address (127.0.0.0/8, ::1), localhost, or the ECS and EKS agents' addresses.
 * Anything else could send the authorization token in clear text to another machine.
 */
export function isAllowedContainerUrl(url: URL): boolean {
  if (url.protocol === 'https:') return true;
  if (url.protocol !== 'http:') return false;
  // URL keeps IPv6 hosts in brackets and has already normalized 127.1, 0x7f.0.0.1, [0:0::1]...
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (containerHosts.has(host)) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/**
 * The Authorization header value: the contents of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE
 * (read now, as EKS rotates it), else AWS_CONTAINER_AUTHORIZATION_TOKEN; undefined when
 * neither is set. Used as is, like botocore: a CR or LF in it is refused, never stripped.
 */
async function readAuthorization(source: ContainerSource, env: Env): Promise<string | undefined> {
  const file = env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
  let token = env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
  let from = 'AWS_CONTAINER_AUTHORIZATION_TOKEN';
  if (file !== undefined && file !== '') {
    from = `the file ${file} (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)`;
    try {
      token = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      throw new AssumeError('SOURCE_MISSING', `cannot read the container authorization token for profile "${source.profile}" from ${from}: ${code}`, {
        hint: 'Check that the token file is mounted into the container and readable.',
        cause: error,
      });
    }
  }
  if (token === undefined || token === '') return undefined;
  if (/[\r\n]/.test(token)) {
    throw new AssumeError('CONFIG_INVALID', `the container authorization token for profile "${source.profile}" in ${from} contains a line break, which cannot go into an HTTP header`, {
      hint: 'Write the token without a trailing newline (printf, not echo), as the AWS CLI requires.',
    });
  }
  return token;
}

/** The credentials URI, parsed and checked; CONFIG_INVALID when the SDKs would refuse it. */
function containerUrl(source: ContainerSource): URL {
  const refuse = (why: string): AssumeError =>
    new AssumeError('CONFIG_INVALID', `the container credentials URI "${displayUrl(source.uri.value)}" for profile "${source.profile}" ${why} ${describeFrom(source.uri.from)}`, {
      hint: 'AWS_CONTAINER_CREDENTIALS_FULL_URI must be https://, or http:// on a loopback address, 169.254.170.2, 169.254.170.23 or [fd00:ec2::23], as the AWS SDKs require.',
    });
  let url: URL;
  try {
    url = new URL(source.uri.value);
  } catch {
    throw refuse('is not a URL');
  }
  if (url.username !== '' || url.password !== '') throw refuse('carries a user name or password');
  if (!isAllowedContainerUrl(url)) throw refuse(`names a host (${url.host}) or scheme (${url.protocol}) the AWS SDKs refuse`);
  return url;
}

/**
 * Gets the task's or pod's role credentials from the container credentials endpoint (ECS
 * task role, EKS Pod Identity, Greengrass): GET source.uri with the authorization token,
 * if any, in the Authorization header; the answer is JSON with AccessKeyId,
 * SecretAccessKey, Token, Expiration (and RoleArn or AccountId, not used).
 *
 * Our own fetch-based client rather than `fromContainerMetadata` or `fromHttp` of
 * @aws-sdk/credential-providers: the first reads only process.env (assume injects `env`);
 * the second takes explicit values but still falls back to process.env for any not given,
 * retries four times with a sleep, and flattens every failure into one error string, so a
 * refused token could not be told from an endpoint that is down.
 *
 * Reads AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (wins) and AWS_CONTAINER_AUTHORIZATION_TOKEN
 * from `ctx.env` at call time. Every message names the endpoint and the profile, never a
 * key, a secret or the authorization token.
 * @throws AssumeError CONFIG_INVALID (a URI the SDKs refuse, a token with a line break),
 *   SOURCE_MISSING (an unreadable token file; the endpoint refused with HTTP 4xx),
 *   SOURCE_UNAVAILABLE (unreachable, timed out, HTTP 5xx, 429 or a redirect, a malformed document),
 *   CREDENTIALS_EXPIRED (credentials already expired at ctx.now())
 */
export async function fetchContainerCredentials(source: ContainerSource, ctx: ContainerContext): Promise<Credentials> {
  const url = containerUrl(source);
  const authorization = await readAuthorization(source, ctx.env);
  const where = `the container credentials endpoint at ${source.uri.value} (credential_source = EcsContainer of profile "${source.profile}")`;
  const fail = (code: ErrorCode, why: string, hint: string): AssumeError => new AssumeError(code, `${where} ${why}`, { hint });

  const secrets = authorization === undefined ? [] : [authorization];
  const outcome = await requestMetadata(url.href, {
    method: 'GET',
    headers: { accept: 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    timeoutMs: ctx.timeoutMs,
  });
  if (outcome.kind === 'timeout') throw fail('SOURCE_UNAVAILABLE', `did not answer within ${ctx.timeoutMs / 1000} s`, 'Check that the ECS agent or EKS Pod Identity agent is running and reachable from here.');
  if (outcome.kind === 'unreachable') throw fail('SOURCE_UNAVAILABLE', `could not be reached (${outcome.reason})`, 'Check that the ECS agent or EKS Pod Identity agent is running and reachable from here.');
  if (outcome.status !== 200) {
    const detail = errorDetail(outcome.text, secrets);
    const why = `answered HTTP ${outcome.status}${detail === '' ? '' : `: ${detail}`}`;
    if (outcome.status < 400 || outcome.status >= 500 || outcome.status === 429) {
      const redirect = outcome.status >= 300 && outcome.status < 400;
      throw fail('SOURCE_UNAVAILABLE', why, redirect ? 'A credentials endpoint must answer itself: assume follows no redirect, so the token goes nowhere else.' : 'The credentials endpoint is failing; try again shortly.');
    }
    const refused = outcome.status === 401 || outcome.status === 403;
    throw fail(
      'SOURCE_MISSING',
      why,
      refused
        ? `The endpoint refused the authorization token${authorization === undefined ? ' (none was sent)' : ''}: check AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or AWS_CONTAINER_AUTHORIZATION_TOKEN.`
        : 'Check AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or AWS_CONTAINER_CREDENTIALS_FULL_URI, and that the task or pod has a role.',
    );
  }
  const parsed = parseMetadataCredentials(outcome.text, secrets);
  if (parsed.kind === 'malformed') throw fail('SOURCE_UNAVAILABLE', `answered with a document that ${parsed.why}`, 'The endpoint is not behaving like the ECS or EKS agent; try again shortly.');
  if (parsed.kind === 'refused') throw fail('SOURCE_MISSING', `could not hand out credentials: ${parsed.detail}`, 'Check that the task or pod has a role.');
  const { expiration } = parsed.credentials;
  if (expiration.getTime() <= ctx.now().getTime()) {
    throw fail('CREDENTIALS_EXPIRED', `handed out credentials that expired at ${expiration.toISOString()}`, 'Check the system clock; the agent renews role credentials well before they expire.');
  }
  return parsed.credentials;
}
