import type { Env } from '../../resolve/resolvePlan.js';

/** The two IAM Identity Center services assume calls: the access portal (`sso`) and SSO-OIDC. */
export type SsoService = 'sso' | 'ssoOidc';

/** The AWS partitions' DNS suffixes that differ from amazonaws.com, by region prefix. */
const DNS_SUFFIXES: readonly (readonly [string, string])[] = [
  ['cn-', 'amazonaws.com.cn'],
  ['us-isob-', 'sc2s.sgov.gov'],
  ['us-iso-', 'c2s.ic.gov'],
];

/**
 * The base URL (no trailing slash) of an Identity Center service in `ssoRegion`, as the SDKs
 * choose it: AWS_ENDPOINT_URL_SSO (portal) or AWS_ENDPOINT_URL_SSO_OIDC (OIDC), then
 * AWS_ENDPOINT_URL; both skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true. Otherwise
 * `https://portal.sso.{region}.amazonaws.com` and `https://oidc.{region}.amazonaws.com`
 * (`.amazonaws.com.cn` in China, the ISO suffixes in the isolated partitions).
 */
export function resolveSsoEndpoint(service: SsoService, ssoRegion: string, env: Env): string {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.trim().toLowerCase() !== 'true') {
    const specific = service === 'sso' ? 'AWS_ENDPOINT_URL_SSO' : 'AWS_ENDPOINT_URL_SSO_OIDC';
    const configured = nonEmpty(env[specific]) ?? nonEmpty(env.AWS_ENDPOINT_URL);
    if (configured !== undefined) return configured.replace(/\/+$/, '');
  }
  const suffix = DNS_SUFFIXES.find(([prefix]) => ssoRegion.startsWith(prefix))?.[1] ?? 'amazonaws.com';
  return `https://${service === 'sso' ? 'portal.sso' : 'oidc'}.${ssoRegion}.${suffix}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
