import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FEDERATION_PATH, FederationEndpoint } from './federation.js';
import type { FederationRecord } from './federation.js';
import { IdentityStore } from './identity.js';
import { recordIssuedSecrets } from './issuedSecrets.js';
import type {
  Caller,
  CredentialFactory,
  IssuedCredentials,
  Params,
  RoleSpec,
  SessionInfo,
  UserKeys,
  UserSpec,
  WebIdentityTokenSpec,
} from './identity.js';
import { startLocalServer } from './localServer.js';
import { authenticate, readCredentialScope } from './sigv4.js';
import type { SignedRequest } from './sigv4.js';
import { StsError } from './sts-error.js';
import { STS_NAMESPACE, formatErrorResponse, formatResponse } from './xml.js';
import type { XmlElements } from './xml.js';

export type { FederationRecord } from './federation.js';
export type {
  CredentialFactory,
  IssueContext,
  IssuedCredentials,
  RoleSpec,
  SessionInfo,
  SessionKeys,
  SessionTag,
  UserKeys,
  UserSpec,
  WebIdentityTokenSpec,
  WebIdentityTrust,
} from './identity.js';

/** The actions the emulator answers. */
const ACTIONS = ['AssumeRole', 'AssumeRoleWithWebIdentity', 'GetCallerIdentity', 'GetSessionToken'];

/** The API version every STS request names. */
export const STS_VERSION = '2011-06-15';

/** What `fault()` can make the next matching requests suffer. */
export type FaultKind = 'throttle' | 'server-error' | 'unavailable' | 'slow' | 'drop' | 'malformed';

/** A fault to inject. */
export interface FaultSpec {
  /** Only requests for this action; default any. */
  action?: string;
  kind: FaultKind;
  /** How many matching requests suffer it; default 1. */
  times?: number;
  /** For 'slow': how long to hold the answer, in real milliseconds; default 1000. */
  delayMs?: number;
}

/** One request as the emulator saw it. */
export interface RequestRecord {
  /** Emulator time when it arrived. */
  time: Date;
  method: string;
  /** The Action parameter ('' when absent). */
  action: string;
  /** The key named in the Authorization header's credential scope. */
  accessKeyId?: string;
  /** Whether an X-Amz-Security-Token header came with it. */
  hasSessionToken: boolean;
  /** The region of the credential scope the client signed with. */
  signingRegion?: string;
  /** Query and form parameters, Action and Version included. */
  params: Record<string, string>;
  /** The HTTP status answered; 0 while pending or when the connection was dropped. */
  status: number;
  /** The error code answered, if any. */
  errorCode?: string;
  userAgent?: string;
  /** The fault injected into this request, if any. */
  fault?: FaultKind;
}

/** Options of `startEmulator`. */
export interface EmulatorOptions {
  /** The emulator's clock; default the system clock, which `advance()` can move. */
  now?: () => Date;
  /** Default 0 (any free port). */
  port?: number;
  /** Called once per request when it has been answered (or dropped). */
  onRequest?: (record: RequestRecord) => void;
}

/** A running STS emulator. */
export interface Emulator {
  /** 'http://127.0.0.1:PORT' */
  readonly url: string;
  /** The request log, oldest first; `reset()` empties it. */
  readonly requests: readonly RequestRecord[];
  /**
   * 'http://127.0.0.1:PORT/federation': the console sign-in federation endpoint (test/emulator/federation.ts),
   * which accepts the temporary credentials this emulator issued. `fault()` with action 'getSigninToken' or 'login'
   * reaches it too.
   */
  readonly federationUrl: string;
  /** The federation endpoint's request log, oldest first (no Session parameter, no token); `reset()` empties it. */
  readonly federationRequests: readonly FederationRecord[];
  /** Creates a user with long-term keys (generated unless given) and returns them with the user ARN. */
  addUser(spec: UserSpec): UserKeys;
  /** Creates (or replaces) a role. */
  addRole(spec: RoleSpec): void;
  /**
   * Issues credentials for a role session without a caller or trust check, as the instance metadata service, a
   * container credentials endpoint or the SSO portal hand them out; the emulator's STS then accepts them.
   * Default session name 'i-0123456789abcdef0', default duration 6 hours.
   */
  issueRoleCredentials(roleArn: string, options?: { sessionName?: string; durationSeconds?: number }): IssuedCredentials & { arn: string };
  /**
   * Signs a web identity token (an RS256 JWT, `exp` from the emulator's clock; default one hour) as an OIDC provider
   * would; AssumeRoleWithWebIdentity accepts it for roles whose `trustWebIdentity` matches its claims.
   */
  issueWebIdentityToken(spec: WebIdentityTokenSpec): string;
  /**
   * What STS keeps on the role session of `accessKeyId` (tags, transitive keys, source identity, session policies),
   * so tests can prove what the final credentials carry; undefined for a key that is not a role session.
   */
  sessionInfo(accessKeyId: string): SessionInfo | undefined;
  /** Chooses the values of the credentials issued from now on; undefined goes back to random ones. */
  setCredentialFactory(factory: CredentialFactory | undefined): void;
  /** Moves the built-in clock forward; throws when `now` was injected (move that clock instead). */
  advance(ms: number): void;
  /** The emulator's current time. */
  now(): Date;
  /** How many requests came for `action`, or in all. */
  count(action?: string): number;
  /**
   * Makes the next `times` requests matching `action` suffer `kind`. A fault is taken as soon as the action is read,
   * before authentication, as a load balancer or throttle in front of STS would; 'slow' then answers normally.
   */
  fault(spec: FaultSpec): void;
  /** Clears the request log and pending faults; users, roles and sessions stay. */
  reset(): void;
  /** Stops listening and closes every connection, pending slow answers included; calling it again is harmless. */
  close(): Promise<void>;
}

interface PendingFault {
  action: string | undefined;
  kind: FaultKind;
  remaining: number;
  delayMs: number;
}

/** One line for a request log: `2026-01-02T03:04:05.678Z POST AssumeRole 403 AccessDenied key=AKIA... region=us-east-1`. */
export function formatRequestRecord(record: RequestRecord): string {
  const outcome = record.status === 0 ? 'dropped' : `${record.status}${record.errorCode ? ` ${record.errorCode}` : ''}`;
  return [
    record.time.toISOString(),
    record.method,
    record.action || '-',
    outcome,
    `key=${record.accessKeyId ?? '-'}`,
    `region=${record.signingRegion ?? '-'}`,
    ...(record.fault ? [`fault=${record.fault}`] : []),
  ].join(' ');
}

function formatExpiration(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function credentialsElement(credentials: IssuedCredentials): XmlElements {
  return {
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    SessionToken: credentials.sessionToken,
    Expiration: formatExpiration(credentials.expiration),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function collectQuery(search: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of search) {
    const existing = query[name];
    query[name] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return query;
}

/**
 * Starts an STS emulator on 127.0.0.1: the Query protocol (form POST or GET, Version 2011-06-15), SigV4 verified
 * with the real signer, AssumeRole (with session tags, source identity and session policies) /
 * AssumeRoleWithWebIdentity (unsigned, with tokens from `issueWebIdentityToken`) / GetSessionToken /
 * GetCallerIdentity with AWS's rules, error codes and messages, a request log and fault injection.
 * Reads no environment variable.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const store = new IdentityStore();
  const requests: RequestRecord[] = [];
  let faults: PendingFault[] = [];
  let clockOffset = 0;
  const now = (): Date => (options.now ? options.now() : new Date(Date.now() + clockOffset));

  function takeFault(action: string): PendingFault | undefined {
    const fault = faults.find((f) => f.action === undefined || f.action === action);
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
  }

  function dispatch(action: string, caller: Caller | undefined, params: Params, requestId: string): string {
    const at = now();
    if (action === 'AssumeRoleWithWebIdentity') {
      const result = store.assumeRoleWithWebIdentity(params, at);
      return formatResponse(
        action,
        {
          Credentials: credentialsElement(result.credentials),
          SubjectFromWebIdentityToken: result.subject,
          AssumedRoleUser: { AssumedRoleId: result.assumedRoleId, Arn: result.arn },
          Provider: result.provider,
          Audience: result.audience,
        },
        requestId,
      );
    }
    if (caller === undefined) throw new Error(`unreachable: ${action} is always authenticated`);
    switch (action) {
      case 'GetCallerIdentity': {
        const identity = store.getCallerIdentity(caller);
        return formatResponse(action, { Arn: identity.Arn, UserId: identity.UserId, Account: identity.Account }, requestId);
      }
      case 'AssumeRole': {
        const result = store.assumeRole(caller, params, at);
        return formatResponse(
          action,
          {
            Credentials: credentialsElement(result.credentials),
            AssumedRoleUser: { AssumedRoleId: result.assumedRoleId, Arn: result.arn },
          },
          requestId,
        );
      }
      case 'GetSessionToken':
        return formatResponse(action, { Credentials: credentialsElement(store.getSessionToken(caller, params, at)) }, requestId);
      default:
        throw new Error(`unreachable: action ${action} was checked`);
    }
  }

  async function answer(signed: SignedRequest, params: Params, requestId: string): Promise<{ status: number; body: string }> {
    const action = params.Action;
    const version = params.Version;
    // AssumeRoleWithWebIdentity is unsigned (the token is the credential); a signature, when sent, is still checked.
    const unsigned = action === 'AssumeRoleWithWebIdentity' && signed.headers.authorization === undefined;
    const record = unsigned ? undefined : await authenticate(signed, now(), store);
    if (action === undefined || action === '') {
      throw new StsError(400, 'MissingAction', 'Missing Action');
    }
    if (version !== STS_VERSION || !ACTIONS.includes(action)) {
      throw new StsError(400, 'InvalidAction', `Could not find operation ${action} for version ${version ?? 'NO_VERSION_SPECIFIED'}`);
    }
    return { status: 200, body: dispatch(action, record && store.callerOf(record), params, requestId) };
  }

  function faultError(kind: FaultKind): StsError | undefined {
    switch (kind) {
      case 'throttle':
        return new StsError(400, 'Throttling', 'Rate exceeded');
      case 'server-error':
        return new StsError(
          500,
          'InternalFailure',
          'The request processing has failed because of an unknown error, exception or failure.',
        );
      case 'unavailable':
        return new StsError(503, 'ServiceUnavailable', 'The request has failed due to a temporary failure of the server.');
      default:
        return undefined;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === FEDERATION_PATH) {
      const fault = takeFault(url.searchParams.get('Action') ?? '');
      if (fault?.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'slow') await server.delay(fault.delayMs);
      const answer = federation.handle(req.method ?? 'GET', url, fault?.kind);
      res.writeHead(answer.status, { ...answer.headers, 'Content-Length': Buffer.byteLength(answer.body) });
      res.end(answer.body);
      return;
    }
    const query = collectQuery(url.searchParams);
    const params: Record<string, string> = {};
    for (const [name, value] of url.searchParams) params[name] ??= value;
    // Form parameters count only when sent as a form, as in AWS's Query protocol.
    const contentType = req.headers['content-type'] ?? '';
    if (req.method === 'POST' && /^application\/x-www-form-urlencoded\b/i.test(contentType)) {
      for (const [name, value] of new URLSearchParams(body)) params[name] ??= value;
    }
    const headers: Record<string, string> = {};
    for (const [name, values] of Object.entries(req.headersDistinct)) {
      if (values) headers[name] = values.join(',');
    }
    const scope = readCredentialScope(headers.authorization);
    const entry: RequestRecord = {
      time: now(),
      method: req.method ?? 'GET',
      action: params.Action ?? '',
      accessKeyId: scope.accessKeyId,
      hasSessionToken: headers['x-amz-security-token'] !== undefined,
      signingRegion: scope.region,
      params,
      status: 0,
      userAgent: headers['user-agent'],
    };
    requests.push(entry);
    const requestId = randomUUID();

    const send = (status: number, text: string): void => {
      entry.status = status;
      res.writeHead(status, {
        'Content-Type': 'text/xml',
        'Content-Length': Buffer.byteLength(text),
        'x-amzn-RequestId': requestId,
        // The emulator's clock, so SDKs correct their skew from it as they do against AWS.
        Date: now().toUTCString(),
      });
      res.end(text);
    };
    const sendError = (error: StsError): void => {
      entry.errorCode = error.code;
      send(error.status, formatErrorResponse(error, requestId));
    };

    const fault = takeFault(entry.action);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      options.onRequest?.(entry);
      return;
    }
    if (fault?.kind === 'malformed') {
      send(200, `<${entry.action}Response xmlns="${STS_NAMESPACE}"><${entry.action}Result><Credentials><AccessKeyId>ASIA`);
      options.onRequest?.(entry);
      return;
    }
    const injected = fault && faultError(fault.kind);
    if (injected) {
      sendError(injected);
      options.onRequest?.(entry);
      return;
    }
    if (fault?.kind === 'slow') await server.delay(fault.delayMs);

    try {
      const { status, body: text } = await answer({ method: entry.method, path: url.pathname, query, headers, body }, params, requestId);
      send(status, text);
    } catch (error) {
      if (error instanceof StsError) {
        sendError(error);
      } else {
        // A bug in the emulator or a test's credential factory: answer as AWS does and keep the detail in the log.
        sendError(new StsError(500, 'InternalFailure', `The request processing has failed: ${String(error)}`));
      }
    }
    options.onRequest?.(entry);
  }

  const federation = new FederationEndpoint(store, now);
  const server = await startLocalServer(handle, options.port);

  return {
    url: server.url,
    requests,
    federationUrl: `${server.url}${FEDERATION_PATH}`,
    federationRequests: federation.requests,
    addUser: (spec) => store.addUser(spec),
    addRole: (spec) => {
      store.addRole(spec);
    },
    issueRoleCredentials: (roleArn, issue = {}) =>
      store.issueRoleSession(roleArn, issue.sessionName ?? 'i-0123456789abcdef0', issue.durationSeconds ?? 6 * 3600, now()),
    issueWebIdentityToken: (spec) => {
      const token = store.issueWebIdentityToken(spec, now());
      recordIssuedSecrets(token);
      return token;
    },
    sessionInfo: (accessKeyId) => store.sessionInfo(accessKeyId),
    setCredentialFactory: (factory) => {
      store.setCredentialFactory(factory);
    },
    advance(ms) {
      if (options.now) throw new Error('advance() moves the built-in clock only; this emulator was given a now() clock');
      clockOffset += ms;
    },
    now,
    count: (action) => (action === undefined ? requests.length : requests.filter((r) => r.action === action).length),
    fault(spec) {
      faults.push({ action: spec.action, kind: spec.kind, remaining: spec.times ?? 1, delayMs: spec.delayMs ?? 1000 });
    },
    reset() {
      requests.length = 0;
      federation.requests.length = 0;
      faults = [];
    },
    close: () => server.close(),
  };
}
