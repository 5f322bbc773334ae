import type { ProxyChoice } from './resolveProxy.js';

/**
 * A failure of the way out rather than of the service: the proxy could not be reached or
 * refused the request, or the endpoint's TLS certificate is not trusted. Its message says
 * what happened, naming the proxy (never its password) or the CA file; its hint says how to
 * fix it. mapStsError and the SSO client turn it into an AssumeError with that hint.
 */
export class NetworkFailure extends Error {
  override readonly name = 'NetworkFailure';
  /** The system or TLS error code underneath (ECONNREFUSED, SELF_SIGNED_CERT_IN_CHAIN...), kept so retries decide as before. */
  readonly code: string | undefined;
  readonly hint: string;

  constructor(message: string, options: { hint: string; code?: string | undefined; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.hint = options.hint;
  }
}

/** The codes of Node's TLS certificate checks (OpenSSL's X509_V_ERR_* names, and the host name check). */
const certificateCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_CRL',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'INVALID_CA',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current = error;
  while (current !== undefined && current !== null && chain.length < 8) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code !== '' ? code : undefined;
}

/** The NetworkFailure in `error` or its causes. */
export function findNetworkFailure(error: unknown): NetworkFailure | undefined {
  return causes(error).find((inner): inner is NetworkFailure => inner instanceof NetworkFailure);
}

/** The TLS certificate error code of `error` or its causes (SELF_SIGNED_CERT_IN_CHAIN...). */
export function certificateErrorCode(error: unknown): string | undefined {
  return causes(error).map(codeOf).find((code) => code !== undefined && certificateCodes.has(code));
}

/**
 * A TLS certificate the client did not trust, for a message about `host`: with AWS_CA_BUNDLE
 * set, that file is named; without, the hint says how to trust a private or inspecting CA.
 */
export function untrustedCertificate(host: string, code: string, caBundle: string | undefined, cause: unknown): NetworkFailure {
  const detail = cause instanceof Error && cause.message !== '' ? cause.message : code;
  const hostName = code === 'ERR_TLS_CERT_ALTNAME_INVALID';
  const hint = hostName
    ? `The certificate ${host} presented is for another name: check the endpoint URL${caBundle === undefined ? '' : ` (and that AWS_CA_BUNDLE=${caBundle} is the CA you meant)`}.`
    : caBundle === undefined
      ? 'If the endpoint, or a proxy that inspects TLS, uses a certificate authority of your organisation, set AWS_CA_BUNDLE to a PEM file of that CA.'
      : `Check that AWS_CA_BUNDLE (${caBundle}) holds, in PEM, the certificate authority that signed the certificate of ${host} (or of the proxy that inspects TLS).`;
  const trusted = caBundle === undefined ? "the system's certificate authorities" : `the system's certificate authorities nor those of AWS_CA_BUNDLE (${caBundle})`;
  return new NetworkFailure(`the TLS certificate of ${host} is not trusted by ${trusted}: ${detail} (${code})`, { hint, code, cause });
}

/** How to fix a proxy failure: the variable, and NO_PROXY to go direct. */
function proxyHint(proxy: ProxyChoice, host: string, authentication: boolean): string {
  const fix = authentication
    ? `Put the proxy's user and password in ${proxy.variable} (${proxy.url.protocol}//user:password@host:port, percent-encoded)`
    : `Check ${proxy.variable}`;
  return `${fix}, or add ${host} to NO_PROXY to reach it without the proxy.`;
}

/** The proxy could not be reached: refused, reset, unknown host, or no answer. */
export function proxyUnreachable(proxy: ProxyChoice, host: string, cause: unknown): NetworkFailure {
  const code = causes(cause).map(codeOf).find((found) => found !== undefined);
  const reason = code ?? (cause instanceof Error ? cause.message : String(cause));
  return new NetworkFailure(`the proxy ${proxy.display} (${proxy.variable}) could not be reached (${reason})`, {
    hint: proxyHint(proxy, host, false),
    code,
    cause,
  });
}

/** The proxy answered, but would not pass the request on: a 407 (credentials), or a refused CONNECT. */
export function proxyRefused(proxy: ProxyChoice, host: string, status: number, statusText: string | undefined): NetworkFailure {
  // The status line is the proxy's text: printable ASCII only, and short.
  const text = (statusText ?? '').replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
  const answer = `HTTP ${status}${text === '' ? '' : ` ${text}`}`;
  const message =
    status === 407
      ? `the proxy ${proxy.display} (${proxy.variable}) refused the request: it wants credentials it was not given or did not accept (${answer})`
      : `the proxy ${proxy.display} (${proxy.variable}) would not open a connection to ${host} (${answer})`;
  return new NetworkFailure(message, { hint: proxyHint(proxy, host, status === 407) });
}
