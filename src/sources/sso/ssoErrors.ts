import { AssumeError } from '../../errors.js';
import type { SsoSource } from '../../resolve/plan.js';
import { SsoServiceError, SsoTransportError } from './ssoHttp.js';

/** `SSO session "corp" (https://corp.awsapps.com/start)`, or for legacy keys `the SSO start URL https://... of profile "dev"`. */
export function describeSsoSession(source: SsoSource): string {
  return source.session === undefined
    ? `the SSO start URL ${source.startUrl.value} of profile "${source.profile}"`
    : `SSO session "${source.session}" (${source.startUrl.value})`;
}

/** The two commands that log in, the AWS CLI's and assume's own: "`aws sso login --sso-session corp` or `assume --sso-login dev`". */
export function loginCommands(source: SsoSource): string {
  const aws = source.session === undefined ? `aws sso login --profile ${shellWord(source.profile)}` : `aws sso login --sso-session ${shellWord(source.session)}`;
  return `\`${aws}\` or \`assume --sso-login ${shellWord(source.profile)}\``;
}

/** "Run `aws sso login --sso-session corp` or `assume --sso-login dev`." */
export function loginHint(source: SsoSource): string {
  return `Run ${loginCommands(source)}.`;
}

/** SSO_LOGIN_REQUIRED: no usable access token for the source's session, and why. */
export function ssoLoginRequired(source: SsoSource, why: string, cause?: unknown): AssumeError {
  return new AssumeError('SSO_LOGIN_REQUIRED', `${why}: log in to ${describeSsoSession(source)}`, { hint: loginHint(source), cause });
}

/**
 * SOURCE_UNAVAILABLE for a failed call to an Identity Center endpoint: unreachable, too slow,
 * a 5xx or 429, or an answer that is not the service's JSON.
 */
export function ssoUnavailable(what: string, baseUrl: string, error: unknown): AssumeError {
  // A proxy URL or AWS_CA_BUNDLE that cannot be used is the run's configuration, not the service.
  if (error instanceof AssumeError) return error;
  const detail = error instanceof SsoServiceError ? `answered ${formatServiceError(error)}` : error instanceof Error ? error.message : String(error);
  return new AssumeError('SOURCE_UNAVAILABLE', `${what} at ${baseUrl} ${detail}`, {
    hint:
      (error instanceof SsoTransportError ? error.hint : undefined) ??
      'Check the network, sso_region and AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC, then try again; raise --timeout for a slow link.',
    cause: error,
  });
}

/** `HTTP 403 ForbiddenException: No access`. */
export function formatServiceError(error: SsoServiceError): string {
  return `HTTP ${error.status} ${error.errorType}${error.message === '' ? '' : `: ${error.message}`}`;
}

/** A name as one shell word, for a command in a hint. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}
