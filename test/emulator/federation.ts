import { randomBytes } from 'node:crypto';
import type { FaultKind } from './emulator.js';
import type { IdentityStore } from './identity.js';
import { recordIssuedSecrets } from './issuedSecrets.js';

/** Where the federation endpoint is served, beside STS on the emulator's port. */
export const FEDERATION_PATH = '/federation';

/** How long a SigninToken can be used, as AWS documents: 15 minutes. */
const SIGNIN_TOKEN_SECONDS = 900;

/** One request to the federation endpoint as the emulator saw it. Never holds the Session parameter or a token. */
export interface FederationRecord {
  time: Date;
  method: string;
  /** The Action parameter ('' when absent). */
  action: string;
  status: number;
  /** Why it was refused, in the emulator's words. */
  error?: string;
  /** getSigninToken: the access key of the session; login: that of the session the token was issued for. */
  accessKeyId?: string;
  /** login: the Issuer and Destination parameters. */
  issuer?: string;
  destination?: string;
  /** Whether a SessionDuration parameter came with getSigninToken. */
  sessionDuration?: string;
  fault?: FaultKind;
}

/** An HTTP answer. */
export interface FederationAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

interface IssuedToken {
  accessKeyId: string;
  expiresAt: Date;
  used: boolean;
}

function errorPage(status: number, message: string): FederationAnswer {
  // AWS answers a refused request with an HTML page; the page here never repeats a parameter.
  const body = `<!DOCTYPE html><html><head><title>Amazon Web Services Sign-In</title></head><body><h1>${status === 400 ? 'Bad Request' : 'Error'}</h1><p>${message}</p></body></html>`;
  return { status, headers: { 'Content-Type': 'text/html;charset=UTF-8' }, body };
}

/**
 * The AWS sign-in federation endpoint (`https://signin.aws.amazon.com/federation`), as AWS
 * documents it for custom identity brokers:
 * - `GET ?Action=getSigninToken&Session=<JSON {sessionId, sessionKey, sessionToken}>`: the
 *   session must be temporary credentials the emulator issued (long-term keys and
 *   GetSessionToken sessions are refused, as AWS refuses them), with the right secret and
 *   token, unexpired; answers `{"SigninToken":"..."}`, a token good for one login within 15
 *   minutes. `SessionDuration` is checked to be 900..43200 (assume does not send it).
 * - `GET ?Action=login&Issuer=...&Destination=<https URL>&SigninToken=...`: a 302 to the
 *   Destination for a token it issued, unused and unexpired; else an error page.
 * Refusals are HTTP 400 pages that never repeat the Session or the token.
 */
export class FederationEndpoint {
  readonly requests: FederationRecord[] = [];
  private readonly tokens = new Map<string, IssuedToken>();

  constructor(
    private readonly store: IdentityStore,
    private readonly now: () => Date,
  ) {}

  /** Answers one request; `fault` is a fault injected into it (drop and slow are the server's to carry out). */
  handle(method: string, url: URL, fault?: FaultKind): FederationAnswer {
    const action = url.searchParams.get('Action') ?? '';
    const record: FederationRecord = { time: this.now(), method, action, status: 0, ...(fault === undefined ? {} : { fault }) };
    this.requests.push(record);
    const answer = this.answer(method, action, url.searchParams, record, fault);
    record.status = answer.status;
    return answer;
  }

  private answer(method: string, action: string, params: URLSearchParams, record: FederationRecord, fault: FaultKind | undefined): FederationAnswer {
    const refuse = (message: string, status = 400): FederationAnswer => {
      record.error = message;
      return errorPage(status, message);
    };
    switch (fault) {
      case 'throttle':
        return refuse('Rate exceeded', 429);
      case 'server-error':
        return refuse('Internal error', 500);
      case 'unavailable':
        return refuse('Service unavailable', 503);
      case 'malformed':
        return { status: 200, headers: { 'Content-Type': 'application/json' }, body: '{"SigninToken":' };
      default:
        break;
    }
    if (method !== 'GET') return refuse(`Method ${method} is not supported`, 405);
    if (action === 'getSigninToken') return this.getSigninToken(params, record, refuse);
    if (action === 'login') return this.login(params, record, refuse);
    return refuse('Invalid Action parameter');
  }

  private getSigninToken(params: URLSearchParams, record: FederationRecord, refuse: (message: string) => FederationAnswer): FederationAnswer {
    const duration = params.get('SessionDuration');
    if (duration !== null) {
      record.sessionDuration = duration;
      if (!/^\d+$/.test(duration) || Number(duration) < 900 || Number(duration) > 43200) return refuse('Invalid SessionDuration parameter');
    }
    const text = params.get('Session');
    if (text === null) return refuse('Missing Session parameter');
    let session: unknown;
    try {
      session = JSON.parse(text);
    } catch {
      return refuse('Invalid Credentials Parameter. The request sent by the client was syntactically incorrect.');
    }
    const { sessionId, sessionKey, sessionToken } = (typeof session === 'object' && session !== null ? session : {}) as Record<string, unknown>;
    if (typeof sessionId !== 'string' || typeof sessionKey !== 'string') {
      return refuse('Invalid Credentials Parameter. The request sent by the client was syntactically incorrect.');
    }
    record.accessKeyId = sessionId;
    const key = this.store.lookupKey(sessionId);
    if (key === undefined) return refuse('The security token included in the request is invalid.');
    if (key.kind === 'user') return refuse('Long-term credentials cannot be used to sign in to the console: use temporary credentials from AssumeRole or GetFederationToken.');
    if (key.session.kind === 'user-session') return refuse('Credentials from GetSessionToken cannot be used to sign in to the console.');
    if (sessionKey !== key.secretAccessKey) return refuse('The security token included in the request is invalid.');
    if (sessionToken !== key.session.sessionToken) return refuse('The security token included in the request is invalid.');
    if (this.now().getTime() >= key.session.expiresAt.getTime()) return refuse('The security token included in the request is expired.');
    const token = randomBytes(240).toString('base64url');
    recordIssuedSecrets(token);
    this.tokens.set(token, { accessKeyId: sessionId, expiresAt: new Date(this.now().getTime() + SIGNIN_TOKEN_SECONDS * 1000), used: false });
    return { status: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ SigninToken: token }) };
  }

  private login(params: URLSearchParams, record: FederationRecord, refuse: (message: string) => FederationAnswer): FederationAnswer {
    const destination = params.get('Destination');
    const issuer = params.get('Issuer');
    if (issuer !== null) record.issuer = issuer;
    if (destination !== null) record.destination = destination;
    const token = params.get('SigninToken');
    const issued = token === null ? undefined : this.tokens.get(token);
    if (issued === undefined) return refuse('The sign-in token is not valid.');
    record.accessKeyId = issued.accessKeyId;
    if (issued.used) return refuse('The sign-in token has already been used.');
    if (this.now().getTime() >= issued.expiresAt.getTime()) return refuse('The sign-in token has expired.');
    if (destination === null || !/^https:\/\/[^/?#]+/.test(destination)) return refuse('Invalid Destination parameter');
    issued.used = true;
    return { status: 302, headers: { Location: destination, 'Content-Type': 'text/html;charset=UTF-8' }, body: '' };
  }
}
