/**
 * A small JSON client for the two IAM Identity Center APIs assume calls: the access portal
 * (GetRoleCredentials) and SSO-OIDC (RegisterClient, StartDeviceAuthorization, CreateToken).
 * All four are unsigned REST-JSON calls, so a `fetch` is all they take.
 *
 * Why not the AWS SDK: `fromSSO` (@aws-sdk/credential-provider-sso) reads the token cache
 * from `os.homedir()` and the endpoints and profile from `process.env` and the config files
 * itself, where assume injects `env` and `homeDir` into every run; and the device
 * authorization flow of `--sso-login` is not in any SDK credential provider. Its clients
 * (@aws-sdk/client-sso, client-sso-oidc) would only wrap these four requests in ~1 MB of code,
 * and a fetch keeps the SDK out of this path altogether.
 */
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
  readonly timeoutMs: number;
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

/** The service could not be reached, did not answer in time, or answered something that is not its JSON. */
export class SsoTransportError extends Error {
  override readonly name = 'SsoTransportError';
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
 * Sends `request` and returns the JSON object of a 2xx answer.
 * @throws SsoServiceError for an AWS error answer; SsoTransportError for a connection error,
 *   a timeout (`timeoutMs`) or an answer that is not a JSON object
 */
export async function callSso(request: SsoRequest): Promise<Record<string, unknown>> {
  const url = new URL(`${request.baseUrl}${request.path}`);
  for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: request.method,
      headers: {
        accept: 'application/json',
        'user-agent': 'assume',
        ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...request.headers,
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      redirect: 'error',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    throw new SsoTransportError(describeFetchError(error, request.timeoutMs), { cause: error });
  }
  const body = parseObject(text);
  if (response.ok) {
    if (body === undefined) throw new SsoTransportError(`answered HTTP ${response.status} with something that is not a JSON object`);
    return body;
  }
  const { errorType, message } = readError(response, body);
  throw new SsoServiceError(errorType, response.status, message);
}

/** The error type as the SDKs read it: the x-amzn-ErrorType header, else the body's __type or code. */
function readError(response: Response, body: ErrorBody | undefined): { errorType: string; message: string } {
  const header = response.headers.get('x-amzn-errortype')?.split(':')[0]?.trim();
  const fromBody = [body?.__type, body?.code].find((value): value is string => typeof value === 'string' && value !== '');
  const errorType = header !== undefined && header !== '' ? header : (fromBody?.split('#').pop() ?? `HTTP ${response.status}`);
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
function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `did not answer within ${timeoutMs / 1000} s`;
  }
  // fetch throws "fetch failed"; what happened is in its cause: a system error code, or a message ("bad port").
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const reason = [cause?.code, cause?.message, error instanceof Error ? error.message : String(error)].find((value): value is string => typeof value === 'string' && value !== '');
  return `could not be reached (${reason ?? 'unknown error'})`;
}
