import { randomBytes, randomInt } from 'node:crypto';
import { StsError, notAuthorized, validationError } from './sts-error.js';
import { SHAPES, checkInteger, checkString } from './validate.js';
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
}

/** The three values of a set of credentials. */
export interface SessionKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** What the emulator is about to issue credentials for; passed to a credential factory. */
export interface IssueContext {
  action: 'AssumeRole' | 'GetSessionToken';
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

/**
 * The emulator's IAM and STS state: users with long-term keys and MFA devices, roles with trust lists, and the
 * sessions STS issued, with AWS's rules for AssumeRole, GetSessionToken and GetCallerIdentity.
 */
export class IdentityStore {
  private readonly keys = new Map<string, KeyRecord>();
  private readonly roles = new Map<string, Role>();
  private credentialFactory: CredentialFactory | undefined;

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
    });
  }

  /** Sets (or with undefined, removes) the factory that chooses the values of issued credentials. */
  setCredentialFactory(factory: CredentialFactory | undefined): void {
    this.credentialFactory = factory;
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
    const violations = [
      checkString('roleArn', roleArn, SHAPES.roleArn),
      checkString('roleSessionName', sessionName, SHAPES.roleSessionName),
      checkInteger('durationSeconds', params.DurationSeconds, 900, 43200),
      checkString('externalId', params.ExternalId, SHAPES.externalId),
      checkString('serialNumber', params.SerialNumber, SHAPES.serialNumber),
      checkString('tokenCode', params.TokenCode, SHAPES.tokenCode),
    ].filter((v): v is ConstraintViolation => v !== undefined);
    if (violations.length > 0) throw validationError(violations);
    if (roleArn === undefined || sessionName === undefined) throw new Error('unreachable: required members checked');
    if (!ROLE_ARN.test(roleArn)) throw new StsError(400, 'ValidationError', 'Request ARN is invalid');

    const mfa = this.checkMfa(caller, params) || callerHasMfa(caller);

    const role = this.roles.get(roleArn);
    const denied = notAuthorized(callerArn(caller), 'sts:AssumeRole', roleArn);
    if (!role || !this.trusts(role, caller)) throw denied;
    if (role.externalId !== undefined && params.ExternalId !== role.externalId) throw denied;
    if (role.requireMfa && !mfa) throw denied;

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
    const session: RoleSession = { ...keys, kind: 'role-session', role, sessionName, mfa, expiresAt: addSeconds(now, duration) };
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
    const session: RoleSession = { ...keys, kind: 'role-session', role, sessionName, mfa: false, expiresAt: addSeconds(now, durationSeconds) };
    this.keys.set(keys.accessKeyId, { kind: 'session', secretAccessKey: keys.secretAccessKey, session });
    return { ...keys, expiration: session.expiresAt, arn: assumedRoleArn(role, sessionName) };
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
    return keys;
  }
}
