import type { NetworkSettings } from '../../net/networkSettings.js';
import { callSso, SsoTransportError } from './ssoHttp.js';
import type { SsoRegistration } from './ssoTokenCache.js';

/** Where SSO-OIDC is and how long a call may take. */
export interface OidcTarget {
  /** From `resolveSsoEndpoint('ssoOidc', ...)`. */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  /** Proxy and certificate authorities; absent: direct, system CAs. */
  readonly network?: NetworkSettings | undefined;
}

/** What StartDeviceAuthorization returns. */
export interface DeviceAuthorization {
  /** A secret: exchanged for the token, never shown. */
  readonly deviceCode: string;
  readonly userCode: string;
  readonly verificationUri: string;
  readonly verificationUriComplete: string;
  readonly expiresInSeconds: number;
  /** Seconds between CreateToken polls; absent: 5, as RFC 8628 says. */
  readonly intervalSeconds: number | undefined;
}

/** What CreateToken returns. */
export interface OidcToken {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
  readonly refreshToken?: string | undefined;
}

/** The two grants assume uses: the device code of a login, and a refresh token. */
export type TokenGrant =
  | { readonly grantType: 'urn:ietf:params:oauth:grant-type:device_code'; readonly deviceCode: string }
  | { readonly grantType: 'refresh_token'; readonly refreshToken: string };

/**
 * SSO-OIDC RegisterClient: a public client named `clientName`, with `scopes` when given.
 * @throws SsoServiceError, SsoTransportError
 */
export async function registerClient(target: OidcTarget, clientName: string, scopes: readonly string[] | undefined): Promise<SsoRegistration> {
  const body = await callSso({
    ...common(target),
    path: '/client/register',
    body: { clientName, clientType: 'public', ...(scopes === undefined ? {} : { scopes }) },
  });
  const clientId = requireString(body, 'clientId', 'RegisterClient');
  const clientSecret = requireString(body, 'clientSecret', 'RegisterClient');
  const expiresAt = requireNumber(body, 'clientSecretExpiresAt', 'RegisterClient');
  return { clientId, clientSecret, expiresAt: new Date(expiresAt * 1000), scopes };
}

/**
 * SSO-OIDC StartDeviceAuthorization for `startUrl`.
 * @throws SsoServiceError, SsoTransportError
 */
export async function startDeviceAuthorization(target: OidcTarget, registration: SsoRegistration, startUrl: string): Promise<DeviceAuthorization> {
  const body = await callSso({
    ...common(target),
    path: '/device_authorization',
    body: { clientId: registration.clientId, clientSecret: registration.clientSecret, startUrl },
  });
  const operation = 'StartDeviceAuthorization';
  return {
    deviceCode: requireString(body, 'deviceCode', operation),
    userCode: requireString(body, 'userCode', operation),
    verificationUri: requireString(body, 'verificationUri', operation),
    verificationUriComplete: requireString(body, 'verificationUriComplete', operation),
    expiresInSeconds: requireNumber(body, 'expiresIn', operation),
    intervalSeconds: typeof body.interval === 'number' && body.interval > 0 ? body.interval : undefined,
  };
}

/**
 * SSO-OIDC CreateToken with a device code or a refresh token.
 * @throws SsoServiceError (AuthorizationPendingException, SlowDownException, ExpiredTokenException,
 *   InvalidGrantException...), SsoTransportError
 */
export async function createToken(target: OidcTarget, registration: Pick<SsoRegistration, 'clientId' | 'clientSecret'>, grant: TokenGrant): Promise<OidcToken> {
  const body = await callSso({
    ...common(target),
    path: '/token',
    body: { clientId: registration.clientId, clientSecret: registration.clientSecret, ...grant },
  });
  const refreshToken = body.refreshToken;
  return {
    accessToken: requireString(body, 'accessToken', 'CreateToken'),
    expiresInSeconds: requireNumber(body, 'expiresIn', 'CreateToken'),
    refreshToken: typeof refreshToken === 'string' && refreshToken !== '' ? refreshToken : undefined,
  };
}

function common(target: OidcTarget): { service: 'ssoOidc'; baseUrl: string; method: 'POST'; timeoutMs: number; network: NetworkSettings | undefined } {
  return { service: 'ssoOidc', baseUrl: target.baseUrl, method: 'POST', timeoutMs: target.timeoutMs, network: target.network };
}

function requireString(body: Record<string, unknown>, name: string, operation: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new SsoTransportError(`answered ${operation} without ${name}`);
  return value;
}

function requireNumber(body: Record<string, unknown>, name: string, operation: string): number {
  const value = body[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SsoTransportError(`answered ${operation} without ${name}`);
  return value;
}
