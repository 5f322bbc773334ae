import { isIP } from 'node:net';
import { AssumeError } from '../errors.js';
import type { NetworkSettings } from './networkSettings.js';

/** The proxy a request goes through, and how a message names it. */
export interface ProxyChoice {
  /** The proxy's URL, credentials included (for the Proxy-Authorization header only). */
  readonly url: URL;
  /** The variable it came from, named in messages. */
  readonly variable: 'HTTPS_PROXY' | 'HTTP_PROXY';
  /** The URL as messages show it: any user and password replaced by ****. */
  readonly display: string;
}

/**
 * The proxy for a request to `target`, or undefined to go direct: HTTPS_PROXY for an https://
 * target, HTTP_PROXY for an http:// one, none when NO_PROXY matches the target's host (see
 * `matchesNoProxy`). As botocore does, a proxy without a scheme is taken as http://.
 *
 * @throws AssumeError CONFIG_INVALID when the proxy is not an http:// or https:// URL (the
 *   message names the variable and shows no password)
 */
export function resolveProxy(target: URL, network: NetworkSettings | undefined): ProxyChoice | undefined {
  const secure = target.protocol === 'https:';
  const value = secure ? network?.httpsProxy : network?.httpProxy;
  if (value === undefined || value.trim() === '') return undefined;
  if (matchesNoProxy(target, network?.noProxy)) return undefined;
  const variable = secure ? 'HTTPS_PROXY' : 'HTTP_PROXY';
  const text = value.trim();
  let url: URL | undefined;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new AssumeError('CONFIG_INVALID', `${variable} is not a proxy URL assume can use: ${redactUserInfo(text)}`, {
      hint: `Set ${variable} to http://host:port (or https://, with user:password@ before the host when the proxy asks for them); SOCKS proxies are not supported.`,
    });
  }
  return { url, variable, display: formatProxyUrl(url) };
}

/** A proxy URL for a message: `http://****@proxy.corp:3128` when it holds a user or password. */
export function formatProxyUrl(url: URL): string {
  const shown = new URL(url.href);
  const hidden = shown.username !== '' || shown.password !== '';
  shown.username = '';
  shown.password = '';
  const text = shown.href.replace(/\/$/, '');
  return hidden ? text.replace('//', '//****@') : text;
}

/** Text that failed to parse as a URL, with anything between `//` and the last `@` hidden. */
function redactUserInfo(text: string): string {
  return text.replace(/^([^/]*\/\/)?[^/]*@/, (_match, scheme: string | undefined) => `${scheme ?? ''}****@`);
}

/**
 * Whether NO_PROXY sends a request to `target` direct, with the rules botocore takes from
 * Python's urllib (`proxy_bypass_environment`) and curl shares:
 * - entries are comma-separated (spaces around them ignored), matched without regard to case;
 * - `*` as the whole value matches every host;
 * - an entry matches its host and every host under it (`example.com` and `.example.com` both
 *   match `example.com` and `sts.example.com`, never `badexample.com`); `*.example.com` is
 *   taken as `.example.com`, as Go and curl read it;
 * - an entry with a port (`host:8443`) matches that port only (the scheme's default port when
 *   the URL names none);
 * - an IP address matches itself; a CIDR range (`10.0.0.0/8`, `fd00::/8`) the addresses in it,
 *   as curl 7.86 and requests do; IPv6 entries with or without brackets.
 * Loopback is not special: 127.0.0.1 and localhost go through the proxy unless listed, as in
 * botocore and curl.
 */
export function matchesNoProxy(target: URL, noProxy: string | undefined): boolean {
  if (noProxy === undefined) return false;
  if (noProxy.trim() === '*') return true;
  const host = bare(target.hostname.toLowerCase());
  const port = target.port !== '' ? target.port : target.protocol === 'https:' ? '443' : '80';
  return noProxy.split(',').some((raw) => matchesEntry(raw.trim().toLowerCase(), host, port));
}

function matchesEntry(entry: string, host: string, port: string): boolean {
  if (entry === '') return false;
  if (entry === '*') return true;
  const { name, entryPort } = splitEntry(entry);
  if (entryPort !== undefined && entryPort !== port) return false;
  if (name.includes('/')) return inCidr(host, name);
  if (isIP(name) !== 0 || isIP(host) !== 0) return sameAddress(name, host);
  const domain = name.replace(/^\*?\.+/, '');
  if (domain === '') return false;
  return host === domain || host.endsWith(`.${domain}`);
}

/** `[::1]:443`, `::1`, `host:443`, `10.0.0.0/8`: the name and the port, if any. */
function splitEntry(entry: string): { name: string; entryPort: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed !== null) return { name: bracketed[1] ?? '', entryPort: bracketed[2] };
  // More than one colon: an IPv6 address (or range) without brackets, which carries no port.
  if (entry.indexOf(':') !== entry.lastIndexOf(':')) return { name: entry, entryPort: undefined };
  const withPort = /^(.*):(\d+)$/.exec(entry);
  return withPort === null ? { name: entry, entryPort: undefined } : { name: withPort[1] ?? '', entryPort: withPort[2] };
}

function bare(hostname: string): string {
  return hostname.replace(/^\[|\]$/g, '');
}

function sameAddress(a: string, b: string): boolean {
  const x = toBits(a);
  const y = toBits(b);
  return x !== undefined && y !== undefined && x.bits === y.bits;
}

function inCidr(host: string, range: string): boolean {
  const [base = '', prefixText = ''] = range.split('/');
  const address = toBits(host);
  const network = toBits(base);
  if (address === undefined || network === undefined || address.bits.length !== network.bits.length) return false;
  const prefix = Number(prefixText);
  if (!/^\d+$/.test(prefixText) || prefix > network.bits.length) return false;
  return address.bits.slice(0, prefix) === network.bits.slice(0, prefix);
}

/** An IPv4 or IPv6 address as a string of 32 or 128 bits; undefined for anything else. */
function toBits(address: string): { bits: string } | undefined {
  const version = isIP(address);
  if (version === 4) return { bits: address.split('.').map((part) => Number(part).toString(2).padStart(8, '0')).join('') };
  if (version !== 6) return undefined;
  // Node's URL parser writes an IPv6 host in its canonical form; expand it to 8 groups.
  let text = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = v4[1].split('.').map(Number);
    text = `${text.slice(0, -v4[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return undefined;
  return { bits: groups.map((group) => parseInt(group, 16).toString(2).padStart(16, '0')).join('') };
}
