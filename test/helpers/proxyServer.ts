import { createServer, request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { listenOnLoopback } from '../emulator/localServer.js';

/** One request the proxy took: a CONNECT tunnel, or a plain HTTP request it forwarded. */
export interface ProxyRecord {
  /** 'CONNECT', or the forwarded request's method. */
  readonly method: string;
  /** `host:port` of a CONNECT, the absolute URL of a forwarded request. */
  readonly target: string;
  /** The user:password decoded from a Basic Proxy-Authorization header, if one came. */
  readonly credentials: string | undefined;
  /** The status the proxy answered (200 for a tunnel opened, 407, the refusal status...). */
  readonly status: number;
}

export interface ProxyServerOptions {
  /** `user:password` the proxy demands in Proxy-Authorization (Basic); absent: none. */
  readonly credentials?: string;
  /** Refuse every request with this status (e.g. 403) instead of passing it on. */
  readonly refuse?: number;
}

/** A forward proxy on 127.0.0.1, as a corporate one: CONNECT for https://, absolute-URL requests for http://. */
export interface ProxyServer {
  /** `http://127.0.0.1:PORT`, no credentials, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** What went through it, oldest first. */
  readonly records: readonly ProxyRecord[];
  close(): Promise<void>;
}

function credentialsOf(request: IncomingMessage): string | undefined {
  const header = request.headers['proxy-authorization'];
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  return match?.[1] === undefined ? undefined : Buffer.from(match[1], 'base64').toString('utf8');
}

/**
 * Starts a small HTTP proxy on 127.0.0.1 (a free port) that records every request: CONNECT
 * tunnels to any host:port, and plain HTTP requests with an absolute URL forwarded to their
 * target. It can demand Proxy-Authorization (407 otherwise) or refuse everything.
 */
export async function startProxyServer(options: ProxyServerOptions = {}): Promise<ProxyServer> {
  const records: ProxyRecord[] = [];
  const sockets = new Set<Socket | Duplex>();

  /** The status to refuse the request with, or undefined to pass it on. */
  function refusal(request: IncomingMessage): number | undefined {
    if (options.refuse !== undefined) return options.refuse;
    if (options.credentials !== undefined && credentialsOf(request) !== options.credentials) return 407;
    return undefined;
  }

  const server = createServer((request, response) => {
    const target = request.url ?? '';
    const status = refusal(request);
    if (status !== undefined || !/^http:\/\//.test(target)) {
      const answered = status ?? 400;
      records.push({ method: request.method ?? '', target, credentials: credentialsOf(request), status: answered });
      response.writeHead(answered, answered === 407 ? { 'Proxy-Authenticate': 'Basic realm="test"', 'Content-Type': 'text/plain' } : { 'Content-Type': 'text/plain' });
      response.end(answered === 407 ? 'Proxy Authentication Required' : 'Refused by the proxy');
      return;
    }
    const headers = { ...request.headers };
    delete headers['proxy-authorization'];
    delete headers['proxy-connection'];
    const upstream = httpRequest(target, { method: request.method, headers }, (answer) => {
      records.push({ method: request.method ?? '', target, credentials: credentialsOf(request), status: answer.statusCode ?? 0 });
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.once('error', () => {
      records.push({ method: request.method ?? '', target, credentials: credentialsOf(request), status: 502 });
      response.writeHead(502, { 'Content-Type': 'text/plain' });
      response.end('Bad gateway');
    });
    request.pipe(upstream);
  });

  server.on('connect', (request: IncomingMessage, client: Duplex, head: Buffer) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const target = request.url ?? '';
    const status = refusal(request);
    if (status !== undefined) {
      records.push({ method: 'CONNECT', target, credentials: credentialsOf(request), status });
      const extra = status === 407 ? 'Proxy-Authenticate: Basic realm="test"\r\n' : '';
      client.end(`HTTP/1.1 ${status} ${status === 407 ? 'Proxy Authentication Required' : 'Forbidden'}\r\n${extra}Content-Length: 0\r\n\r\n`);
      return;
    }
    const [host = '', port = ''] = /^(.*):(\d+)$/.exec(target)?.slice(1) ?? [];
    const upstream = connect(Number(port), host.replace(/^\[|\]$/g, ''), () => {
      records.push({ method: 'CONNECT', target, credentials: credentialsOf(request), status: 200 });
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.once('error', () => {
      if (upstream.connecting || upstream.bytesWritten === 0) records.push({ method: 'CONNECT', target, credentials: credentialsOf(request), status: 502 });
      if (!client.destroyed && client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
    });
  });

  const port = await listenOnLoopback(server);
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    records,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
