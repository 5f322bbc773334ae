import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Server } from 'node:net';

/** Starts `server` listening on 127.0.0.1 (`port`, default 0: a free one) and gives the port it got. */
export async function listenOnLoopback(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** The HTTP side the fakes share: where they listen, their held answers, and how they stop. */
export interface LocalServer {
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** Calls `release` after `ms` real milliseconds, or at once when the server closes, whichever comes first. */
  hold(ms: number, release: () => void): void;
  /** A promise that `hold` settles: for an answer that waits in an async handler. */
  delay(ms: number): Promise<void>;
  /** Stops listening and closes every connection, held answers released first; calling it again is harmless. */
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 (`port`, default 0: a free one) that hands each request
 * to `handler`. A handler that throws or rejects gets a plain-text 500, when nothing was sent yet.
 * Reads no environment variable.
 */
export async function startLocalServer(
  handler: (request: IncomingMessage, response: ServerResponse) => Promise<void> | void,
  port = 0,
): Promise<LocalServer> {
  const held = new Set<() => void>();
  let closing: Promise<void> | undefined;

  const server = createServer((request, response) => {
    // The executor runs the handler at once, so a throw and a rejection both end up in catch.
    new Promise<void>((resolve) => {
      resolve(handler(request, response));
    }).catch((error: unknown) => {
      if (!response.headersSent) {
        response.writeHead(500, { 'Content-Type': 'text/plain' });
        response.end(String(error));
      }
    });
  });
  const listening = await listenOnLoopback(server, port);

  function hold(ms: number, release: () => void): void {
    const done = (): void => {
      clearTimeout(timer);
      held.delete(done);
      release();
    };
    const timer = setTimeout(done, ms);
    held.add(done);
  }

  return {
    url: `http://127.0.0.1:${listening}`,
    hold,
    delay: (ms) =>
      new Promise((resolve) => {
        hold(ms, resolve);
      }),
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        for (const release of [...held]) release();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
