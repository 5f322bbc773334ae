import { setTimeout as delay } from 'node:timers/promises';
import { errorCode } from '../../cache/readRegularFile.js';
import { AssumeError } from '../../errors.js';
import type { SsoSource } from '../../resolve/plan.js';
import type { SsoContext } from './ssoContext.js';
import { resolveSsoEndpoint } from './ssoEndpoint.js';
import { describeSsoSession, formatServiceError, loginCommands, ssoUnavailable } from './ssoErrors.js';
import { SsoServiceError } from './ssoHttp.js';
import { createToken, registerClient, startDeviceAuthorization } from './ssoOidc.js';
import type { DeviceAuthorization, OidcTarget } from './ssoOidc.js';
import { formatCacheTime, loadRegistration, registrationCacheKey, saveRegistration, saveSsoToken, ssoCacheDir, tokenCacheKey } from './ssoTokenCache.js';
import type { SsoRegistration, SsoTokenFields } from './ssoTokenCache.js';

/** What `ssoLogin` needs besides the SSO context: where to talk to the user, and a sleep tests replace. */
export interface SsoLoginContext extends SsoContext {
  readonly stderr: { write(text: string): unknown };
  /** Waits between CreateToken polls; default a real timer. */
  readonly sleep?: ((ms: number) => Promise<void>) | undefined;
}

/** RFC 8628 3.5: the interval when the server names none, and what a slow_down adds. */
const DEFAULT_INTERVAL_SECONDS = 5;
const SLOW_DOWN_SECONDS = 5;
/** A cached client registration with less left than this is registered again, as botocore does. */
const REGISTRATION_WINDOW_MS = 15 * 60 * 1000;
const DEFAULT_SCOPES = ['sso:account:access'];

/**
 * Logs in to the source's IAM Identity Center session with the OAuth device authorization
 * flow, as `aws sso login --no-browser` does, and caches the token where the AWS CLI and
 * assume read it (~/.aws/sso/cache/<sha1>.json, see `ssoTokenCache`):
 * 1. RegisterClient: a public client, with the session's sso_registration_scopes (default
 *    sso:account:access; none for the legacy profile keys, as the AWS CLI). A registration
 *    botocore or assume cached with more than 15 minutes left is reused, under botocore's key.
 * 2. StartDeviceAuthorization for the start URL; the verification URL and user code are
 *    written to `ctx.stderr` (no browser is opened: assume may run on a remote machine).
 * 3. CreateToken polled every `interval` seconds (5 when not given; +5 after a SlowDownException;
 *    an AuthorizationPendingException means wait on) until the user confirms or the device
 *    code expires (`expiresIn`).
 *
 * Reads AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL (see `resolveSsoEndpoint`).
 *
 * @throws AssumeError SSO_LOGIN_REQUIRED (the code expired or the sign-in was refused: run
 *   again); CONFIG_INVALID (scopes refused); SOURCE_UNAVAILABLE (SSO-OIDC unreachable, 5xx,
 *   a malformed answer); CACHE_UNSAFE (the token cannot be written)
 */
export async function ssoLogin(source: SsoSource, ctx: SsoLoginContext): Promise<void> {
  const sleep = ctx.sleep ?? ((ms: number) => delay(ms));
  const baseUrl = resolveSsoEndpoint('ssoOidc', source.ssoRegion.value, ctx.env);
  const target: OidcTarget = { baseUrl, timeoutMs: ctx.timeoutMs, network: ctx.network };
  const dir = ssoCacheDir(ctx.homeDir);
  const session = describeSsoSession(source);
  const fail = (error: unknown): AssumeError => mapOidcError(source, baseUrl, error);

  const first = await obtainRegistration(source, ctx, target, dir).catch((error: unknown) => {
    throw fail(error);
  });
  let { registration } = first;
  let authorization: DeviceAuthorization;
  try {
    authorization = await startDeviceAuthorization(target, registration, source.startUrl.value);
  } catch (error) {
    // A cached client can have been deleted or revoked since: register a new one, once.
    if (!(first.cached && error instanceof SsoServiceError && ['InvalidClientException', 'UnauthorizedClientException'].includes(error.errorType))) throw fail(error);
    ({ registration } = await obtainRegistration(source, ctx, target, dir, { force: true }).catch((again: unknown) => {
      throw fail(again);
    }));
    authorization = await startDeviceAuthorization(target, registration, source.startUrl.value).catch((again: unknown) => {
      throw fail(again);
    });
  }

  const minutes = Math.round(authorization.expiresInSeconds / 60);
  ctx.stderr.write(
    `To log in to ${session}, open this URL in a browser:\n\n  ${authorization.verificationUriComplete}\n\n` +
      `and check that the page shows the code ${authorization.userCode}. Waiting for you to confirm (the code expires in ${minutes} minute${minutes === 1 ? '' : 's'})...\n`,
  );
  const token = await pollForToken(source, ctx, target, registration, authorization, sleep);
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + token.expiresInSeconds * 1000);
  // The fields and their order as botocore's SSOTokenFetcher writes them.
  const fields: SsoTokenFields = {
    startUrl: source.startUrl.value,
    region: source.ssoRegion.value,
    accessToken: token.accessToken,
    expiresAt: formatCacheTime(expiresAt),
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    registrationExpiresAt: formatCacheTime(registration.expiresAt),
    ...(token.refreshToken === undefined ? {} : { refreshToken: token.refreshToken }),
  };
  const key = tokenCacheKey(source.startUrl.value, source.session);
  await saveSsoToken(dir, key, fields).catch((error: unknown) => {
    throw cannotWrite(dir, error);
  });
  ctx.stderr.write(`Logged in to ${session}; the access token expires at ${expiresAt.toISOString()}.\n`);
}

/** A cached registration with more than 15 minutes left, else a new one (cached). */
async function obtainRegistration(
  source: SsoSource,
  ctx: SsoLoginContext,
  target: OidcTarget,
  dir: string,
  options: { force?: boolean } = {},
): Promise<{ registration: SsoRegistration; cached: boolean }> {
  const scopes = source.session === undefined ? undefined : (source.registrationScopes ?? DEFAULT_SCOPES);
  const key = registrationCacheKey(source.startUrl.value, source.ssoRegion.value, scopes, source.session);
  if (options.force !== true) {
    const cached = await loadRegistration(dir, key).catch(() => undefined);
    if (cached !== undefined && cached.expiresAt.getTime() - ctx.now().getTime() > REGISTRATION_WINDOW_MS) return { registration: cached, cached: true };
  }
  // botocore names its clients botocore-client-<session>, or -<epoch seconds> for legacy keys.
  const name = `assume-client-${source.session ?? String(Math.floor(ctx.now().getTime() / 1000))}`;
  const registration = await registerClient(target, name, scopes);
  await saveRegistration(dir, key, registration).catch((error: unknown) => {
    throw cannotWrite(dir, error);
  });
  return { registration, cached: false };
}

/** Polls CreateToken with the device code until the user confirms, the code expires, or SSO-OIDC refuses. */
async function pollForToken(
  source: SsoSource,
  ctx: SsoLoginContext,
  target: OidcTarget,
  registration: SsoRegistration,
  authorization: DeviceAuthorization,
  sleep: (ms: number) => Promise<void>,
): Promise<{ accessToken: string; expiresInSeconds: number; refreshToken?: string | undefined }> {
  const deadline = ctx.now().getTime() + authorization.expiresInSeconds * 1000;
  let interval = authorization.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  for (;;) {
    await sleep(interval * 1000);
    if (ctx.now().getTime() >= deadline) throw codeExpired(source);
    try {
      return await createToken(target, registration, { grantType: 'urn:ietf:params:oauth:grant-type:device_code', deviceCode: authorization.deviceCode });
    } catch (error) {
      if (!(error instanceof SsoServiceError)) throw mapOidcError(source, target.baseUrl, error);
      if (error.errorType === 'AuthorizationPendingException') continue;
      if (error.errorType === 'SlowDownException') {
        interval += SLOW_DOWN_SECONDS;
        continue;
      }
      if (error.errorType === 'ExpiredTokenException') throw codeExpired(source, error);
      if (error.errorType === 'AccessDeniedException') {
        throw new AssumeError('SSO_LOGIN_REQUIRED', `the login to ${describeSsoSession(source)} was denied (${formatServiceError(error)})`, {
          hint: `Run ${loginCommands(source)} again and allow the request in the browser.`,
          cause: error,
        });
      }
      throw mapOidcError(source, target.baseUrl, error);
    }
  }
}

function codeExpired(source: SsoSource, cause?: unknown): AssumeError {
  return new AssumeError('SSO_LOGIN_REQUIRED', `the login to ${describeSsoSession(source)} was not confirmed in the browser before its code expired`, {
    hint: `Run ${loginCommands(source)} again and confirm the code in the browser within the time shown.`,
    cause,
  });
}

/** InvalidScopeException: the session's scopes; anything else: SSO-OIDC unavailable or answering badly. */
function mapOidcError(source: SsoSource, baseUrl: string, error: unknown): AssumeError {
  if (error instanceof AssumeError) return error;
  if (error instanceof SsoServiceError && error.errorType === 'InvalidScopeException') {
    return new AssumeError('CONFIG_INVALID', `IAM Identity Center refused the registration scopes of ${describeSsoSession(source)} (${formatServiceError(error)})`, {
      hint: 'Check sso_registration_scopes in the [sso-session] section, e.g. sso:account:access.',
      cause: error,
    });
  }
  return ssoUnavailable('SSO-OIDC', baseUrl, error);
}

function cannotWrite(dir: string, error: unknown): AssumeError {
  return new AssumeError('CACHE_UNSAFE', `cannot write to the SSO token cache ${dir} (${errorCode(error) ?? String(error)})`, {
    hint: 'Check the owner and mode of ~/.aws/sso/cache and the files in it.',
    cause: error,
  });
}
