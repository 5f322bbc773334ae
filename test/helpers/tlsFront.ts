import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listenOnLoopback } from '../emulator/localServer.js';

/** A throwaway certificate authority and a server certificate it signed, for 127.0.0.1 and localhost. */
export interface TlsMaterial {
  /** The CA certificate, PEM: what AWS_CA_BUNDLE names. */
  readonly caFile: string;
  readonly cert: string;
  readonly key: string;
  /** Removes the files. */
  cleanup(): void;
}

function openssl(args: readonly string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('these tests make a throwaway CA with the openssl command, and there is none on PATH: install OpenSSL (e.g. apt-get install openssl)', { cause: error });
    }
    const stderr = (error as { stderr?: Buffer }).stderr?.toString('utf8') ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr}`, { cause: error });
  }
}

/**
 * Makes a CA (P-256, valid 2 days) and a server certificate it signs for IP 127.0.0.1 and
 * DNS localhost, with the system's `openssl` (Node 20 cannot create certificates itself).
 * Throws a clear error when openssl is missing: the tests that need it must fail, not skip.
 */
export function createTlsMaterial(): TlsMaterial {
  const dir = mkdtempSync(join(tmpdir(), 'assume-tls-'));
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=assume test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  openssl(['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'], dir);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n');
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'], dir);
  return {
    caFile: join(dir, 'ca.pem'),
    cert: readFileSync(join(dir, 'server.pem'), 'utf8'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An HTTPS server on 127.0.0.1 in front of a plain-http one. */
export interface TlsFront {
  /** `https://127.0.0.1:PORT`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  /** How many requests it passed on. */
  readonly count: () => number;
  close(): Promise<void>;
}

/**
 * Starts an HTTPS server on 127.0.0.1 (a free port) with `material`'s server certificate that
 * passes every request on, method, path, headers and body unchanged, to `target` (an
 * http://127.0.0.1:PORT server such as the STS emulator or the SSO fake), as a TLS-terminating
 * load balancer would.
 */
export async function startTlsFront(target: string, material: TlsMaterial): Promise<TlsFront> {
  let count = 0;
  const server = createServer({ cert: material.cert, key: material.key }, (request, response) => {
    count += 1;
    const upstream = httpRequest(new URL(request.url ?? '/', target), { method: request.method, headers: request.headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.once('error', () => {
      response.destroy();
    });
    request.pipe(upstream);
  });
  // A client that refuses the certificate resets the handshake: nothing to do but drop it.
  server.on('tlsClientError', () => undefined);
  const port = await listenOnLoopback(server);
  let closing: Promise<void> | undefined;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    count: () => count,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
