import { generateKeyPairSync, randomBytes, randomInt, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { recordIssuedSecrets } from './issuedSecrets.js';
import { StsError, notAuthorized, validationError } from './sts-error.js';
import { LIST_MAX, SHAPES, checkInteger, checkListLength, checkString } from './validate.js';
import type { ConstraintViolation } from './sts-error.js';

/** A user to create; keys are generated when not given. */
export interface UserSpec {
  name: string;
  /** Default '111111111111'. */
  accountId?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** A virtual MFA device; `code` is the one code it accepts. `serial` defaults to arn:aws:iam::ACCT:mfa/NAME. */
  mfa?: { serial?: string; code: string };
}

/** What a test needs to sign as a user. */
export interface UserKeys {
  accessKeyId: string;
  secretAccessKey: string;
  arn: string;
}

/** A role to create. */
export interface RoleSpec {
  arn: string;
  /** Principals allowed to assume the role: a user ARN, a role ARN (any of its sessions), 'arn:aws:iam::ACCT:root', or '*'. */
  trust: string[];
  /** When set, AssumeRole must pass exactly this ExternalId. */
  externalId?: string;
  /** When true, the caller must present MFA (a code, or a session that carries MFA context). */
  requireMfa?: boolean;
  /** Seconds, 3600..43200; default 3600, as IAM does. */
  maxSessionDuration?: number;
  /** Whether the trust policy allows sts:TagSession (needed to pass Tags or TransitiveTagKeys); default false, as in IAM. */
  allowTagSession?: boolean;
  /**
   * Whether the trust policy allows sts:SetSourceIdentity (needed to pass a SourceIdentity, or to carry on one the
   * calling session has); default false, as in IAM.
   */
  allowSetSourceIdentity?: boolean;
  /**
   * OIDC identities allowed to call sts:AssumeRoleWithWebIdentity: the token's `iss` (the account's OIDC provider),
   * and when given its `aud` and its `sub` (`*` matches any run of characters, as StringLike does).
   * Every issuer named by a role of an account is an OIDC provider of that account; its audiences are its client IDs.
   */
  trustWebIdentity?: WebIdentityTrust[];
}

/** One statement of a role's trust policy for sts:AssumeRoleWithWebIdentity. */
export interface WebIdentityTrust {
  /** The token's `iss`, e.g. 'https://token.actions.githubusercontent.com'. */
  issuer: string;
  /** The token's `aud` must be this (the `ISSUER:aud` condition); absent: any client ID of the provider. */
  audience?: string;
  /** The token's `sub` must match this (the `ISSUER:sub` condition); absent: any. */
  subject?: string;
}

/** The claims of a web identity token to issue. */
export interface WebIdentityTokenSpec {
  issuer: string;
  subject: string;
  audience: string;
  /** Seconds from the emulator's now until `exp`; default 3600. Negative gives an expired token. */
  expiresInSeconds?: number;
}

/** One session tag, as passed in Tags.member.N. */
export interface SessionTag {
  key: string;
  value: string;
}

/** What STS keeps on a role session besides its keys: what later calls and tests can see of it. */
export interface SessionInfo {
  /** arn:aws:sts::ACCT:assumed-role/ROLE/SESSION */
  arn: string;
  /** The session's tags: those inherited as transitive from the calling session first, then those passed. */
  tags: SessionTag[];
  /** Keys of `tags` that pass on to the sessions this one assumes. */
  transitiveTagKeys: string[];
  sourceIdentity: string | undefined;
  /** The inline session policy, as sent. */
  policy: string | undefined;
  policyArns: string[];
  /** For a session from AssumeRoleWithWebIdentity: the token's issuer and subject. */
  webIdentity?: { issuer: string; subject: string; audience: string };
}

/** The three values of a set of credentials. */
export interface SessionKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** What the emulator is about to issue credentials for; passed to a credential factory. */
export interface IssueContext {
  action: 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'GetSessionToken';
  accountId: string;
  /** The assumed role (AssumeRole only). */
  roleArn?: string;
  roleSessionName?: string;
}

/** Chooses some or all of the values of the next issued credentials; missing ones are generated. */
export type CredentialFactory = (context: IssueContext) => Partial<SessionKeys>;

/** Credentials as STS returns them. */
export interface IssuedCredentials extends SessionKeys {
  expiration: Date;
}

interface User {
  name: string;
  accountId: string;
  arn: string;
  userId: string;
  accessKeyId: string;
  secretAccessKey: string;
  mfa: { serial: string; code: string } | undefined;
}

interface Role {
  arn: string;
  name: string;
  accountId: string;
  roleId: string;
  trust: string[];
  externalId: string | undefined;
  requireMfa: boolean;
  maxSessionDuration: number;
  allowTagSession: boolean;
  allowSetSourceIdentity: boolean;
  trustWebIdentity: WebIdentityTrust[];
}

interface SessionBase extends SessionKeys {
  expiresAt: Date;
  /** aws:MultiFactorAuthPresent, kept by AWS on GetSessionToken sessions and on role sessions assumed with MFA. */
  mfa: boolean;
}

/** Credentials issued by AssumeRole. */
interface RoleSession extends SessionBase {
  kind: 'role-session';
  role: Role;
  sessionName: string;
  attributes: SessionAttributes;
}

/** The session parameters of AssumeRole kept on a role session. */
type SessionAttributes = Omit<SessionInfo, 'arn'>;

const NO_ATTRIBUTES: SessionAttributes = { tags: [], transitiveTagKeys: [], sourceIdentity: undefined, policy: undefined, policyArns: [] };

/** The session parameters of a request, read from its Query members. */
interface SessionRequest {
  tags: { key: string | undefined; value: string | undefined }[];
  transitiveTagKeys: (string | undefined)[];
  sourceIdentity: string | undefined;
  policy: string | undefined;
  policyArns: (string | undefined)[];
}

/** Credentials issued by GetSessionToken: they act as the user. */
interface UserSession extends SessionBase {
  kind: 'user-session';
  user: User;
}

type Session = RoleSession | UserSession;

/** The principal a request was signed by. */
export type Caller =
  | { kind: 'user'; user: User }
  | { kind: 'user-session'; user: User; session: UserSession }
  | { kind: 'role-session'; role: Role; session: RoleSession };

/** What the store knows about an access key: its secret, and for session keys the token and expiry. */
export type KeyRecord =
  | { kind: 'user'; secretAccessKey: string; user: User }
  | { kind: 'session'; secretAccessKey: string; session: Session };

/** The Query parameters of a request, by name. */
export type Params = Readonly<Record<string, string | undefined>>;

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso(?:-[a-z])?):iam::(\d{12}):role\/(?:[\u0021-\u007e]+\/)?([\w+=,.@-]{1,64})$/;
const USER_NAME = /^[\w+=,.@-]{1,64}$/;
const ACCOUNT_ID = /^\d{12}$/;
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DEFAULT_ACCOUNT = '111111111111';
const DEFAULT_ROLE_DURATION = 3600;
const DEFAULT_SESSION_TOKEN_DURATION = 43200;
const ROLE_CHAINING_LIMIT = 3600;
const POLICY_ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso(?:-[a-z])?):iam::(\d{12}|aws):policy\/(?:[\u0021-\u007e]+\/)?[\w+=,.@-]{1,128}$/;
const WEB_IDENTITY_DENIED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';
// AWS's wording for a token that is not a JWT or whose signature does not verify is a best guess.
const TOKEN_NOT_VALID = 'The web identity token provided could not be validated.';

function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet.charAt(randomInt(alphabet.length));
  return out;
}

/** An AWS-shaped unique id or key id: a 4-letter prefix (AKIA, ASIA, AIDA, AROA) and [A-Z0-9]. */
function makeId(prefix: string, length: number): string {
  return prefix + randomString(ALPHANUMERIC, length);
}

/** STS time: whole seconds, so the stored expiry is the one the client reads. */
function addSeconds(now: Date, seconds: number): Date {
  return new Date(Math.floor(now.getTime() / 1000) * 1000 + seconds * 1000);
}

/** The ARN a caller is known by in policies and error messages. */
export function callerArn(caller: Caller): string {
  if (caller.kind === 'role-session') {
    return assumedRoleArn(caller.role, caller.session.sessionName);
  }
  return caller.user.arn;
}

function assumedRoleArn(role: Role, sessionName: string): string {
  const partition = role.arn.split(':')[1] ?? 'aws';
  return `arn:${partition}:sts::${role.accountId}:assumed-role/${role.name}/${sessionName}`;
}

function callerAccount(caller: Caller): string {
  return caller.kind === 'role-session' ? caller.role.accountId : caller.user.accountId;
}

function callerHasMfa(caller: Caller): boolean {
  return caller.kind === 'user' ? false : caller.session.mfa;
}

/** The indices N of a Query list member (`NAME.member.N` or `NAME.member.N.FIELD`), in numeric order. */
function memberIndices(params: Params, name: string): number[] {
  const pattern = new RegExp(`^${name}\\.member\\.(\\d+)(?:\\.|$)`);
  const indices = new Set<number>();
  for (const key of Object.keys(params)) {
    const index = pattern.exec(key)?.[1];
    if (index !== undefined) indices.add(Number(index));
  }
  return [...indices].sort((a, b) => a - b);
}

/** A Query list of strings (`NAME.member.N`) or of one field of structures (`NAME.member.N.FIELD`). */
function readList(params: Params, name: string, field?: string): (string | undefined)[] {
  return memberIndices(params, name).map((n) => params[`${name}.member.${n}${field === undefined ? '' : `.${field}`}`]);
}

/** The session parameters of AssumeRole / AssumeRoleWithWebIdentity as sent. */
function readSessionRequest(params: Params): SessionRequest {
  return {
    tags: memberIndices(params, 'Tags').map((n) => ({ key: params[`Tags.member.${n}.Key`], value: params[`Tags.member.${n}.Value`] })),
    transitiveTagKeys: readList(params, 'TransitiveTagKeys'),
    sourceIdentity: params.SourceIdentity,
    policy: params.Policy,
    policyArns: readList(params, 'PolicyArns', 'arn'),
  };
}

/** The member constraints of the session parameters, as AWS's validation layer reports them (members named as AWS names them). */
function sessionViolations(request: SessionRequest): (ConstraintViolation | undefined)[] {
  return [
    checkListLength('tags', request.tags.length, LIST_MAX.tags),
    ...request.tags.flatMap((tag, i) => [
      checkString(`tags.${i + 1}.member.key`, tag.key, SHAPES.tagKey),
      checkString(`tags.${i + 1}.member.value`, tag.value, SHAPES.tagValue),
    ]),
    checkListLength('transitiveTagKeys', request.transitiveTagKeys.length, LIST_MAX.transitiveTagKeys),
    ...request.transitiveTagKeys.map((key, i) => checkString(`transitiveTagKeys.${i + 1}.member`, key, SHAPES.tagKey)),
    checkString('sourceIdentity', request.sourceIdentity, SHAPES.sourceIdentity),
    checkString('policy', request.policy, SHAPES.policy),
    checkListLength('policyArns', request.policyArns.length, LIST_MAX.policyArns),
    ...request.policyArns.map((arn, i) => checkString(`policyArns.${i + 1}.member.arn`, arn, SHAPES.policyArn)),
  ];
}

/**
 * The checks of the session policies past member constraints: every policy ARN is a managed policy ARN, and the
 * inline policy is a JSON object. AWS's wording for a bad policy ARN is a best guess.
 */
function checkSessionPolicies(request: SessionRequest): void {
  for (const arn of request.policyArns) {
    if (arn !== undefined && !POLICY_ARN.test(arn)) throw new StsError(400, 'ValidationError', `Invalid ARN: ${arn} is not a managed policy ARN`);
  }
  if (request.policy !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(request.policy);
    } catch {
      parsed = undefined;
    }
    // IAM's MalformedPolicyDocument wording for a document that is not JSON (best guess for STS).
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new StsError(400, 'MalformedPolicyDocument', 'The policy is not in the valid JSON format.');
    }
  }
}

/**
 * The checks of session tags past member constraints: tag keys unique ignoring case, every transitive key one of
 * the tags. The messages are those AWS gives as reported by users and other emulators. (A source identity in AWS's
 * reserved `aws:` prefix needs no check of its own: its pattern has no ':'.)
 */
function checkSessionTags(request: SessionRequest): void {
  const keys = new Set<string>();
  for (const tag of request.tags) {
    const key = (tag.key ?? '').toLowerCase();
    if (keys.has(key)) {
      throw new StsError(400, 'InvalidParameterValue', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    }
    keys.add(key);
  }
  if (request.transitiveTagKeys.some((key) => !keys.has((key ?? '').toLowerCase()))) {
    throw new StsError(400, 'InvalidParameterValue', 'The specified transitive tag key must be included in the requested tags.');
  }
}

/** The session parameters of a request, once checked: the strings the members held. */
function sessionAttributes(request: SessionRequest): SessionAttributes {
  return {
    tags: request.tags.map((tag) => ({ key: tag.key ?? '', value: tag.value ?? '' })),
    transitiveTagKeys: request.transitiveTagKeys.map((key) => key ?? ''),
    sourceIdentity: request.sourceIdentity,
    policy: request.policy,
    policyArns: request.policyArns.map((arn) => arn ?? ''),
  };
}

/** The attributes of a role session assumed by `caller`: its transitive tags and source identity carry on (role chaining). */
function chainAttributes(caller: Caller, request: SessionAttributes, callerName: string, roleArn: string): SessionAttributes {
  if (caller.kind !== 'role-session') return request;
  const inherited = caller.session.attributes;
  const transitive = new Set(inherited.transitiveTagKeys.map((key) => key.toLowerCase()));
  if (request.tags.some((tag) => transitive.has(tag.key.toLowerCase()))) {
    throw new StsError(
      400,
      'InvalidParameterValue',
      "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
    );
  }
  if (inherited.sourceIdentity !== undefined && request.sourceIdentity !== undefined && request.sourceIdentity !== inherited.sourceIdentity) {
    // AWS refuses to change the source identity along a chain; its exact wording here is a best guess.
    throw new StsError(
      403,
      'AccessDenied',
      `User: ${callerName} is not authorized to perform: sts:SetSourceIdentity on resource: ${roleArn}: the source identity of the calling session cannot be changed`,
    );
  }
  return {
    ...request,
    tags: [...inherited.tags.filter((tag) => transitive.has(tag.key.toLowerCase())), ...request.tags],
    transitiveTagKeys: [...inherited.transitiveTagKeys, ...request.transitiveTagKeys],
    sourceIdentity: request.sourceIdentity ?? inherited.sourceIdentity,
  };
}

/** `value` matched against a StringLike pattern: `*` is any run of characters, `?` any one. */
function stringLike(pattern: string, value: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(value);
}

/** An issuer URL as IAM names its OIDC provider: without https:// and a trailing slash. */
function providerHost(issuer: string): string {
  return issuer.replace(/^https:\/\//, '').replace(/\/$/, '');
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

/** The verified claims of a web identity token. */
interface TokenClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
}

/** The header and claims of a JWT, unverified; InvalidIdentityToken when it is not a JWT with the claims STS needs. */
function decodeJwt(token: string): { header: Record<string, unknown>; claims: TokenClaims; signed: string; signature: Buffer } {
  const parts = token.split('.');
  const malformed = new StsError(400, 'InvalidIdentityToken', TOKEN_NOT_VALID);
  if (parts.length !== 3) throw malformed;
  const [head = '', body = '', signature = ''] = parts;
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw malformed;
  }
  if (typeof header !== 'object' || header === null || typeof payload !== 'object' || payload === null) throw malformed;
  const { iss, sub, aud, exp } = payload as Record<string, unknown>;
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
  if (typeof iss !== 'string' || typeof sub !== 'string' || typeof exp !== 'number' || audiences.length === 0) throw malformed;
  return {
    header: header as Record<string, unknown>,
    claims: { iss, sub, aud: audiences, exp },
    signed: `${head}.${body}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}

/**
 * The emulator's IAM and STS state: users with long-term keys and MFA devices, roles with trust lists, and the
 * sessions STS issued, with AWS's rules for AssumeRole, GetSessionToken and GetCallerIdentity.
 */
export class IdentityStore {
  private readonly keys = new Map<string, KeyRecord>();
  private readonly roles = new Map<string, Role>();
  private credentialFactory: CredentialFactory | undefined;
  /** The key pair web identity tokens are signed with (RS256), made on first use. */
  private tokenKeys: { privateKey: KeyObject; publicKey: KeyObject } | undefined;

  /** Creates a user; throws when the spec is not one IAM would accept or the key is taken. */
  addUser(spec: UserSpec): UserKeys {
    const accountId = spec.accountId ?? DEFAULT_ACCOUNT;
    if (!USER_NAME.test(spec.name)) throw new Error(`addUser: invalid user name '${spec.name}'`);
    if (!ACCOUNT_ID.test(accountId)) throw new Error(`addUser: account id must be 12 digits, got '${accountId}'`);
    const accessKeyId = spec.accessKeyId ?? makeId('AKIA', 16);
    if (this.keys.has(accessKeyId)) throw new Error(`addUser: access key ${accessKeyId} already exists`);
    const user: User = {
      name: spec.name,
      accountId,
      arn: `arn:aws:iam::${accountId}:user/${spec.name}`,
      userId: makeId('AIDA', 17),
      accessKeyId,
      secretAccessKey: spec.secretAccessKey ?? randomString(SECRET_CHARS, 40),
      mfa: spec.mfa && { serial: spec.mfa.serial ?? `arn:aws:iam::${accountId}:mfa/${spec.name}`, code: spec.mfa.code },
    };
    this.keys.set(accessKeyId, { kind: 'user', secretAccessKey: user.secretAccessKey, user });
    recordIssuedSecrets(accessKeyId, user.secretAccessKey);
    return { accessKeyId, secretAccessKey: user.secretAccessKey, arn: user.arn };
  }

  /** Creates or replaces a role; throws when the ARN or MaxSessionDuration is not one IAM would accept. */
  addRole(spec: RoleSpec): void {
    const match = ROLE_ARN.exec(spec.arn);
    if (!match) throw new Error(`addRole: not a role ARN: '${spec.arn}'`);
    const maxSessionDuration = spec.maxSessionDuration ?? DEFAULT_ROLE_DURATION;
    if (!Number.isInteger(maxSessionDuration) || maxSessionDuration < 3600 || maxSessionDuration > 43200) {
      throw new Error(`addRole: maxSessionDuration must be an integer in 3600..43200, got ${maxSessionDuration}`);
    }
    this.roles.set(spec.arn, {
      arn: spec.arn,
      accountId: match[2] ?? '',
      name: match[3] ?? '',
      roleId: makeId('AROA', 17),
      trust: [...spec.trust],
      externalId: spec.externalId,
      requireMfa: spec.requireMfa ?? false,
      maxSessionDuration,
      allowTagSession: spec.allowTagSession ?? false,
      allowSetSourceIdentity: spec.allowSetSourceIdentity ?? false,
      trustWebIdentity: (spec.trustWebIdentity ?? []).map((entry) => ({ ...entry })),
    });
  }

  /** Sets (or with undefined, removes) the factory that chooses the values of issued credentials. */
  setCredentialFactory(factory: CredentialFactory | undefined): void {
    this.credentialFactory = factory;
  }

  /** What STS keeps on the role session of `accessKeyId`; undefined for an unknown key or one that is not a role session. */
  sessionInfo(accessKeyId: string): SessionInfo | undefined {
    const record = this.keys.get(accessKeyId);
    if (record?.kind !== 'session' || record.session.kind !== 'role-session') return undefined;
    const { role, sessionName, attributes } = record.session;
    return structuredClone({ arn: assumedRoleArn(role, sessionName), ...attributes });
  }

  /** The record of an access key, or undefined when STS would not know it. */
  lookupKey(accessKeyId: string): KeyRecord | undefined {
    return this.keys.get(accessKeyId);
  }

  /** The principal behind a key record whose signature and token were verified. */
  callerOf(record: KeyRecord): Caller {
    if (record.kind === 'user') return { kind: 'user', user: record.user };
    const session = record.session;
    return session.kind === 'role-session'
      ? { kind: 'role-session', role: session.role, session }
      : { kind: 'user-session', user: session.user, session };
  }

  /** GetCallerIdentity: UserId, Account and Arn as AWS returns them (a GetSessionToken session is the user). */
  getCallerIdentity(caller: Caller): { UserId: string; Account: string; Arn: string } {
    if (caller.kind === 'role-session') {
      return {
        UserId: `${caller.role.roleId}:${caller.session.sessionName}`,
        Account: caller.role.accountId,
        Arn: callerArn(caller),
      };
    }
    return { UserId: caller.user.userId, Account: caller.user.accountId, Arn: caller.user.arn };
  }

  /** AssumeRole with the checks AWS makes, in the order it makes them; throws StsError. */
  assumeRole(
    caller: Caller,
    params: Params,
    now: Date,
  ): { credentials: IssuedCredentials; assumedRoleId: string; arn: string } {
    const roleArn = params.RoleArn;
    const sessionName = params.RoleSessionName;
    const request = readSessionRequest(params);
    const violations = [
      checkString('roleArn', roleArn, SHAPES.roleArn),
      checkString('roleSessionName', sessionName, SHAPES.roleSessionName),
      checkInteger('durationSeconds', params.DurationSeconds, 900, 43200),
      checkString('externalId', params.ExternalId, SHAPES.externalId),
      checkString('serialNumber', params.SerialNumber, SHAPES.serialNumber),
      checkString('tokenCode', params.TokenCode, SHAPES.tokenCode),
      ...sessionViolations(request),
    ].filter((v): v is ConstraintViolation => v !== undefined);
    if (violations.length > 0) throw validationError(violations);
    if (roleArn === undefined || sessionName === undefined) throw new Error('unreachable: required members checked');
    if (!ROLE_ARN.test(roleArn)) throw new StsError(400, 'ValidationError', 'Request ARN is invalid');
    checkSessionPolicies(request);
    checkSessionTags(request);

    const mfa = this.checkMfa(caller, params) || callerHasMfa(caller);

    const role = this.roles.get(roleArn);
    const name = callerArn(caller);
    const denied = notAuthorized(name, 'sts:AssumeRole', roleArn);
    if (!role || !this.trusts(role, caller)) throw denied;
    if (role.externalId !== undefined && params.ExternalId !== role.externalId) throw denied;
    if (role.requireMfa && !mfa) throw denied;
    // Tags and a source identity need their own actions in the trust policy; a source identity the calling session
    // carries counts as set again, as AWS documents for role chaining.
    const tagging = request.tags.length > 0 || request.transitiveTagKeys.length > 0;
    if (tagging && !role.allowTagSession) throw notAuthorized(name, 'sts:TagSession', roleArn);
    const inheritedSourceIdentity = caller.kind === 'role-session' ? caller.session.attributes.sourceIdentity : undefined;
    if ((request.sourceIdentity ?? inheritedSourceIdentity) !== undefined && !role.allowSetSourceIdentity) {
      throw notAuthorized(name, 'sts:SetSourceIdentity', roleArn);
    }
    const attributes = chainAttributes(caller, sessionAttributes(request), name, roleArn);

    const duration = params.DurationSeconds === undefined ? DEFAULT_ROLE_DURATION : Number(params.DurationSeconds);
    if (caller.kind === 'role-session' && duration > ROLE_CHAINING_LIMIT) {
      throw new StsError(
        400,
        'ValidationError',
        'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      );
    }
    if (duration > role.maxSessionDuration) {
      throw new StsError(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }

    const keys = this.issueKeys({ action: 'AssumeRole', accountId: role.accountId, roleArn, roleSessionName: sessionName });
    const session: RoleSession = { ...keys, kind: 'role-session', role, sessionName, mfa, attributes, expiresAt: addSeconds(now, duration) };
    this.keys.set(keys.accessKeyId, { kind: 'session', secretAccessKey: keys.secretAccessKey, session });
    return {
      credentials: { ...keys, expiration: session.expiresAt },
      assumedRoleId: `${role.roleId}:${sessionName}`,
      arn: assumedRoleArn(role, sessionName),
    };
  }

  /**
   * Issues a role session directly, as the instance metadata service, the container credentials endpoint or
   * the SSO portal do: no trust check, no caller. STS then accepts the keys like any AssumeRole result.
   * Throws when the role does not exist.
   */
  issueRoleSession(roleArn: string, sessionName: string, durationSeconds: number, now: Date): IssuedCredentials & { arn: string } {
    const role = this.roles.get(roleArn);
    if (!role) throw new Error(`issueRoleSession: no role ${roleArn}`);
    const keys = this.issueKeys({ action: 'AssumeRole', accountId: role.accountId, roleArn, roleSessionName: sessionName });
    const session: RoleSession = {
      ...keys,
      kind: 'role-session',
      role,
      sessionName,
      mfa: false,
      attributes: structuredClone(NO_ATTRIBUTES),
      expiresAt: addSeconds(now, durationSeconds),
    };
    this.keys.set(keys.accessKeyId, { kind: 'session', secretAccessKey: keys.secretAccessKey, session });
    return { ...keys, expiration: session.expiresAt, arn: assumedRoleArn(role, sessionName) };
  }

  /**
   * Signs a web identity token (an RS256 JWT) as an OIDC provider would: `iss`, `sub`, `aud`, `iat` and `exp` from
   * `spec` and the emulator's clock. Only tokens signed here verify.
   */
  issueWebIdentityToken(spec: WebIdentityTokenSpec, now: Date): string {
    this.tokenKeys ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
    const iat = Math.floor(now.getTime() / 1000);
    const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'sts-emulator' }));
    const payload = base64url(
      JSON.stringify({ iss: spec.issuer, sub: spec.subject, aud: spec.audience, iat, exp: iat + (spec.expiresInSeconds ?? 3600) }),
    );
    const signature = sign('sha256', Buffer.from(`${header}.${payload}`), this.tokenKeys.privateKey);
    return `${header}.${payload}.${base64url(signature)}`;
  }

  /**
   * AssumeRoleWithWebIdentity with the checks AWS makes (best understood order): members, the OIDC provider of the
   * token's issuer in the role's account, the signature, the expiry, the audience among the provider's client IDs,
   * then the role's trust and its MaxSessionDuration. Throws StsError.
   */
  assumeRoleWithWebIdentity(
    params: Params,
    now: Date,
  ): { credentials: IssuedCredentials; assumedRoleId: string; arn: string; subject: string; audience: string; provider: string } {
    const roleArn = params.RoleArn;
    const sessionName = params.RoleSessionName;
    const token = params.WebIdentityToken;
    const request = readSessionRequest(params);
    const violations = [
      checkString('roleArn', roleArn, SHAPES.roleArn),
      checkString('roleSessionName', sessionName, SHAPES.roleSessionName),
      // AWS does not echo a token in its message; neither does the emulator.
      checkString('webIdentityToken', token, SHAPES.webIdentityToken),
      checkInteger('durationSeconds', params.DurationSeconds, 900, 43200),
      checkString('policy', request.policy, SHAPES.policy),
      checkListLength('policyArns', request.policyArns.length, LIST_MAX.policyArns),
      ...request.policyArns.map((arn, i) => checkString(`policyArns.${i + 1}.member.arn`, arn, SHAPES.policyArn)),
    ]
      .filter((v): v is ConstraintViolation => v !== undefined)
      .map((v) => (v.member === 'webIdentityToken' ? { ...v, value: '***' } : v));
    if (violations.length > 0) throw validationError(violations);
    if (roleArn === undefined || sessionName === undefined || token === undefined) throw new Error('unreachable: required members checked');
    const arnMatch = ROLE_ARN.exec(roleArn);
    if (!arnMatch) throw new StsError(400, 'ValidationError', 'Request ARN is invalid');
    checkSessionPolicies(request);

    const claims = this.verifyWebIdentityToken(token, arnMatch[2] ?? '', now);
    const role = this.roles.get(roleArn);
    const trusted = role?.trustWebIdentity.some(
      (entry) =>
        providerHost(entry.issuer) === providerHost(claims.iss) &&
        (entry.audience === undefined || claims.aud.includes(entry.audience)) &&
        (entry.subject === undefined || stringLike(entry.subject, claims.sub)),
    );
    if (!role || !trusted) throw new StsError(403, 'AccessDenied', WEB_IDENTITY_DENIED);

    const duration = params.DurationSeconds === undefined ? DEFAULT_ROLE_DURATION : Number(params.DurationSeconds);
    if (duration > role.maxSessionDuration) {
      throw new StsError(400, 'ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    }
    const audience = claims.aud[0] ?? '';
    const attributes: SessionAttributes = {
      ...structuredClone(NO_ATTRIBUTES),
      policy: request.policy,
      policyArns: request.policyArns.map((arn) => arn ?? ''),
      webIdentity: { issuer: claims.iss, subject: claims.sub, audience },
    };
    const keys = this.issueKeys({ action: 'AssumeRoleWithWebIdentity', accountId: role.accountId, roleArn, roleSessionName: sessionName });
    const session: RoleSession = { ...keys, kind: 'role-session', role, sessionName, mfa: false, attributes, expiresAt: addSeconds(now, duration) };
    this.keys.set(keys.accessKeyId, { kind: 'session', secretAccessKey: keys.secretAccessKey, session });
    const partition = roleArn.split(':')[1] ?? 'aws';
    return {
      credentials: { ...keys, expiration: session.expiresAt },
      assumedRoleId: `${role.roleId}:${sessionName}`,
      arn: assumedRoleArn(role, sessionName),
      subject: claims.sub,
      audience,
      provider: `arn:${partition}:iam::${role.accountId}:oidc-provider/${providerHost(claims.iss)}`,
    };
  }

  /**
   * Verifies a web identity token for a role in `accountId`: InvalidIdentityToken when it is not a JWT, its issuer is
   * no OIDC provider of the account, its signature is not the emulator's, or its audience is no client ID of the
   * provider; ExpiredTokenException when `exp` has passed by `now`.
   */
  private verifyWebIdentityToken(token: string, accountId: string, now: Date): TokenClaims {
    const { header, claims, signed, signature } = decodeJwt(token);
    const statements = [...this.roles.values()]
      .filter((role) => role.accountId === accountId)
      .flatMap((role) => role.trustWebIdentity)
      .filter((entry) => providerHost(entry.issuer) === providerHost(claims.iss));
    if (statements.length === 0) {
      throw new StsError(400, 'InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${claims.iss}`);
    }
    const valid =
      header.alg === 'RS256' && this.tokenKeys !== undefined && verify('sha256', Buffer.from(signed), this.tokenKeys.publicKey, signature);
    if (!valid) throw new StsError(400, 'InvalidIdentityToken', TOKEN_NOT_VALID);
    const nowSeconds = Math.floor(now.getTime() / 1000);
    if (claims.exp <= nowSeconds) {
      // The wording AWS is reported to give (its exact spacing is a best guess).
      throw new StsError(
        400,
        'ExpiredTokenException',
        `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${claims.exp}`,
      );
    }
    // The provider's client IDs: every audience a statement names; a statement without one accepts any.
    const clientIds = statements.map((entry) => entry.audience);
    if (!clientIds.includes(undefined) && !claims.aud.some((aud) => clientIds.includes(aud))) {
      throw new StsError(400, 'InvalidIdentityToken', 'Incorrect token audience');
    }
    return claims;
  }

  /** GetSessionToken for a user's long-term keys, with MFA context when a valid code is given; throws StsError. */
  getSessionToken(caller: Caller, params: Params, now: Date): IssuedCredentials {
    const violations = [
      checkInteger('durationSeconds', params.DurationSeconds, 900, 129600),
      checkString('serialNumber', params.SerialNumber, SHAPES.serialNumber),
      checkString('tokenCode', params.TokenCode, SHAPES.tokenCode),
    ].filter((v): v is ConstraintViolation => v !== undefined);
    if (violations.length > 0) throw validationError(violations);
    if (caller.kind !== 'user') {
      throw new StsError(403, 'AccessDenied', 'Cannot call GetSessionToken with session credentials');
    }
    const mfa = this.checkMfa(caller, params);
    const duration =
      params.DurationSeconds === undefined ? DEFAULT_SESSION_TOKEN_DURATION : Number(params.DurationSeconds);
    const keys = this.issueKeys({ action: 'GetSessionToken', accountId: caller.user.accountId });
    const session: UserSession = { ...keys, kind: 'user-session', user: caller.user, mfa, expiresAt: addSeconds(now, duration) };
    this.keys.set(keys.accessKeyId, { kind: 'session', secretAccessKey: keys.secretAccessKey, session });
    return { ...keys, expiration: session.expiresAt };
  }

  /**
   * Validates SerialNumber + TokenCode against the caller's own device, as AWS does whenever they are passed.
   * Returns whether MFA was presented and valid; throws AccessDenied with AWS's wording when it is not valid.
   */
  private checkMfa(caller: Caller, params: Params): boolean {
    const serial = params.SerialNumber;
    if (serial === undefined) return false;
    const device = caller.kind === 'role-session' ? undefined : caller.user.mfa;
    if (!device || device.serial !== serial) {
      throw new StsError(403, 'AccessDenied', 'MultiFactorAuthentication failed, unable to validate MFA code.');
    }
    if (params.TokenCode !== device.code) {
      throw new StsError(403, 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code. ');
    }
    return true;
  }

  /** Whether the role's trust list names the caller, the caller's role, its account root, or everyone. */
  private trusts(role: Role, caller: Caller): boolean {
    const account = callerAccount(caller);
    const principal = caller.kind === 'role-session' ? caller.role.arn : caller.user.arn;
    return role.trust.some((entry) => entry === '*' || entry === principal || entry === `arn:aws:iam::${account}:root`);
  }

  private issueKeys(context: IssueContext): SessionKeys {
    const chosen = this.credentialFactory?.(context) ?? {};
    const keys: SessionKeys = {
      accessKeyId: chosen.accessKeyId ?? makeId('ASIA', 16),
      secretAccessKey: chosen.secretAccessKey ?? randomString(SECRET_CHARS, 40),
      // Real tokens are a few hundred base64 characters.
      sessionToken: chosen.sessionToken ?? `IQoJb3JpZ2luX2VjE${randomBytes(300).toString('base64')}`,
    };
    if (this.keys.get(keys.accessKeyId)?.kind === 'user') {
      throw new Error(`credential factory returned the long-term key ${keys.accessKeyId} of a user`);
    }
    recordIssuedSecrets(keys.accessKeyId, keys.secretAccessKey, keys.sessionToken);
    return keys;
  }
}
