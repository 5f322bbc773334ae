import { request as httpRequest } from 'node:http';
import type { Agent, IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** An HTTP answer, read to its last byte. */
export interface HttpAnswer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/**
 * One HTTP(S) exchange, within `timeoutMs` from start to the last byte of the answer (then
 * it fails with an error named `TimeoutError`); no redirect followed. Sends `accept:
 * application/json` and `user-agent: assume` unless `headers` says otherwise, and a JSON
 * `body` with its content type and length. Used for the SSO portal and the console's
 * federation endpoint; the SDK does STS, and src/sources/metadataHttp.ts the metadata services.
 */
export function httpExchange(
  url: URL,
  request: { readonly method: string; readonly headers?: Readonly<Record<string, string>> | undefined; readonly body?: string | undefined; readonly timeoutMs: number; readonly agent?: Agent | undefined },
): Promise<HttpAnswer> {
  const { body, timeoutMs, agent } = request;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const headers = {
      accept: 'application/json',
      'user-agent': 'assume',
      ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
      ...request.headers,
    };
    const options = { method: request.method, headers, ...(agent === undefined ? {} : { agent }) };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.once('error', fail);
      response.once('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', headers: response.headers, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' }));
    }, timeoutMs);
    function fail(error: unknown): void {
      clearTimeout(timer);
      reject(error instanceof Error ? error : new Error(String(error)));
    }
    req.once('error', fail);
    req.end(body);
  });
}
