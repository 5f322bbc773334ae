import { join } from 'node:path';
import { errorCode } from '../../cache/readRegularFile.js';
import { AssumeError } from '../../errors.js';
import type { SsoSource } from '../../resolve/plan.js';
import type { SsoContext } from './ssoContext.js';
import { resolveSsoEndpoint } from './ssoEndpoint.js';
import { formatServiceError, ssoLoginRequired, ssoUnavailable } from './ssoErrors.js';
import { SsoServiceError } from './ssoHttp.js';
import { createToken } from './ssoOidc.js';
import { formatCacheTime, loadSsoToken, parseCacheTime, saveSsoToken, ssoCacheDir, tokenCacheKey } from './ssoTokenCache.js';
import type { SsoToken, SsoTokenFields } from './ssoTokenCache.js';

/** A token with less than this left is refreshed, as botocore's SSOTokenProvider does (the JS SDK: 5 minutes). */
export const REFRESH_WINDOW_MS = 15 * 60 * 1000;

/**
 * The access token of the source's SSO session, from the cache the AWS CLI shares
 * (~/.aws/sso/cache, see `ssoTokenCache`). For an sso-session whose token has less than 15
 * minutes left, it is refreshed first, as botocore does: SSO-OIDC CreateToken with the
 * cached refresh token and client registration (when the registration has not expired), the
 * new token written back atomically (mode 0600) with the file's other fields kept. A failed
 * refresh falls back to the cached token while that is still valid. Legacy profiles (start
 * URL in the profile) are never refreshed, as in botocore: their tokens have no refresh token.
 *
 * A run refreshes at most once; botocore's in-process limit (one attempt a minute) does not
 * apply to a process that lives for one request.
 *
 * @throws AssumeError SSO_LOGIN_REQUIRED (no token, an invalid file, expired and not
 *   refreshable, or the refresh refused); SOURCE_UNAVAILABLE (expired, and SSO-OIDC could not
 *   be reached to refresh it); CONFIG_READ (the token file cannot be read); CACHE_UNSAFE (the
 *   refreshed token cannot be written)
 */
export async function loadSsoAccessToken(source: SsoSource, ctx: SsoContext): Promise<string> {
  const dir = ssoCacheDir(ctx.homeDir);
  const key = tokenCacheKey(source.startUrl.value, source.session);
  const path = join(dir, `${key}.json`);
  const read = await loadSsoToken(dir, key).catch((error: unknown) => {
    throw new AssumeError('CONFIG_READ', `cannot read the SSO token cache file ${path} (${errorCode(error) ?? String(error)})`, {
      hint: 'Check the owner and mode of the file and of ~/.aws/sso/cache.',
      cause: error,
    });
  });
  if (read.status === 'missing') throw ssoLoginRequired(source, `no SSO access token is cached in ${path}`);
  if (read.status === 'invalid') throw ssoLoginRequired(source, `the SSO token cache file ${path} ${read.why}`);
  const { token } = read;
  const now = ctx.now();
  const remaining = token.expiresAt.getTime() - now.getTime();
  if (remaining >= REFRESH_WINDOW_MS) return token.accessToken;
  const refresh = refreshable(source, token, now);
  const expired = `the SSO access token in ${path} expired at ${token.expiresAt.toISOString()}`;
  if (refresh === undefined) {
    if (remaining > 0) return token.accessToken;
    throw ssoLoginRequired(source, `${expired} and cannot be refreshed`);
  }
  const oidc = resolveSsoEndpoint('ssoOidc', source.ssoRegion.value, ctx.env);
  let fresh;
  try {
    fresh = await createToken({ baseUrl: oidc, timeoutMs: ctx.timeoutMs, network: ctx.network }, refresh, { grantType: 'refresh_token', refreshToken: refresh.refreshToken });
  } catch (error) {
    if (remaining > 0) return token.accessToken;
    if (error instanceof SsoServiceError && error.status < 500 && error.errorType !== 'TooManyRequestsException') {
      throw ssoLoginRequired(source, `${expired} and IAM Identity Center refused to refresh it (${formatServiceError(error)})`, error);
    }
    throw ssoUnavailable(`${expired}; refreshing it failed: SSO-OIDC`, oidc, error);
  }
  const fields: SsoTokenFields = {
    ...token.fields,
    startUrl: source.startUrl.value,
    region: source.ssoRegion.value,
    accessToken: fresh.accessToken,
    expiresAt: formatCacheTime(new Date(now.getTime() + fresh.expiresInSeconds * 1000)),
    // RFC 6749 6: without a new refresh token, the old one stays valid.
    refreshToken: fresh.refreshToken ?? refresh.refreshToken,
  };
  await saveSsoToken(dir, key, fields).catch((error: unknown) => {
    throw new AssumeError('CACHE_UNSAFE', `cannot write the refreshed SSO token to ${path} (${errorCode(error) ?? String(error)})`, {
      hint: 'Check the owner and mode of ~/.aws/sso/cache and the files in it.',
      cause: error,
    });
  });
  return fresh.accessToken;
}

/** The refresh token and client of an sso-session token, when its registration is still valid. */
function refreshable(source: SsoSource, token: SsoToken, now: Date): { clientId: string; clientSecret: string; refreshToken: string } | undefined {
  if (source.session === undefined) return undefined;
  const { clientId, clientSecret, refreshToken, registrationExpiresAt } = token.fields;
  const registrationExpiry = parseCacheTime(registrationExpiresAt);
  if (!isText(clientId) || !isText(clientSecret) || !isText(refreshToken) || registrationExpiry === undefined) return undefined;
  if (registrationExpiry.getTime() <= now.getTime()) return undefined;
  return { clientId, clientSecret, refreshToken };
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}
