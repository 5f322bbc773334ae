import type { Env } from '../resolve/resolvePlan.js';

/**
 * How outgoing HTTPS and HTTP calls (STS, SSO) leave this machine: through a proxy, trusting
 * extra certificate authorities. Read once from the environment by main and passed down, so
 * nothing below main reads process.env.
 */
export interface NetworkSettings {
  /** HTTPS_PROXY (or https_proxy): the proxy for https:// endpoints. */
  readonly httpsProxy?: string | undefined;
  /** HTTP_PROXY (or http_proxy): the proxy for http:// endpoints. */
  readonly httpProxy?: string | undefined;
  /** NO_PROXY (or no_proxy): hosts reached directly, comma-separated. */
  readonly noProxy?: string | undefined;
  /** AWS_CA_BUNDLE: a PEM file of certificate authorities to trust besides the system's. */
  readonly caBundle?: string | undefined;
}

function first(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
  }
  return undefined;
}

/** The network settings the environment asks for (upper-case names first, as curl and the AWS CLI read them). */
export function networkSettings(env: Env): NetworkSettings {
  return {
    httpsProxy: first(env, 'HTTPS_PROXY', 'https_proxy'),
    httpProxy: first(env, 'HTTP_PROXY', 'http_proxy'),
    noProxy: first(env, 'NO_PROXY', 'no_proxy'),
    caBundle: first(env, 'AWS_CA_BUNDLE'),
  };
}
