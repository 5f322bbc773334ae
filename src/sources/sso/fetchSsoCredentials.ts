import type { Credentials } from '../../credentials.js';
import { AssumeError } from '../../errors.js';
import type { Sourced, SsoSource } from '../../resolve/plan.js';
import { formatOrigin } from '../../resolve/resolvePlan.js';
import { loadSsoAccessToken } from './loadSsoAccessToken.js';
import type { SsoContext } from './ssoContext.js';
import { resolveSsoEndpoint } from './ssoEndpoint.js';
import { describeSsoSession, formatServiceError, ssoLoginRequired, ssoUnavailable } from './ssoErrors.js';
import { callSso, SsoServiceError, SsoTransportError } from './ssoHttp.js';

export type { SsoContext } from './ssoContext.js';

/**
 * The credentials of an IAM Identity Center permission set: the session's access token
 * (`loadSsoAccessToken`: from ~/.aws/sso/cache, refreshed when less than 15 minutes are left)
 * exchanged by the access portal's GetRoleCredentials for `sso_role_name` in
 * `sso_account_id`. The portal is https://portal.sso.{sso_region}.amazonaws.com, or
 * AWS_ENDPOINT_URL_SSO, or AWS_ENDPOINT_URL. No message ever shows the token.
 *
 * @throws AssumeError SSO_LOGIN_REQUIRED (no valid token, or the portal refused it as revoked
 *   or expired: UnauthorizedException); STS_ACCESS_DENIED (ForbiddenException: no access to that
 *   role in that account; the closest code assume has); STS_INVALID_REQUEST (InvalidRequestException);
 *   SOURCE_UNAVAILABLE (unreachable, too slow, throttled, 5xx, a malformed answer); and what
 *   `loadSsoAccessToken` throws
 */
export async function fetchSsoCredentials(source: SsoSource, ctx: SsoContext): Promise<Credentials> {
  const accessToken = await loadSsoAccessToken(source, ctx);
  const portal = resolveSsoEndpoint('sso', source.ssoRegion.value, ctx.env);
  const role = `role "${source.roleName.value}" in account ${source.accountId.value}`;
  let body: Record<string, unknown>;
  try {
    body = await callSso({
      service: 'sso',
      baseUrl: portal,
      method: 'GET',
      path: '/federation/credentials',
      query: { role_name: source.roleName.value, account_id: source.accountId.value },
      headers: { 'x-amz-sso_bearer_token': accessToken },
      timeoutMs: ctx.timeoutMs,
      network: ctx.network,
    });
  } catch (error) {
    throw mapPortalError(source, role, portal, error);
  }
  const credentials = readRoleCredentials(body);
  if (credentials === undefined) {
    throw ssoUnavailable('the IAM Identity Center portal', portal, new SsoTransportError(`answered GetRoleCredentials for ${role} without complete credentials`));
  }
  return credentials;
}

function mapPortalError(source: SsoSource, role: string, portal: string, error: unknown): AssumeError {
  if (!(error instanceof SsoServiceError)) return ssoUnavailable('the IAM Identity Center portal', portal, error);
  const where = `(${[source.accountId, source.roleName].map(formatFrom).join(', ')})`;
  switch (error.errorType) {
    case 'UnauthorizedException':
      return ssoLoginRequired(source, `IAM Identity Center refused the cached SSO access token (${formatServiceError(error)}): it was revoked or has expired`, error);
    case 'ForbiddenException':
    case 'AccessDeniedException':
    case 'ResourceNotFoundException':
      return new AssumeError('STS_ACCESS_DENIED', `IAM Identity Center refused ${role} to ${describeSsoSession(source)} for profile "${source.profile}" (${formatServiceError(error)})`, {
        hint: `Check sso_account_id and sso_role_name ${where}: your user must be assigned that permission set in that account (see the AWS access portal).`,
        cause: error,
      });
    case 'InvalidRequestException':
      return new AssumeError('STS_INVALID_REQUEST', `IAM Identity Center refused GetRoleCredentials for ${role} of profile "${source.profile}" (${formatServiceError(error)})`, {
        hint: `Check sso_account_id (12 digits) and sso_role_name ${where}.`,
        cause: error,
      });
    default:
      return ssoUnavailable('the IAM Identity Center portal', portal, error);
  }
}

/** `~/.aws/config:12` for a value from a file, `AWS_X` for one from the environment. */
function formatFrom(value: Sourced<string>): string {
  switch (value.from.kind) {
    case 'file':
      return formatOrigin(value.from.origin);
    case 'env':
    case 'flag':
      return value.from.name;
    default:
      return 'default';
  }
}

/** `roleCredentials` of a GetRoleCredentials answer; `expiration` is epoch milliseconds. */
function readRoleCredentials(body: Record<string, unknown>): Credentials | undefined {
  const role = body.roleCredentials;
  if (typeof role !== 'object' || role === null) return undefined;
  const { accessKeyId, secretAccessKey, sessionToken, expiration } = role as Record<string, unknown>;
  if (typeof accessKeyId !== 'string' || accessKeyId === '' || typeof secretAccessKey !== 'string' || secretAccessKey === '') return undefined;
  if (typeof sessionToken !== 'string' || sessionToken === '' || typeof expiration !== 'number' || !Number.isFinite(expiration)) return undefined;
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration) };
}
