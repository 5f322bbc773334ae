import type { Credentials } from '../credentials.js';
import { showControlChars } from '../prompt/showControlChars.js';

/**
 * The HTTP client and the document parser shared by the instance metadata and container
 * credential sources. Global fetch, never a proxy (Node's fetch ignores HTTP_PROXY, as the
 * SDKs bypass proxies for these link-local endpoints), never a redirect followed (an
 * Authorization header must not travel to another host).
 */

/** What one request to a metadata endpoint came to. Never a rejection: the caller words the error. */
export type MetadataOutcome =
  | { readonly kind: 'response'; readonly status: number; readonly text: string }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'unreachable'; readonly reason: string };

export interface MetadataRequest {
  readonly method: 'GET' | 'PUT';
  readonly headers: Readonly<Record<string, string>>;
  /** For the whole exchange, answer body included. */
  readonly timeoutMs: number;
}

/** The system error code under a failed fetch (ECONNREFUSED, ECONNRESET, UND_ERR_SOCKET...), else its message. */
function failureReason(error: unknown): string {
  const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
  if (cause?.code !== undefined) return cause.code;
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError'));
}

async function attempt(url: string, request: MetadataRequest): Promise<MetadataOutcome> {
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      redirect: 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    return { kind: 'response', status: response.status, text: await response.text() };
  } catch (error) {
    if (isTimeout(error)) return { kind: 'timeout' };
    return { kind: 'unreachable', reason: failureReason(error) };
  }
}

/**
 * Sends one request to a metadata endpoint, and sends it once more when the connection
 * failed (refused, reset, closed before an answer), as the SDKs retry these endpoints. A
 * timeout is not retried: the caller's wait would double.
 */
export async function requestMetadata(url: string, request: MetadataRequest): Promise<MetadataOutcome> {
  const first = await attempt(url, request);
  return first.kind === 'unreachable' ? attempt(url, request) : first;
}

/** What a credentials document (IMDS security-credentials/ROLE, container endpoint) holds. */
export type ParsedCredentials =
  | { readonly kind: 'credentials'; readonly credentials: Credentials & { readonly expiration: Date } }
  /** A document with a Code other than "Success", as IMDS answers when it could not get the role's credentials. */
  | { readonly kind: 'refused'; readonly detail: string }
  | { readonly kind: 'malformed'; readonly why: string };

interface CredentialsDocument {
  Code?: unknown;
  Message?: unknown;
  AccessKeyId?: unknown;
  SecretAccessKey?: unknown;
  Token?: unknown;
  Expiration?: unknown;
}

/** RFC 3339 with a time zone, as IMDS and the container endpoints write Expiration. */
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

function isFilled(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Text a server sent, made safe for a message: at most 200 characters, control characters
 * shown as \uXXXX, and every secret given (an authorization token...) replaced by ****.
 */
export function serverText(text: string, secrets: readonly string[] = []): string {
  let safe = text;
  for (const secret of secrets) if (secret !== '') safe = safe.split(secret).join('****');
  safe = showControlChars(safe);
  return safe.length > 200 ? `${safe.slice(0, 200)}...` : safe;
}

/** A URL for a message: a password in it shown as ****. */
export function displayUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password === '') return text;
    url.password = '****';
    return url.href;
  } catch {
    return text;
  }
}

/** The Code and Message (or code and message) of a JSON error document, for a message; '' when there are none. */
export function errorDetail(text: string, secrets: readonly string[] = []): string {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return '';
  }
  if (typeof document !== 'object' || document === null) return '';
  const fields = document as Record<string, unknown>;
  const code = fields.Code ?? fields.code;
  const message = fields.Message ?? fields.message;
  const parts = [code, message].filter((part): part is string => typeof part === 'string' && part !== '');
  return parts.length === 0 ? '' : serverText(parts.join(': '), secrets);
}

/**
 * Parses a credentials document: AccessKeyId, SecretAccessKey, Token and Expiration (RFC 3339)
 * are required, as both SDKs require them. Reasons given for a malformed document never
 * quote it: it may hold a secret; `secrets` are blanked out of a refusal's Code and Message.
 */
export function parseMetadataCredentials(text: string, secrets: readonly string[] = []): ParsedCredentials {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    return { kind: 'malformed', why: 'is not JSON' };
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return { kind: 'malformed', why: 'is not a JSON object' };
  const { Code, Message, AccessKeyId, SecretAccessKey, Token, Expiration } = document as CredentialsDocument;
  if (Code !== undefined && Code !== 'Success') {
    return { kind: 'refused', detail: serverText([Code, Message].filter((part) => typeof part === 'string' && part !== '').join(': '), secrets) };
  }
  if (!isFilled(AccessKeyId) || !isFilled(SecretAccessKey) || !isFilled(Token) || !isFilled(Expiration)) {
    const missing = Object.entries({ AccessKeyId, SecretAccessKey, Token, Expiration })
      .filter(([, value]) => !isFilled(value))
      .map(([name]) => name);
    return { kind: 'malformed', why: `has no ${missing.join(', ')}` };
  }
  const expiration = rfc3339.test(Expiration) ? new Date(Expiration) : new Date(Number.NaN);
  if (Number.isNaN(expiration.getTime())) return { kind: 'malformed', why: 'has an Expiration that is not an RFC 3339 time' };
  return {
    kind: 'credentials',
    credentials: { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: Token, expiration },
  };
}
