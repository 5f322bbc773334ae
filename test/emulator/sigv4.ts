import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { StsError } from './sts-error.js';
import type { IdentityStore, KeyRecord } from './identity.js';

/** A request as it arrived, with what SigV4 covers. */
export interface SignedRequest {
  method: string;
  /** The path as sent, e.g. '/'. */
  path: string;
  /** Decoded query parameters; repeated names give arrays. */
  query: Record<string, string | string[]>;
  /** Lower-case header names; repeated headers joined with ',' as SigV4 canonicalizes them. */
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
}

/** The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header. */
export interface AuthorizationParts {
  accessKeyId: string;
  /** The credential scope: DATE/REGION/SERVICE/TERMINATOR, as sent. */
  scope: string[];
  signedHeaders: string[];
  signature: string;
}

type Hmac = ReturnType<typeof createHmac>;

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 'sts';
const MAX_SKEW_MS = 5 * 60 * 1000;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';

/** SHA-256 (and HMAC-SHA-256 when given a key) from node:crypto, in the shape the smithy signer takes. */
export class NodeSha256 {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.create();
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBinary(data));
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  reset(): void {
    this.hash = this.create();
  }

  private create(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', toBinary(this.secret));
  }
}

function toBinary(data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The access key and region a request claims, read leniently for the request log (never throws). */
export function readCredentialScope(authorization: string | undefined): { accessKeyId?: string; region?: string } {
  const credential = /Credential=([^,\s]*)/.exec(authorization ?? '')?.[1];
  if (credential === undefined) return {};
  const parts = credential.split('/');
  return { accessKeyId: parts[0], region: parts.length === 5 ? parts[2] : undefined };
}

/** Parses the Authorization header; a missing part is IncompleteSignature with AWS's wording. */
export function parseAuthorization(authorization: string): AuthorizationParts {
  const space = authorization.indexOf(' ');
  const algorithm = space === -1 ? authorization : authorization.slice(0, space);
  if (algorithm !== ALGORITHM) {
    throw new StsError(403, 'IncompleteSignature', `Unsupported AWS 'algorithm': '${algorithm}'`);
  }
  const fields = new Map<string, string>();
  for (const field of authorization.slice(space + 1).split(',')) {
    const eq = field.indexOf('=');
    if (eq > 0) fields.set(field.slice(0, eq).trim(), field.slice(eq + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  const missing = [
    credential === undefined ? "Authorization header requires 'Credential' parameter." : '',
    signature === undefined ? "Authorization header requires 'Signature' parameter." : '',
    signedHeaders === undefined ? "Authorization header requires 'SignedHeaders' parameter." : '',
  ].filter(Boolean);
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    throw new StsError(403, 'IncompleteSignature', `${missing.join(' ')} Authorization=${authorization}`);
  }
  const [accessKeyId = '', ...scope] = credential.split('/');
  if (scope.length !== 4) {
    throw new StsError(
      403,
      'IncompleteSignature',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  return { accessKeyId, scope, signedHeaders: signedHeaders.split(';'), signature };
}

/** Parses X-Amz-Date (ISO 8601 basic format, UTC). */
export function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [, year, month, day, hour, minute, second] = m.map(Number);
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** Formats a time the way SigV4 and AWS's messages do: 20260102T030405Z. */
export function formatAmzDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

/** Refuses a request time more than 5 minutes from the server clock, with the message AWS gives. */
export function checkRequestTime(requestTime: Date, now: Date): void {
  const skew = requestTime.getTime() - now.getTime();
  if (skew < -MAX_SKEW_MS) {
    const limit = new Date(now.getTime() - MAX_SKEW_MS);
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      `Signature expired: ${formatAmzDate(requestTime)} is now earlier than ${formatAmzDate(limit)} (${formatAmzDate(now)} - 5 min.)`,
    );
  }
  if (skew > MAX_SKEW_MS) {
    const limit = new Date(now.getTime() + MAX_SKEW_MS);
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      `Signature not yet current: ${formatAmzDate(requestTime)} is still later than ${formatAmzDate(limit)} (${formatAmzDate(now)} + 5 min.)`,
    );
  }
}

/**
 * Recomputes the signature with the real signer from @smithy/signature-v4: the request rebuilt with exactly the
 * headers the client signed (so user-agent counts when it was signed, and nothing counts that was not), the body,
 * path and query, the signing time from X-Amz-Date and the region and service from the scope.
 */
export async function computeSignature(
  request: SignedRequest,
  auth: AuthorizationParts,
  signingDate: Date,
  credentials: { secretAccessKey: string; sessionToken?: string },
): Promise<string> {
  const signed = new Set(auth.signedHeaders);
  const headers: Record<string, string> = {};
  for (const name of signed) {
    const value = request.headers[name];
    if (value !== undefined) headers[name] = value;
  }
  const [, region = '', service = ''] = auth.scope;
  const signer = new SignatureV4({
    service,
    region,
    // The signer adds X-Amz-Security-Token itself; give it the token only when the client signed that header.
    credentials: {
      accessKeyId: auth.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: signed.has('x-amz-security-token') ? credentials.sessionToken : undefined,
    },
    sha256: NodeSha256,
    // STS requests carry no X-Amz-Content-Sha256 unless the client sent (and then signed) one.
    applyChecksum: false,
  });
  const result = await signer.sign(
    new HttpRequest({ method: request.method, path: request.path, query: request.query, headers, body: request.body }),
    { signingDate, signableHeaders: signed, signingRegion: region, signingService: service },
  );
  const authorization = result.headers.authorization ?? '';
  return /Signature=([0-9a-f]+)$/.exec(authorization)?.[1] ?? '';
}

function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Authenticates a request as STS does and returns the record of the key that signed it. Throws StsError:
 * MissingAuthenticationToken, IncompleteSignature, SignatureDoesNotMatch (bad signature, clock skew, scope),
 * InvalidClientTokenId (unknown key, missing or wrong session token), ExpiredToken (session past its expiry).
 */
export async function authenticate(request: SignedRequest, now: Date, store: IdentityStore): Promise<KeyRecord> {
  const authorization = request.headers.authorization;
  if (authorization === undefined) {
    throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  }
  const auth = parseAuthorization(authorization);
  const amzDate = request.headers['x-amz-date'];
  if (amzDate === undefined) {
    throw new StsError(
      403,
      'IncompleteSignature',
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${authorization}`,
    );
  }
  const signingDate = parseAmzDate(amzDate);
  if (!signingDate) {
    throw new StsError(
      403,
      'IncompleteSignature',
      `Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  checkRequestTime(signingDate, now);

  const [scopeDate = '', , service = '', terminator = ''] = auth.scope;
  if (scopeDate !== amzDate.slice(0, 8)) {
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (service !== SERVICE) {
    throw new StsError(403, 'SignatureDoesNotMatch', `Credential should be scoped to correct service: '${SERVICE}'. `);
  }
  if (terminator !== 'aws4_request') {
    throw new StsError(
      403,
      'SignatureDoesNotMatch',
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `,
    );
  }

  const record = store.lookupKey(auth.accessKeyId);
  if (!record) throw new StsError(403, 'InvalidClientTokenId', INVALID_TOKEN);
  const token = request.headers['x-amz-security-token'];
  const expectedToken = record.kind === 'session' ? record.session.sessionToken : undefined;
  if (token !== expectedToken) throw new StsError(403, 'InvalidClientTokenId', INVALID_TOKEN);

  const signature = await computeSignature(request, auth, signingDate, {
    secretAccessKey: record.secretAccessKey,
    sessionToken: expectedToken,
  });
  if (!sameSignature(signature, auth.signature)) {
    throw new StsError(403, 'SignatureDoesNotMatch', SIGNATURE_MISMATCH);
  }
  if (record.kind === 'session' && record.session.expiresAt.getTime() <= now.getTime()) {
    throw new StsError(400, 'ExpiredToken', 'The security token included in the request is expired');
  }
  return record;
}
