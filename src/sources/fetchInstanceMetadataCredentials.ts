import type { Credentials } from '../credentials.js';
import { AssumeError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import type { InstanceMetadataSource } from '../resolve/plan.js';
import type { Env } from '../resolve/resolvePlan.js';
import { describeFrom } from '../resolve/resolvePlan.js';
import type { MetadataOutcome } from './metadataHttp.js';
import { displayUrl, errorDetail, parseMetadataCredentials, requestMetadata, serverText } from './metadataHttp.js';

/** The instance metadata service's IPv4 address, where AWS_EC2_METADATA_SERVICE_ENDPOINT does not point elsewhere. */
export const defaultImdsEndpoint = 'http://169.254.169.254';

/** How long an IMDSv2 session token is asked for: six hours, as botocore and the JS SDK ask. */
const tokenTtlSeconds = '21600';
const tokenPath = '/latest/api/token';
const credentialsPath = '/latest/meta-data/iam/security-credentials/';

export interface InstanceMetadataContext {
  /** Read for AWS_EC2_METADATA_DISABLED and AWS_EC2_METADATA_V1_DISABLED. */
  readonly env: Env;
  /** Per request; the IMDSv1 fallback after a timed-out token request makes it two. */
  readonly timeoutMs: number;
  readonly now: () => Date;
}

/** A variable set to true, as botocore reads AWS_EC2_METADATA_DISABLED: "true" in any case (spaces around ignored), nothing else. */
function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

const hopLimitHint =
  'In a container on EC2, raise the instance\'s metadata hop limit to 2 (aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 2); no proxy may stand between you and the metadata service.';

/** Says what happened to a request: for messages. */
function describeOutcome(outcome: Exclude<MetadataOutcome, { kind: 'response' }>, timeoutMs: number): string {
  return outcome.kind === 'timeout' ? `did not answer within ${timeoutMs / 1000} s` : `could not be reached (${outcome.reason})`;
}

/**
 * One call: the endpoint, the profile, the context, and how each failure is worded. Every
 * message names the endpoint and the profile; none quotes a key, a secret or a token.
 */
class ImdsCall {
  readonly base: string;
  /** Blanked out of anything the service says back: the session token, once there is one. */
  readonly secrets: string[] = [];
  private readonly where: string;

  constructor(
    source: InstanceMetadataSource,
    private readonly ctx: InstanceMetadataContext,
  ) {
    this.base = imdsBaseUrl(source);
    this.where = `the instance metadata service at ${this.base} (credential_source = Ec2InstanceMetadata of profile "${source.profile}")`;
  }

  fail(code: ErrorCode, why: string, hint: string): AssumeError {
    return new AssumeError(code, `${this.where} ${why}`, { hint });
  }

  /** A failure to talk to IMDS at all, or an answer no client can use: SOURCE_UNAVAILABLE. */
  unavailable(outcome: MetadataOutcome, what: string): AssumeError {
    if (outcome.kind !== 'response') {
      return this.fail('SOURCE_UNAVAILABLE', `${describeOutcome(outcome, this.ctx.timeoutMs)} (${what})`, 'Run assume on an EC2 instance with an instance profile, or point AWS_EC2_METADATA_SERVICE_ENDPOINT at a reachable endpoint.');
    }
    const detail = errorDetail(outcome.text, this.secrets);
    return this.fail('SOURCE_UNAVAILABLE', `answered HTTP ${outcome.status} to ${what}${detail === '' ? '' : `: ${detail}`}`, outcome.status >= 500 ? 'The metadata service is failing; try again shortly.' : 'Check the endpoint in AWS_EC2_METADATA_SERVICE_ENDPOINT or ec2_metadata_service_endpoint.');
  }

  request(method: 'GET' | 'PUT', path: string, headers: Record<string, string>): Promise<MetadataOutcome> {
    return requestMetadata(`${this.base}${path}`, { method, headers, timeoutMs: this.ctx.timeoutMs });
  }
}

/** The endpoint without trailing slashes; CONFIG_INVALID when it is not an http(s) URL. */
function imdsBaseUrl(source: InstanceMetadataSource): string {
  const endpoint = source.endpoint?.value ?? defaultImdsEndpoint;
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '') {
    throw new AssumeError(
      'CONFIG_INVALID',
      `the instance metadata endpoint "${displayUrl(endpoint)}" for profile "${source.profile}" is not an http:// or https:// URL ${source.endpoint ? describeFrom(source.endpoint.from) : ''}`.trimEnd(),
      { hint: 'Set AWS_EC2_METADATA_SERVICE_ENDPOINT or ec2_metadata_service_endpoint to a URL such as http://169.254.169.254.' },
    );
  }
  return endpoint.replace(/\/+$/, '');
}

/**
 * The IMDSv2 session token, or undefined to fall back to IMDSv1 as botocore and the JS SDK
 * do: when the token request answers 403, 404 or 405 (an IMDS without v2, or a request
 * that came through a proxy) or times out (the PUT answer dropped by a hop limit of 1 in a
 * container). Refused when AWS_EC2_METADATA_V1_DISABLED is true, as both SDKs refuse it.
 */
async function fetchToken(call: ImdsCall, ctx: InstanceMetadataContext): Promise<{ token: string | undefined; fallback: string }> {
  const outcome = await call.request('PUT', tokenPath, { 'x-aws-ec2-metadata-token-ttl-seconds': tokenTtlSeconds });
  if (outcome.kind === 'response' && outcome.status === 200) {
    const token = outcome.text.trim();
    if (token === '' || /[\r\n]/.test(token)) throw call.fail('SOURCE_UNAVAILABLE', 'answered the IMDSv2 token request (PUT /latest/api/token) with an unusable token', 'The metadata service is not behaving like EC2\'s.');
    call.secrets.push(token);
    return { token, fallback: '' };
  }
  const fallsBack = outcome.kind === 'timeout' || (outcome.kind === 'response' && [403, 404, 405].includes(outcome.status));
  if (!fallsBack) throw call.unavailable(outcome, 'the IMDSv2 token request (PUT /latest/api/token)');
  const fallback = `the IMDSv2 token request (PUT /latest/api/token) ${outcome.kind === 'timeout' ? `timed out after ${ctx.timeoutMs / 1000} s` : `answered HTTP ${outcome.status}`}`;
  if (isTrue(ctx.env.AWS_EC2_METADATA_V1_DISABLED)) {
    throw call.fail('SOURCE_UNAVAILABLE', `cannot be used: ${fallback} and AWS_EC2_METADATA_V1_DISABLED forbids falling back to IMDSv1`, hopLimitHint);
  }
  return { token: undefined, fallback };
}

/** Words the failure of a GET with or without a token. 401: the token was refused, or IMDSv1 is off and there was none. */
function getFailure(call: ImdsCall, outcome: MetadataOutcome, what: string, token: { token: string | undefined; fallback: string }): AssumeError {
  if (outcome.kind === 'response' && outcome.status === 401) {
    return token.token === undefined
      ? call.fail('SOURCE_UNAVAILABLE', `requires IMDSv2 (HTTP 401 to ${what} without a token), but ${token.fallback}`, hopLimitHint)
      : call.fail('SOURCE_UNAVAILABLE', `refused its own IMDSv2 session token (HTTP 401 to ${what})`, 'Try again; if it persists, the metadata service or a proxy in between is not behaving like EC2\'s.');
  }
  return call.unavailable(outcome, what);
}

/**
 * Gets the instance profile's role credentials from the EC2 instance metadata service, as
 * the AWS CLI does: IMDSv2 (PUT /latest/api/token with a six-hour TTL, then GETs with
 * x-aws-ec2-metadata-token) and IMDSv1 only as the SDKs fall back to it (see fetchToken).
 * The endpoint is source.endpoint (AWS_EC2_METADATA_SERVICE_ENDPOINT or
 * ec2_metadata_service_endpoint), else http://169.254.169.254.
 *
 * Our own fetch-based client rather than `fromInstanceMetadata` of
 * @aws-sdk/credential-providers: that provider reads the endpoint and
 * AWS_EC2_METADATA_V1_DISABLED from process.env and ~/.aws/config itself (assume injects
 * `env` and resolves the config once), and it reports every failure as one error type, so
 * "no role attached" could not be told from "unreachable".
 *
 * Reads AWS_EC2_METADATA_DISABLED (true: refuse without a request) and
 * AWS_EC2_METADATA_V1_DISABLED (true: no IMDSv1 fallback) from `ctx.env`.
 * @throws AssumeError SOURCE_MISSING (disabled, no role attached, refused to hand out the
 *   role's credentials), SOURCE_UNAVAILABLE (unreachable, timed out, HTTP 5xx or another
 *   unexpected status, a malformed document), CREDENTIALS_EXPIRED (credentials already
 *   expired at ctx.now()), CONFIG_INVALID (an endpoint that is not an http(s) URL)
 */
export async function fetchInstanceMetadataCredentials(source: InstanceMetadataSource, ctx: InstanceMetadataContext): Promise<Credentials> {
  const call = new ImdsCall(source, ctx);
  if (isTrue(ctx.env.AWS_EC2_METADATA_DISABLED)) {
    throw call.fail('SOURCE_MISSING', 'is disabled by AWS_EC2_METADATA_DISABLED=true', 'Unset AWS_EC2_METADATA_DISABLED, or give the profile another credential_source.');
  }
  const token = await fetchToken(call, ctx);
  const headers: Record<string, string> = token.token === undefined ? {} : { 'x-aws-ec2-metadata-token': token.token };

  const noRole = (why: string): AssumeError =>
    call.fail('SOURCE_MISSING', why, 'Attach an instance profile with a role to the instance (aws ec2 associate-iam-instance-profile), or give the profile another credential_source.');
  const list = await call.request('GET', credentialsPath, headers);
  if (list.kind === 'response' && list.status === 404) throw noRole(`has no IAM role for this instance (HTTP 404 to GET ${credentialsPath})`);
  if (list.kind !== 'response' || list.status !== 200) throw getFailure(call, list, `GET ${credentialsPath}`, token);
  const roleName = list.text.split('\n').map((line) => line.trim()).find((line) => line !== '');
  if (roleName === undefined) throw noRole('has no IAM role for this instance (an empty role list)');
  const shownRole = serverText(roleName);

  const rolePath = `${credentialsPath}${encodeURIComponent(roleName)}`;
  const answer = await call.request('GET', rolePath, headers);
  if (answer.kind === 'response' && answer.status === 404) throw noRole(`has no credentials for the role "${shownRole}" (HTTP 404 to GET ${rolePath})`);
  if (answer.kind !== 'response' || answer.status !== 200) throw getFailure(call, answer, `GET ${rolePath}`, token);
  const parsed = parseMetadataCredentials(answer.text, call.secrets);
  if (parsed.kind === 'malformed') throw call.fail('SOURCE_UNAVAILABLE', `answered GET ${rolePath} with a document that ${parsed.why}`, 'The metadata service is not behaving like EC2\'s; try again shortly.');
  if (parsed.kind === 'refused') {
    throw call.fail('SOURCE_MISSING', `could not get credentials for the role "${shownRole}": ${parsed.detail}`, 'Check that the role trusts ec2.amazonaws.com and that the instance profile still exists.');
  }
  const { expiration } = parsed.credentials;
  if (expiration.getTime() <= ctx.now().getTime()) {
    throw call.fail('CREDENTIALS_EXPIRED', `handed out credentials for the role "${shownRole}" that expired at ${expiration.toISOString()}`, 'Check the system clock; the metadata service renews role credentials well before they expire.');
  }
  return parsed.credentials;
}
