/**
 * A small JSON client for the two IAM Identity Center APIs assume calls: the access portal
 * (GetRoleCredentials) and SSO-OIDC (RegisterClient, StartDeviceAuthorization, CreateToken).
 * All four are unsigned REST-JSON calls, so one HTTP request each is all they take.
 *
 * Why not the AWS SDK: `fromSSO` (@aws-sdk/credential-provider-sso) reads the token cache
 * from `os.homedir()` and the endpoints and profile from `process.env` and the config files
 * itself, where assume injects `env` and `homeDir` into every run; and the device
 * authorization flow of `--sso-login` is not in any SDK credential provider. Its clients
 * (@aws-sdk/client-sso, client-sso-oidc) would only wrap these four requests in ~1 MB of code.
 *
 * Why node:https rather than fetch: Node 20's fetch takes no agent, and so no proxy nor extra
 * certificate authority; node:https does, through the agent `loadAgent` gives for the run's
 * HTTPS_PROXY, HTTP_PROXY, NO_PROXY and AWS_CA_BUNDLE.
 */
import type { Agent } from 'node:http';
import { httpExchange } from '../../net/httpExchange.js';
import type { HttpAnswer } from '../../net/httpExchange.js';
import { loadAgent } from '../../net/loadAgent.js';
import { certificateErrorCode, findNetworkFailure, proxyRefused, untrustedCertificate } from '../../net/networkFailure.js';
import type { NetworkFailure } from '../../net/networkFailure.js';
import type { NetworkSettings } from '../../net/networkSettings.js';
import type { SsoService } from './ssoEndpoint.js';

/** One request to an Identity Center API. */
export interface SsoRequest {
  readonly service: SsoService;
  /** The endpoint, from `resolveSsoEndpoint`. */
  readonly baseUrl: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Readonly<Record<string, string>> | undefined;
  readonly headers?: Readonly<Record<string, string>> | undefined;
  /** Sent as JSON. */
  readonly body?: object | undefined;
  /** For the whole exchange, answer body included. */
  readonly timeoutMs: number;
  /** Proxy and certificate authorities; absent: direct, system CAs. */
  readonly network?: NetworkSettings | undefined;
}

/** The service answered with an error: its type (`UnauthorizedException`...), HTTP status and message. */
export class SsoServiceError extends Error {
  override readonly name = 'SsoServiceError';
  constructor(
    readonly errorType: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The service could not be reached, did not answer in time, or answered something that is not
 * its JSON. `hint`, when set, says how to fix the way there (the proxy, AWS_CA_BUNDLE).
 */
export class SsoTransportError extends Error {
  override readonly name = 'SsoTransportError';
  readonly hint: string | undefined;

  constructor(message: string, options: { cause?: unknown; hint?: string | undefined } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.hint = options.hint;
  }
}

/** What an error body of the portal (`message`) or of SSO-OIDC (`error`, `error_description`) holds. */
interface ErrorBody {
  __type?: unknown;
  code?: unknown;
  message?: unknown;
  Message?: unknown;
  error?: unknown;
  error_description?: unknown;
}

/**
 * Sends `request` and returns the JSON object of a 2xx answer. No redirect is followed (the
 * bearer token must not travel to another host).
 * @throws SsoServiceError for an AWS error answer; SsoTransportError for a connection error
 *   (the proxy's and TLS trust failures with a hint), a timeout (`timeoutMs`), a redirect or an
 *   answer that is not a JSON object; AssumeError CONFIG_INVALID / CONFIG_READ for a proxy URL
 *   or AWS_CA_BUNDLE that cannot be used
 */
export async function callSso(request: SsoRequest): Promise<Record<string, unknown>> {
  const url = new URL(`${request.baseUrl}${request.path}`);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  const route = await loadAgent(url, request.network);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let answer: HttpAnswer;
  try {
    answer = await send(url, request, route?.agent);
  } catch (error) {
    const code = certificateErrorCode(error);
    const failure = findNetworkFailure(error) ?? (code === undefined ? undefined : untrustedCertificate(host, code, request.network?.caBundle, error));
    if (failure !== undefined) throw unreachable(failure);
    throw new SsoTransportError(describeRequestError(error, request.timeoutMs), { cause: error });
  } finally {
    route?.agent.destroy();
  }
  // Only a proxy answers 407 (Proxy Authentication Required).
  if (answer.status === 407 && route?.proxy !== undefined) throw unreachable(proxyRefused(route.proxy, host, 407, answer.statusText));
  if (answer.status >= 300 && answer.status < 400) throw new SsoTransportError(`answered HTTP ${answer.status}, a redirect, which assume does not follow`);
  const body = parseObject(answer.text);
  if (answer.status >= 200 && answer.status < 300) {
    if (body === undefined) throw new SsoTransportError(`answered HTTP ${answer.status} with something that is not a JSON object`);
    return body;
  }
  const { errorType, message } = readError(answer, body);
  throw new SsoServiceError(errorType, answer.status, message);
}

function unreachable(failure: NetworkFailure): SsoTransportError {
  return new SsoTransportError(`could not be reached: ${failure.message}`, { cause: failure, hint: failure.hint });
}

/** One HTTP exchange with the portal, within `timeoutMs` from start to the last byte of the answer. */
function send(url: URL, request: SsoRequest, agent: Agent | undefined): Promise<HttpAnswer> {
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  return httpExchange(url, { method: request.method, headers: request.headers, body, timeoutMs: request.timeoutMs, agent });
}

/** The error type as the SDKs read it: the x-amzn-ErrorType header, else the body's __type or code. */
function readError(answer: HttpAnswer, body: ErrorBody | undefined): { errorType: string; message: string } {
  const raw = answer.headers['x-amzn-errortype'];
  const header = (Array.isArray(raw) ? raw[0] : raw)?.split(':')[0]?.trim();
  const fromBody = [body?.__type, body?.code].find((value): value is string => typeof value === 'string' && value !== '');
  const errorType = header !== undefined && header !== '' ? header : (fromBody?.split('#').pop() ?? `HTTP ${answer.status}`);
  const message = [body?.message, body?.Message, body?.error_description, body?.error].find((value): value is string => typeof value === 'string' && value !== '');
  return { errorType, message: message ?? '' };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** "did not answer within 5 s", "could not be reached (ECONNREFUSED)". */
function describeRequestError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') return `did not answer within ${timeoutMs / 1000} s`;
  // A system error code when there is one (ECONNREFUSED, ECONNRESET, ENOTFOUND), else the message ("Protocol "ftp:" not supported").
  const code = (error as { code?: unknown } | undefined)?.code;
  const reason = [code, error instanceof Error ? error.message : String(error)].find((value): value is string => typeof value === 'string' && value !== '');
  return `could not be reached (${reason ?? 'unknown error'})`;
}
