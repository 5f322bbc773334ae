import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator, IssuedCredentials } from './emulator.js';
import { startLocalServer } from './localServer.js';

/**
 * A fake EC2 instance metadata service (IMDS) and ECS/EKS container credentials endpoint on
 * 127.0.0.1, handing out role sessions the STS emulator accepts, so a test can fetch
 * source credentials and sign the next AssumeRole with them. It speaks what the real ones
 * speak, as the AWS CLI v2 and the JS SDK use them:
 * - IMDS: PUT /latest/api/token with x-aws-ec2-metadata-token-ttl-seconds (1 to 21600)
 *   returns a session token; GET /latest/meta-data/iam/security-credentials/ returns the
 *   role name (404 without a role); GET .../ROLE returns {Code, LastUpdated, Type,
 *   AccessKeyId, SecretAccessKey, Token, Expiration}. A GET with an unknown or expired
 *   token gets 401, as does one without a token in 'v2-required' mode; a PUT with
 *   X-Forwarded-For gets 403, as EC2 refuses tokens through a proxy.
 * - Container: GET on any other path, with the Authorization header equal to
 *   `authorizationToken` (401 otherwise), returns {AccessKeyId, SecretAccessKey, Token,
 *   Expiration, RoleArn}.
 */

/**
 * 'v2-optional': tokens issued, requests without one answered too (EC2's HttpTokens=optional);
 * 'v2-required': a GET without a valid token gets 401 (HttpTokens=required);
 * 'imdsv1-only': the token PUT gets 404 (`imdsv1TokenStatus`), as an IMDS without v2 answers.
 */
export type ImdsMode = 'v2-optional' | 'v2-required' | 'imdsv1-only';

/** Which request a fault hits. */
export type MetadataTarget = 'token' | 'role-list' | 'credentials' | 'container';

/**
 * 'server-error': HTTP 500; 'status': HTTP `status` with a JSON error body; 'slow': the normal
 * answer after `delayMs`; 'drop': the connection closed without an answer; 'malformed': a
 * truncated JSON document (an empty body for the token); 'expired': credentials whose
 * Expiration has passed; 'bad-token': a token PUT answered with a token the service will
 * not accept (401 on the next GET).
 */
export type MetadataFaultKind = 'server-error' | 'status' | 'slow' | 'drop' | 'malformed' | 'expired' | 'bad-token';

export interface MetadataFault {
  /** Default: any request. */
  target?: MetadataTarget;
  kind: MetadataFaultKind;
  /** How many matching requests suffer it; default 1. */
  times?: number;
  /** For 'status'. */
  status?: number;
  /** For 'slow', in real milliseconds; default 1000. */
  delayMs?: number;
}

/** One request as the fake saw it, with the headers that matter to the protocols. */
export interface MetadataRequestRecord {
  method: string;
  path: string;
  /** What follows '?' in the request target; '' when nothing does. */
  query: string;
  target: MetadataTarget | 'other';
  /** x-aws-ec2-metadata-token-ttl-seconds */
  ttl?: string;
  /** x-aws-ec2-metadata-token */
  metadataToken?: string;
  authorization?: string;
  forwardedFor?: string;
  /** 0 when the connection was dropped. */
  status: number;
  fault?: MetadataFaultKind;
}

export interface MetadataServerOptions {
  emulator: Emulator;
  /** The role of the instance profile and of the task; undefined: no role attached. It must exist in the emulator. */
  roleArn?: string;
  /** Default 'v2-optional'. */
  mode?: ImdsMode;
  /** The answer to the token PUT in 'imdsv1-only' mode; default 404. */
  imdsv1TokenStatus?: number;
  /** Default 32 random hex characters. */
  authorizationToken?: string;
  /** The role session name of issued credentials; default the emulator's 'i-0123456789abcdef0'. */
  sessionName?: string;
  /** How long issued credentials last; default 6 hours. */
  durationSeconds?: number;
}

export interface MetadataServer {
  /** 'http://127.0.0.1:PORT' */
  readonly url: string;
  /** For AWS_EC2_METADATA_SERVICE_ENDPOINT: the same as `url`. */
  readonly imdsEndpoint: string;
  /** For AWS_CONTAINER_CREDENTIALS_FULL_URI; default path '/v2/credentials/task-role'. */
  containerUri(path?: string): string;
  readonly authorizationToken: string;
  /** Oldest first. */
  readonly requests: readonly MetadataRequestRecord[];
  /** Every set of credentials handed out, oldest first (an expired one included). */
  readonly issued: readonly IssuedCredentials[];
  setMode(mode: ImdsMode): void;
  /** Attaches another role, or detaches it (undefined). */
  setRole(roleArn: string | undefined): void;
  fault(fault: MetadataFault): void;
  /** Stops listening and closes every connection, slow answers included; calling it again is harmless. */
  close(): Promise<void>;
}

const TOKEN_PATH = '/latest/api/token';
const CREDENTIALS_PATH = '/latest/meta-data/iam/security-credentials/';

interface Reply {
  status: number;
  body: string;
  contentType: string;
  headers: Record<string, string>;
}

interface PendingFault {
  target: MetadataTarget | undefined;
  kind: MetadataFaultKind;
  remaining: number;
  status: number;
  delayMs: number;
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function targetOf(method: string, path: string): MetadataTarget | 'other' {
  if (path === TOKEN_PATH) return method === 'PUT' ? 'token' : 'other';
  if (path === CREDENTIALS_PATH) return method === 'GET' ? 'role-list' : 'other';
  if (path.startsWith(CREDENTIALS_PATH)) return method === 'GET' ? 'credentials' : 'other';
  if (path.startsWith('/latest/')) return 'other';
  return method === 'GET' ? 'container' : 'other';
}

/** The instance profile's role name: the last part of the role ARN (its path dropped), as IMDS lists it. */
function roleNameOf(roleArn: string): string {
  return roleArn.slice(roleArn.lastIndexOf('/') + 1);
}

/** 2026-01-02T03:04:05Z: IMDS writes times without milliseconds. */
function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Starts the fake on 127.0.0.1, a free port. */
export async function startMetadataServer(options: MetadataServerOptions): Promise<MetadataServer> {
  const { emulator } = options;
  let mode: ImdsMode = options.mode ?? 'v2-optional';
  let roleArn = options.roleArn;
  const authorizationToken = options.authorizationToken ?? randomBytes(16).toString('hex');
  const requests: MetadataRequestRecord[] = [];
  const issued: IssuedCredentials[] = [];
  const tokens = new Map<string, Date>();
  let faults: PendingFault[] = [];
  let current: { roleArn: string; credentials: IssuedCredentials } | undefined;

  function takeFault(target: MetadataTarget | 'other'): PendingFault | undefined {
    if (target === 'other') return undefined;
    const fault = faults.find((f) => f.remaining > 0 && (f.target === undefined || f.target === target));
    if (fault) fault.remaining -= 1;
    faults = faults.filter((f) => f.remaining > 0);
    return fault;
  }

  /** The role's current credentials, issued anew when there are none for this role or they are about to expire. */
  function credentialsFor(arn: string, expired: boolean): IssuedCredentials {
    if (expired) {
      const stale = { ...emulator.issueRoleCredentials(arn, { sessionName: options.sessionName ?? 'i-0123456789abcdef0', durationSeconds: 900 }) };
      stale.expiration = new Date(emulator.now().getTime() - 60_000);
      issued.push(stale);
      return stale;
    }
    const fresh = current?.roleArn === arn && current.credentials.expiration.getTime() - emulator.now().getTime() > 5 * 60_000;
    if (!fresh || current === undefined) {
      const credentials = emulator.issueRoleCredentials(arn, {
        ...(options.sessionName === undefined ? {} : { sessionName: options.sessionName }),
        ...(options.durationSeconds === undefined ? {} : { durationSeconds: options.durationSeconds }),
      });
      current = { roleArn: arn, credentials };
      issued.push(credentials);
    }
    return current.credentials;
  }

  function reply(status: number, body: string, contentType = 'text/plain', headers: Record<string, string> = {}): Reply {
    return { status, body, contentType, headers };
  }

  function json(status: number, document: unknown): Reply {
    return reply(status, JSON.stringify(document, null, 2), 'application/json');
  }

  /** The token check of a GET to IMDS: undefined when it may go on, else the status to answer. */
  function refusal(record: MetadataRequestRecord): number | undefined {
    if (record.metadataToken !== undefined) {
      const expires = tokens.get(record.metadataToken);
      return expires !== undefined && expires.getTime() > emulator.now().getTime() ? undefined : 401;
    }
    return mode === 'v2-required' ? 401 : undefined;
  }

  function answerToken(record: MetadataRequestRecord, fault: PendingFault | undefined): Reply {
    if (mode === 'imdsv1-only') return reply(options.imdsv1TokenStatus ?? 404, '');
    if (record.forwardedFor !== undefined) return reply(403, '');
    const ttl = Number(record.ttl);
    if (record.ttl === undefined || !/^\d+$/.test(record.ttl) || ttl < 1 || ttl > 21600) return reply(400, '');
    if (fault?.kind === 'malformed') return reply(200, '');
    const token = `AQAEA${randomBytes(24).toString('base64url')}==`;
    if (fault?.kind !== 'bad-token') tokens.set(token, new Date(emulator.now().getTime() + ttl * 1000));
    return reply(200, token, 'text/plain', { 'x-aws-ec2-metadata-token-ttl-seconds': String(ttl) });
  }

  function answerImds(record: MetadataRequestRecord, fault: PendingFault | undefined): Reply {
    const refused = refusal(record);
    if (refused !== undefined) return reply(refused, '');
    if (roleArn === undefined) return reply(404, notFoundPage, 'text/html');
    const name = roleNameOf(roleArn);
    if (record.path === CREDENTIALS_PATH) return reply(200, name);
    if (decodeURIComponent(record.path.slice(CREDENTIALS_PATH.length)) !== name) return reply(404, notFoundPage, 'text/html');
    if (fault?.kind === 'malformed') return reply(200, '{\n  "Code" : "Success",\n  "AccessKeyId" : "ASIA');
    const credentials = credentialsFor(roleArn, fault?.kind === 'expired');
    // IMDS labels the document text/plain, and lays it out with " : ".
    const document = {
      Code: 'Success',
      LastUpdated: isoSeconds(emulator.now()),
      Type: 'AWS-HMAC',
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      Token: credentials.sessionToken,
      Expiration: isoSeconds(credentials.expiration),
    };
    return reply(200, JSON.stringify(document, null, 2).replace(/^(\s*"\w+"): /gm, '$1 : '));
  }

  function answerContainer(record: MetadataRequestRecord, fault: PendingFault | undefined): Reply {
    if (record.authorization !== authorizationToken) return json(401, { Code: 'AccessDenied', Message: 'Authorization header is missing or invalid' });
    if (roleArn === undefined) return json(404, { Code: 'NotFound', Message: 'No role for this task' });
    if (fault?.kind === 'malformed') return reply(200, '{"AccessKeyId":"ASIA', 'application/json');
    const credentials = credentialsFor(roleArn, fault?.kind === 'expired');
    return json(200, {
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      Token: credentials.sessionToken,
      Expiration: isoSeconds(credentials.expiration),
      RoleArn: roleArn,
    });
  }

  function answer(record: MetadataRequestRecord, fault: PendingFault | undefined): Reply {
    if (fault?.kind === 'server-error') return reply(500, 'Internal Server Error');
    if (fault?.kind === 'status') return json(fault.status, { Code: `Http${fault.status}`, Message: `status ${fault.status} injected` });
    switch (record.target) {
      case 'token':
        return answerToken(record, fault);
      case 'role-list':
      case 'credentials':
        return answerImds(record, fault);
      case 'container':
        return answerContainer(record, fault);
      case 'other':
        return record.path.startsWith('/latest/') ? reply(404, notFoundPage, 'text/html') : reply(405, '');
    }
  }

  function send(response: ServerResponse, record: MetadataRequestRecord, fault: PendingFault | undefined): void {
    if (response.destroyed) return;
    const { status, body, contentType, headers } = answer(record, fault);
    response.writeHead(status, { ...headers, 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    response.end(body);
  }

  const server = await startLocalServer((request, response) => {
    const method = request.method ?? 'GET';
    const [path = '/', ...rest] = (request.url ?? '/').split('?');
    const query = rest.join('?');
    const target = targetOf(method, path);
    const record: MetadataRequestRecord = {
      method,
      path,
      query,
      target,
      status: 0,
      ...optional('ttl', header(request, 'x-aws-ec2-metadata-token-ttl-seconds')),
      ...optional('metadataToken', header(request, 'x-aws-ec2-metadata-token')),
      ...optional('authorization', header(request, 'authorization')),
      ...optional('forwardedFor', header(request, 'x-forwarded-for')),
    };
    const fault = takeFault(target);
    if (fault) record.fault = fault.kind;
    requests.push(record);
    response.on('finish', () => {
      record.status = response.statusCode;
    });
    request.resume();
    request.on('end', () => {
      if (fault?.kind === 'drop') {
        request.socket.destroy();
        return;
      }
      if (fault?.kind === 'slow') {
        server.hold(fault.delayMs, () => {
          send(response, record, undefined);
        });
        return;
      }
      send(response, record, fault);
    });
  });
  const { url } = server;

  return {
    url,
    imdsEndpoint: url,
    containerUri: (path = '/v2/credentials/task-role') => `${url}${path}`,
    authorizationToken,
    requests,
    issued,
    setMode(next) {
      mode = next;
    },
    setRole(next) {
      roleArn = next;
    },
    fault(spec) {
      faults.push({ target: spec.target, kind: spec.kind, remaining: spec.times ?? 1, status: spec.status ?? 400, delayMs: spec.delayMs ?? 1000 });
    },
    close: () => server.close(),
  };
}

/** IMDS's 404 page. */
const notFoundPage = `<?xml version="1.0" encoding="iso-8859-1"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
\t"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">
 <head>
  <title>404 - Not Found</title>
 </head>
 <body>
  <h1>404 - Not Found</h1>
 </body>
</html>
`;

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}
