import type { Credentials } from '../credentials.js';
import type { NetworkSettings } from '../net/networkSettings.js';
import type { SessionTag, StsTarget } from '../resolve/plan.js';

/** The parameters of one sts:AssumeRole call, camelCase. */
export interface AssumeRoleRequest {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly externalId?: string | undefined;
  readonly durationSeconds?: number | undefined;
  readonly serialNumber?: string | undefined;
  readonly tokenCode?: string | undefined;
  /** Session tags: sent as Tags.member.N.Key / .Value. */
  readonly tags?: readonly SessionTag[] | undefined;
  readonly transitiveTagKeys?: readonly string[] | undefined;
  readonly sourceIdentity?: string | undefined;
  /** An inline session policy, JSON text. */
  readonly policy?: string | undefined;
  readonly policyArns?: readonly string[] | undefined;
  /** The profile this hop comes from: named in error messages, never sent. */
  readonly profile?: string | undefined;
}

/** The parameters of one sts:AssumeRoleWithWebIdentity call (unsigned: the token is the credential). */
export interface AssumeRoleWithWebIdentityRequest {
  readonly roleArn: string;
  readonly roleSessionName: string;
  /** The OIDC token: a secret, never in a message. */
  readonly webIdentityToken: string;
  readonly durationSeconds?: number | undefined;
  readonly policy?: string | undefined;
  readonly policyArns?: readonly string[] | undefined;
  /** The profile it is for: named in error messages, never sent. */
  readonly profile?: string | undefined;
}

/** Calls sts:AssumeRoleWithWebIdentity. Injected, so tests swap it. */
export type WebIdentityRoleAssumer = (request: AssumeRoleWithWebIdentityRequest, options: StsCallOptions) => Promise<AssumeRoleResult>;

export interface AssumeRoleResult {
  readonly credentials: Credentials;
  /** arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION */
  readonly assumedRoleArn?: string | undefined;
}

/** Where and how STS is called: the plan's target plus the network settings of this run. */
export interface StsCallOptions {
  /** Proxy and certificate authorities for the call; absent: direct, system CAs. */
  readonly network?: NetworkSettings | undefined;
  readonly target: StsTarget;
  /** Per-attempt timeout for connecting and for each answer, in milliseconds. */
  readonly timeoutMs: number;
  /** Attempts in total, retries of throttling and 5xx included. */
  readonly maxAttempts: number;
}

/** Calls sts:AssumeRole with the given source credentials. Injected, so tests swap it. */
export type RoleAssumer = (source: Credentials, request: AssumeRoleRequest, options: StsCallOptions) => Promise<AssumeRoleResult>;

/** The parameters of one sts:GetSessionToken call: an MFA session for long-term keys. */
export interface SessionTokenRequest {
  readonly serialNumber: string;
  readonly tokenCode: string;
  readonly durationSeconds: number;
  /** The profile it is for: named in error messages, never sent. */
  readonly profile?: string | undefined;
}

/** Calls sts:GetSessionToken with long-term keys. Injected, so tests swap it. */
export type SessionTokenGetter = (source: Credentials, request: SessionTokenRequest, options: StsCallOptions) => Promise<AssumeRoleResult>;
