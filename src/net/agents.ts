/**
 * The HTTP agents that take STS and SSO calls through a proxy and trust AWS_CA_BUNDLE. Loaded
 * (with https-proxy-agent and http-proxy-agent) only by `loadAgent`, when the run has a proxy
 * or a CA bundle for the target: a run without either, and every cache hit, never reads it.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { rootCertificates } from 'node:tls';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { errorCode } from '../cache/readRegularFile.js';
import { AssumeError } from '../errors.js';
import { proxyRefused, proxyUnreachable } from './networkFailure.js';
import type { ProxyChoice } from './resolveProxy.js';

/** How requests to one target leave: the agent to give the HTTP client, and the proxy it uses, if any. */
export interface Route {
  readonly agent: HttpAgent;
  readonly proxy: ProxyChoice | undefined;
}

type TunnelConnect = Parameters<HttpsProxyAgent<string>['connect']>;
type ForwardConnect = Parameters<HttpProxyAgent<string>['connect']>;

/**
 * Tunnels https:// requests through the proxy with CONNECT. A proxy that cannot be reached,
 * or that answers the CONNECT with anything but 200 (a 407 asking for credentials, a 403 or
 * 502 refusing the target), fails the request with a NetworkFailure naming the proxy; the
 * library's own behaviour would be to hand the proxy's answer to the client as if the target
 * had sent it.
 */
class TunnelAgent extends HttpsProxyAgent<string> {
  readonly #proxy: ProxyChoice;
  readonly #host: string;
  readonly #ca: string[] | undefined;

  constructor(proxy: ProxyChoice, host: string, ca: string[] | undefined) {
    // `ca` here serves an https:// proxy; the TLS inside the tunnel takes it in `connect`.
    super(proxy.url.href, ca === undefined ? {} : { ca });
    this.#proxy = proxy;
    this.#host = host;
    this.#ca = ca;
  }

  override async connect(req: TunnelConnect[0], options: TunnelConnect[1]): Promise<Socket> {
    let answer: { statusCode?: number; statusText?: string } | undefined;
    req.once('proxyConnect', (connect: { statusCode?: number; statusText?: string }) => {
      answer = connect;
    });
    let socket: Socket;
    try {
      // HttpsProxyAgent drops the agent's own options from the request's: pass the CAs on for the TLS to the target.
      socket = await super.connect(req, options.secureEndpoint && this.#ca !== undefined ? { ...options, ca: this.#ca } : options);
    } catch (error) {
      throw proxyUnreachable(this.#proxy, this.#host, error);
    }
    if (answer?.statusCode !== undefined && answer.statusCode !== 200) {
      socket.destroy();
      throw proxyRefused(this.#proxy, this.#host, answer.statusCode, answer.statusText);
    }
    return socket;
  }
}

/**
 * Sends http:// requests to the proxy with the full URL as the path, as HTTP proxies take
 * them. A proxy that cannot be reached fails with a NetworkFailure naming it; its answers
 * (a 407 among them) reach the client, which checks for 407 itself.
 */
class ForwardAgent extends HttpProxyAgent<string> {
  readonly #proxy: ProxyChoice;
  readonly #host: string;

  constructor(proxy: ProxyChoice, host: string, ca: string[] | undefined) {
    super(proxy.url.href, ca === undefined ? {} : { ca });
    this.#proxy = proxy;
    this.#host = host;
  }

  override async connect(req: ForwardConnect[0], options: ForwardConnect[1]): Promise<Socket> {
    try {
      return await super.connect(req, options);
    } catch (error) {
      throw proxyUnreachable(this.#proxy, this.#host, error);
    }
  }
}

/**
 * The agent for requests to `target`: through `proxy` when given (CONNECT for https://, a
 * forwarding request for http://), trusting the certificate authorities of the PEM file
 * `caBundle` besides the system's (Node's bundled roots) when given. Undefined when neither
 * applies: the client's default agent then serves.
 *
 * @throws AssumeError CONFIG_READ (AWS_CA_BUNDLE cannot be read), CONFIG_INVALID (it holds no
 *   PEM certificate Node can use)
 */
export async function createAgent(target: URL, proxy: ProxyChoice | undefined, caBundle: string | undefined): Promise<Route | undefined> {
  const secure = target.protocol === 'https:' || proxy?.url.protocol === 'https:';
  const ca = caBundle !== undefined && secure ? [...rootCertificates, await loadCaBundle(caBundle)] : undefined;
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (proxy !== undefined) {
    const agent = target.protocol === 'https:' ? new TunnelAgent(proxy, host, ca) : new ForwardAgent(proxy, host, ca);
    return { agent, proxy };
  }
  if (ca !== undefined) return { agent: new HttpsAgent({ ca }), proxy: undefined };
  return undefined;
}

/**
 * The text of the PEM file AWS_CA_BUNDLE names, checked to hold certificates Node can load.
 * @throws AssumeError CONFIG_READ, CONFIG_INVALID
 */
export async function loadCaBundle(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AssumeError('CONFIG_READ', `cannot read the certificate bundle ${path} named by AWS_CA_BUNDLE (${errorCode(error) ?? String(error)})`, {
      hint: 'Set AWS_CA_BUNDLE to a readable PEM file of the certificate authorities to trust, or unset it.',
      cause: error,
    });
  }
  const invalid = (why: string, cause?: unknown): AssumeError =>
    new AssumeError('CONFIG_INVALID', `the certificate bundle ${path} named by AWS_CA_BUNDLE ${why}`, {
      hint: 'AWS_CA_BUNDLE must name a PEM file: one or more -----BEGIN CERTIFICATE----- blocks.',
      cause,
    });
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw invalid('holds no PEM certificate');
  // Node's TLS skips a certificate it cannot parse without a word: check each one here.
  blocks.forEach((block, index) => {
    try {
      new X509Certificate(block);
    } catch (error) {
      throw invalid(`holds a certificate that cannot be read (the ${ordinal(index + 1)}: ${error instanceof Error ? error.message : String(error)})`, error);
    }
  });
  return text;
}

function ordinal(n: number): string {
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}
