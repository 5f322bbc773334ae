/**
 * A fake IAM Identity Center on 127.0.0.1: the access portal's GetRoleCredentials and SSO-OIDC's
 * RegisterClient, StartDeviceAuthorization and CreateToken (device code and refresh token grants),
 * REST-JSON as AWS speaks it, with AWS's error types in the x-amzn-ErrorType header and AWS's error
 * bodies (`{"message"}` from the portal, `{"error","error_description"}` from SSO-OIDC).
 *
 * The role credentials it hands out are issued by the STS emulator (`issueRoleCredentials`), so the
 * emulator's STS accepts them for a following AssumeRole, as AWS's does. One path serves both APIs:
 * point AWS_ENDPOINT_URL_SSO and AWS_ENDPOINT_URL_SSO_OIDC (or AWS_ENDPOINT_URL) at `url`.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Emulator } from './emulator.js';
import { startLocalServer } from './localServer.js';

/** The four operations the fake serves. */
export type SsoOperation = 'GetRoleCredentials' | 'RegisterClient' | 'StartDeviceAuthorization' | 'CreateToken';

/** What `fault()` can make the next matching requests suffer. */
export type SsoFaultKind =
  /** 500 InternalServerException (OIDC) / InternalServerException-like 500 (portal). */
  | 'server-error'
  /** 429 TooManyRequestsException. */
  | 'throttle'
  /** 400 SlowDownException (SSO-OIDC). */
  | 'slow-down'
  /** The connection is closed without an answer. */
  | 'drop'
  /** 200 with a cut-off JSON body. */
  | 'malformed'
  /** The answer is held for `delayMs`, then given normally. */
  | 'slow';

export interface SsoFaultSpec {
  /** Only this operation; default any. */
  operation?: SsoOperation;
  kind: SsoFaultKind;
  /** Default 1. */
  times?: number;
  /** For 'slow', real milliseconds; default 1000. */
  delayMs?: number;
}

/** One request as the fake saw it. */
export interface SsoRequestRecord {
  time: Date;
  method: string;
  path: string;
  /** '' for a path the fake does not serve. */
  operation: SsoOperation | '';
  /** Whether an x-amz-sso_bearer_token header came with it. */
  hasBearerToken: boolean;
  /** The JSON body (OIDC) or query (portal) fields, as sent. */
  params: Record<string, unknown>;
  /** 0 while pending or when dropped. */
  status: number;
  errorType?: string;
  fault?: SsoFaultKind;
}

/** A token the fake issued, as a test seeds the cache with it. */
export interface IssuedSsoToken {
  accessToken: string;
  expiresAt: Date;
  /** Given when the client was registered with scopes, as AWS does. */
  refreshToken?: string;
  clientId: string;
  clientSecret: string;
  clientSecretExpiresAt: Date;
  scopes?: string[];
}

/** A device authorization waiting for the user. */
export interface PendingAuthorization {
  userCode: string;
  startUrl: string;
  expiresAt: Date;
  state: 'pending' | 'approved' | 'denied' | 'used';
}

export interface SsoFakeOptions {
  /** The STS emulator that issues the role sessions and knows the roles. */
  emulator: Emulator;
  /** The fake's clock; default the emulator's. */
  now?: () => Date;
  /** Default 0 (any free port). */
  port?: number;
  /** Seconds an access token lasts; default 28800 (8 hours, AWS's default session). */
  accessTokenSeconds?: number;
  /** Seconds a registered client's secret lasts; default 90 days. */
  clientSecretSeconds?: number;
  /** Seconds a device code lasts; default 600. */
  deviceCodeSeconds?: number;
  /** The polling interval StartDeviceAuthorization names, in seconds; default 1 (AWS's). */
  intervalSeconds?: number;
  /** The user's name: the role session name of the credentials; default 'alice@example.com'. */
  userName?: string;
}

/** A running fake Identity Center. */
export interface SsoFake {
  /** 'http://127.0.0.1:PORT', for both the portal and SSO-OIDC. */
  readonly url: string;
  readonly requests: readonly SsoRequestRecord[];
  /**
   * Assigns the permission set `roleName` in `accountId` to the user: creates its role in the STS emulator
   * (arn:aws:iam::ACCOUNT:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_NAME_HASH) and returns its ARN.
   * `sessionSeconds` is the permission set's session duration; default 3600.
   */
  assign(accountId: string, roleName: string, options?: { sessionSeconds?: number }): string;
  /** Issues an access token as a finished login would (registering a client), to seed a token cache with. */
  issueToken(options?: { scopes?: string[] | null; expiresInSeconds?: number }): IssuedSsoToken;
  /** Revokes an access token (signing out in the portal): the portal then answers UnauthorizedException. */
  revokeToken(accessToken: string): void;
  /** The device authorizations, oldest first. */
  readonly authorizations: readonly PendingAuthorization[];
  /** The user confirms the code in the browser; default the latest pending one. */
  approve(userCode?: string): void;
  /** The user refuses the request; default the latest pending one. */
  deny(userCode?: string): void;
  /** How many requests came for `operation`, or in all. */
  count(operation?: SsoOperation): number;
  fault(spec: SsoFaultSpec): void;
  /** Clears the request log and pending faults. */
  reset(): void;
  close(): Promise<void>;
}

/** An error as the portal or SSO-OIDC answers it. */
class SsoFakeError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

interface Client {
  clientName: string;
  clientId: string;
  clientSecret: string;
  expiresAt: Date;
  scopes: string[] | undefined;
}

interface AccessToken {
  expiresAt: Date;
  revoked: boolean;
}

interface RefreshToken {
  clientId: string;
  used: boolean;
}

interface DeviceCode extends PendingAuthorization {
  clientId: string;
  interval: number;
  lastPollAt: Date | undefined;
}

interface Assignment {
  roleArn: string;
  sessionSeconds: number;
}

/** The scopes Identity Center knows (the fake refuses others with InvalidScopeException). */
const KNOWN_SCOPES = /^(sso:account:access|codewhisperer:[a-z_]+|sso-portal:\*|openid|aws:[a-z_:]+)$/;
const OIDC_PATHS: Record<string, SsoOperation> = {
  '/client/register': 'RegisterClient',
  '/device_authorization': 'StartDeviceAuthorization',
  '/token': 'CreateToken',
};
/** SSO-OIDC's error codes in the body, by exception. */
const OAUTH_ERRORS: Record<string, string> = {
  AuthorizationPendingException: 'authorization_pending',
  SlowDownException: 'slow_down',
  ExpiredTokenException: 'expired_token',
  AccessDeniedException: 'access_denied',
  InvalidGrantException: 'invalid_grant',
  InvalidClientException: 'invalid_client',
  InvalidRequestException: 'invalid_request',
  InvalidScopeException: 'invalid_scope',
  UnsupportedGrantTypeException: 'unsupported_grant_type',
  InternalServerException: 'server_error',
};

function token(prefix: string): string {
  return `${prefix}${randomBytes(48).toString('base64url')}`;
}

function addSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
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

function requireString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw new SsoFakeError(400, 'InvalidRequestException', `${name} is required`);
  return value;
}

/** Starts the fake on 127.0.0.1. Reads no environment variable. */
export async function startSsoFake(options: SsoFakeOptions): Promise<SsoFake> {
  const { emulator } = options;
  const now = options.now ?? (() => emulator.now());
  const requests: SsoRequestRecord[] = [];
  const clients = new Map<string, Client>();
  const accessTokens = new Map<string, AccessToken>();
  const refreshTokens = new Map<string, RefreshToken>();
  const deviceCodes = new Map<string, DeviceCode>();
  const authorizations: DeviceCode[] = [];
  const assignments = new Map<string, Assignment>();
  let faults: { operation: SsoOperation | undefined; kind: SsoFaultKind; remaining: number; delayMs: number }[] = [];

  function registerClient(clientName: string, scopes: string[] | undefined): Client {
    const client: Client = {
      clientName,
      clientId: token('cid-'),
      clientSecret: token('csecret-'),
      expiresAt: addSeconds(now(), options.clientSecretSeconds ?? 90 * 24 * 3600),
      scopes,
    };
    clients.set(client.clientId, client);
    return client;
  }

  function issueAccessToken(client: Client, expiresInSeconds = options.accessTokenSeconds ?? 28800): { accessToken: string; expiresIn: number; refreshToken?: string } {
    const accessToken = token('aoa');
    accessTokens.set(accessToken, { expiresAt: addSeconds(now(), expiresInSeconds), revoked: false });
    // AWS gives a refresh token only to clients registered with scopes (sso-session logins).
    if (client.scopes === undefined) return { accessToken, expiresIn: expiresInSeconds };
    const refreshToken = token('aor');
    refreshTokens.set(refreshToken, { clientId: client.clientId, used: false });
    return { accessToken, expiresIn: expiresInSeconds, refreshToken };
  }

  /** The client named by clientId + clientSecret, unexpired; InvalidClientException otherwise. */
  function authenticateClient(body: Record<string, unknown>): Client {
    const client = clients.get(requireString(body, 'clientId'));
    if (client === undefined || client.clientSecret !== requireString(body, 'clientSecret')) {
      throw new SsoFakeError(401, 'InvalidClientException', 'Invalid client provided');
    }
    if (client.expiresAt.getTime() <= now().getTime()) throw new SsoFakeError(401, 'InvalidClientException', 'Client credentials have expired');
    return client;
  }

  function getRoleCredentials(query: URLSearchParams, bearer: string | undefined): object {
    const session = bearer === undefined ? undefined : accessTokens.get(bearer);
    if (session === undefined || session.revoked || session.expiresAt.getTime() <= now().getTime()) {
      throw new SsoFakeError(401, 'UnauthorizedException', 'Session token not found or invalid');
    }
    const roleName = query.get('role_name');
    const accountId = query.get('account_id');
    if (!roleName || !accountId) throw new SsoFakeError(400, 'InvalidRequestException', 'Invalid request');
    const assignment = assignments.get(`${accountId}/${roleName}`);
    if (assignment === undefined) throw new SsoFakeError(403, 'ForbiddenException', 'No access');
    const issued = emulator.issueRoleCredentials(assignment.roleArn, {
      sessionName: options.userName ?? 'alice@example.com',
      durationSeconds: assignment.sessionSeconds,
    });
    return {
      roleCredentials: {
        accessKeyId: issued.accessKeyId,
        secretAccessKey: issued.secretAccessKey,
        sessionToken: issued.sessionToken,
        expiration: issued.expiration.getTime(),
      },
    };
  }

  function createToken(body: Record<string, unknown>): object {
    const client = authenticateClient(body);
    const grantType = requireString(body, 'grantType');
    if (grantType === 'refresh_token') {
      const refresh = refreshTokens.get(requireString(body, 'refreshToken'));
      if (refresh === undefined || refresh.used || refresh.clientId !== client.clientId) {
        throw new SsoFakeError(400, 'InvalidGrantException', 'Invalid refresh token provided');
      }
      // Refresh tokens rotate: each is good for one refresh.
      refresh.used = true;
      return { ...issueAccessToken(client), tokenType: 'Bearer' };
    }
    if (grantType !== 'urn:ietf:params:oauth:grant-type:device_code') {
      throw new SsoFakeError(400, 'UnsupportedGrantTypeException', `Unsupported grant type: ${grantType}`);
    }
    const device = deviceCodes.get(requireString(body, 'deviceCode'));
    if (device === undefined || device.clientId !== client.clientId || device.state === 'used') {
      throw new SsoFakeError(400, 'InvalidGrantException', 'Invalid grant provided');
    }
    const at = now();
    if (device.expiresAt.getTime() <= at.getTime()) throw new SsoFakeError(400, 'ExpiredTokenException', 'Device code has expired');
    // RFC 8628 3.5: polling faster than the interval earns a slow_down, and 5 s more on the interval.
    if (device.lastPollAt !== undefined && at.getTime() - device.lastPollAt.getTime() < device.interval * 1000) {
      device.lastPollAt = at;
      device.interval += 5;
      throw new SsoFakeError(400, 'SlowDownException', 'Client is polling too quickly');
    }
    device.lastPollAt = at;
    if (device.state === 'denied') throw new SsoFakeError(400, 'AccessDeniedException', 'Authorization was denied');
    if (device.state === 'pending') throw new SsoFakeError(400, 'AuthorizationPendingException', 'Authorization is still pending');
    device.state = 'used';
    return { ...issueAccessToken(client), tokenType: 'Bearer' };
  }

  function oidc(operation: SsoOperation, body: Record<string, unknown>, baseUrl: string): object {
    switch (operation) {
      case 'RegisterClient': {
        const clientName = requireString(body, 'clientName');
        if (requireString(body, 'clientType') !== 'public') throw new SsoFakeError(400, 'InvalidClientMetadataException', 'Invalid client type');
        const { scopes } = body;
        if (scopes !== undefined && (!Array.isArray(scopes) || !scopes.every((s) => typeof s === 'string' && KNOWN_SCOPES.test(s)))) {
          throw new SsoFakeError(400, 'InvalidScopeException', 'Invalid scopes provided');
        }
        const client = registerClient(clientName, scopes as string[] | undefined);
        return {
          clientId: client.clientId,
          clientSecret: client.clientSecret,
          clientIdIssuedAt: Math.floor(now().getTime() / 1000),
          clientSecretExpiresAt: Math.floor(client.expiresAt.getTime() / 1000),
        };
      }
      case 'StartDeviceAuthorization': {
        const client = authenticateClient(body);
        const startUrl = requireString(body, 'startUrl');
        const deviceCode = token('dc-');
        const userCode = `${randomBytes(2).toString('hex')}-${randomBytes(2).toString('hex')}`.toUpperCase();
        const seconds = options.deviceCodeSeconds ?? 600;
        const device: DeviceCode = {
          userCode,
          startUrl,
          expiresAt: addSeconds(now(), seconds),
          state: 'pending',
          clientId: client.clientId,
          interval: options.intervalSeconds ?? 1,
          lastPollAt: undefined,
        };
        deviceCodes.set(deviceCode, device);
        authorizations.push(device);
        return {
          deviceCode,
          userCode,
          verificationUri: `${baseUrl}/device`,
          verificationUriComplete: `${baseUrl}/device?user_code=${userCode}`,
          expiresIn: seconds,
          interval: device.interval,
        };
      }
      case 'CreateToken':
        return createToken(body);
      default:
        throw new Error(`unreachable: ${operation}`);
    }
  }

  function takeFault(operation: SsoOperation | ''): SsoFaultSpec | undefined {
    const fault = faults.find((f) => f.operation === undefined || f.operation === operation);
    if (fault === undefined) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) faults = faults.filter((f) => f !== fault);
    return fault;
  }

  function faultError(kind: SsoFaultKind, portal: boolean): SsoFakeError | undefined {
    switch (kind) {
      case 'server-error':
        return portal ? new SsoFakeError(500, 'InternalServerException', 'Internal server error') : new SsoFakeError(500, 'InternalServerException', 'An internal error occurred');
      case 'throttle':
        return new SsoFakeError(429, 'TooManyRequestsException', 'Rate exceeded');
      case 'slow-down':
        return new SsoFakeError(400, 'SlowDownException', 'Client is polling too quickly');
      default:
        return undefined;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, baseUrl: string): Promise<void> {
    const text = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const portal = url.pathname === '/federation/credentials';
    const operation: SsoOperation | '' = portal ? 'GetRoleCredentials' : (OIDC_PATHS[url.pathname] ?? '');
    const bearer = req.headers['x-amz-sso_bearer_token'];
    const entry: SsoRequestRecord = {
      time: now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      operation,
      hasBearerToken: typeof bearer === 'string',
      params: portal ? Object.fromEntries(url.searchParams) : {},
      status: 0,
    };
    requests.push(entry);
    const requestId = randomUUID();
    const send = (status: number, body: string, headers: Record<string, string> = {}): void => {
      entry.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': requestId, ...headers });
      res.end(body);
    };
    const sendError = (error: SsoFakeError): void => {
      entry.errorType = error.errorType;
      if (portal) {
        // The portal's form: the type with a namespace after a colon, the message in the body.
        send(error.status, JSON.stringify({ message: error.message }), { 'x-amzn-ErrorType': `${error.errorType}:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/` });
      } else {
        send(error.status, JSON.stringify({ error: OAUTH_ERRORS[error.errorType] ?? 'invalid_request', error_description: error.message }), { 'x-amzn-ErrorType': error.errorType });
      }
    };

    const fault = takeFault(operation);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'malformed') {
      send(200, '{"roleCredentials":{"accessKeyId":"ASIA');
      return;
    }
    const injected = fault && faultError(fault.kind, portal);
    if (injected) {
      sendError(injected);
      return;
    }
    if (fault?.kind === 'slow') await server.delay(fault.delayMs ?? 1000);

    try {
      if (operation === '') throw new SsoFakeError(404, 'UnknownOperationException', `No operation at ${req.method ?? ''} ${url.pathname}`);
      if (req.method !== (portal ? 'GET' : 'POST')) throw new SsoFakeError(405, 'UnknownOperationException', `${req.method ?? ''} is not allowed on ${url.pathname}`);
      if (portal) {
        send(200, JSON.stringify(getRoleCredentials(url.searchParams, typeof bearer === 'string' ? bearer : undefined)));
        return;
      }
      let body: unknown;
      try {
        body = JSON.parse(text === '' ? '{}' : text);
      } catch {
        throw new SsoFakeError(400, 'InvalidRequestException', 'Invalid JSON body');
      }
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SsoFakeError(400, 'InvalidRequestException', 'Invalid JSON body');
      entry.params = { ...(body as Record<string, unknown>) };
      send(200, JSON.stringify(oidc(operation, body as Record<string, unknown>, baseUrl)));
    } catch (error) {
      sendError(error instanceof SsoFakeError ? error : new SsoFakeError(500, 'InternalServerException', `The fake failed: ${String(error)}`));
    }
  }

  const server = await startLocalServer((req, res) => handle(req, res, server.url), options.port);

  const pick = (userCode: string | undefined): DeviceCode => {
    const device = userCode === undefined ? authorizations.filter((a) => a.state === 'pending').at(-1) : authorizations.find((a) => a.userCode === userCode);
    if (device === undefined) throw new Error(`no pending device authorization${userCode === undefined ? '' : ` with code ${userCode}`}`);
    return device;
  };

  return {
    url: server.url,
    requests,
    assign(accountId, roleName, assignment = {}) {
      const hash = createHash('sha1').update(`${accountId}/${roleName}`).digest('hex').slice(0, 16);
      const roleArn = `arn:aws:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_${roleName}_${hash}`;
      emulator.addRole({ arn: roleArn, trust: [], maxSessionDuration: 43200 });
      assignments.set(`${accountId}/${roleName}`, { roleArn, sessionSeconds: assignment.sessionSeconds ?? 3600 });
      return roleArn;
    },
    issueToken(issue = {}) {
      const scopes = issue.scopes === null ? undefined : (issue.scopes ?? ['sso:account:access']);
      const client = registerClient('test', scopes);
      const issued = issueAccessToken(client, issue.expiresInSeconds);
      return {
        accessToken: issued.accessToken,
        expiresAt: addSeconds(now(), issued.expiresIn),
        ...(issued.refreshToken === undefined ? {} : { refreshToken: issued.refreshToken }),
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        clientSecretExpiresAt: client.expiresAt,
        ...(scopes === undefined ? {} : { scopes }),
      };
    },
    revokeToken(accessToken) {
      const session = accessTokens.get(accessToken);
      if (session === undefined) throw new Error('revokeToken: unknown access token');
      session.revoked = true;
    },
    authorizations,
    approve(userCode) {
      pick(userCode).state = 'approved';
    },
    deny(userCode) {
      pick(userCode).state = 'denied';
    },
    count: (operation) => (operation === undefined ? requests.length : requests.filter((r) => r.operation === operation).length),
    fault(spec) {
      faults.push({ operation: spec.operation, kind: spec.kind, remaining: spec.times ?? 1, delayMs: spec.delayMs ?? 1000 });
    },
    reset() {
      requests.length = 0;
      faults = [];
    },
    close: () => server.close(),
  };
}
