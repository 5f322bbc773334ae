import { cacheKey } from './cache/cacheKey.js';
import type { CacheEntry } from './cache/cacheEntry.js';
import { isFresh } from './cache/cacheEntry.js';
import type { CredentialCache } from './cache/createFileCache.js';
import type { Credentials } from './credentials.js';
import type { NetworkSettings } from './net/networkSettings.js';
import type { AssumeRoleHop, Plan, SourceStep, SsoSource, WebIdentitySource } from './resolve/plan.js';
import type { AssumeRoleRequest, RoleAssumer, SessionTokenGetter, StsCallOptions } from './sts/types.js';

/** How long an MFA session from GetSessionToken lasts: 12 hours, the AWS default. */
export const mfaSessionSeconds = 43200;

/** What carrying out a plan needs from the outside world; tests pass fakes. */
export interface ExecuteDeps {
  readonly assumeRole: RoleAssumer;
  readonly getSessionToken: SessionTokenGetter;
  readonly now: () => Date;
  /** Per-attempt STS timeout in milliseconds. */
  readonly timeoutMs: number;
  readonly maxAttempts: number;
  /** The credential cache; undefined with --no-cache. */
  readonly cache?: CredentialCache | undefined;
  /** --refresh: new role credentials whatever the cache holds (an MFA session is still reused). */
  readonly refresh?: boolean | undefined;
  /** Renew credentials with less than this left (see isFresh for short sessions). */
  readonly minRemainingMs: number;
  /** The MFA code for a hop: --token-code, its mfa_process, or the terminal. Called only when a code is needed. */
  readonly mfaCode: (hop: AssumeRoleHop) => Promise<string>;
  /**
   * Gets the credentials of a source that is not keys in hand: runs a credential_process,
   * calls AssumeRoleWithWebIdentity or SSO, asks the instance or container endpoint.
   */
  readonly fetchSource: (source: FetchedSource) => Promise<SourceResult>;
  /** Proxy and certificate authorities for STS calls. */
  readonly network?: NetworkSettings | undefined;
  /** Who is asking, for generated session names (see defaultSessionName). */
  readonly caller?: string | undefined;
}

/** What fetching a source gives: its credentials and, when the source said (AssumeRoleWithWebIdentity), the role session they are for. */
export interface SourceResult {
  readonly credentials: Credentials;
  readonly assumedRoleArn?: string | undefined;
}

/** The sources whose credentials must be fetched, as opposed to keys already in the plan. */
export type FetchedSource = Exclude<SourceStep, { kind: 'static' } | { kind: 'environment' }>;

/** Sources that issue temporary credentials worth caching on their own (an STS or SSO call each time otherwise). */
function cachesOnItsOwn(source: SourceStep): source is WebIdentitySource | SsoSource {
  return source.kind === 'webIdentity' || source.kind === 'sso';
}

/** The result of a plan: the final credentials and, for messages, the identity they belong to. */
export interface ExecuteResult {
  readonly credentials: Credentials;
  readonly assumedRoleArn?: string | undefined;
  /** True when the final credentials came from the cache without any call. */
  readonly cached?: boolean | undefined;
}

/** What identifies the source in a cache key: its access key, the program that prints it, the role and token file, the SSO account and role, the endpoint. */
function sourceIdentity(source: SourceStep): string {
  switch (source.kind) {
    case 'static':
    case 'environment':
      return source.accessKeyId;
    case 'process':
      return `process:${source.profile}:${source.command}`;
    case 'webIdentity':
      return `web-identity:${source.roleArn.value}:${source.tokenFile.value}:${source.roleSessionName?.value ?? ''}:${source.durationSeconds?.value ?? ''}`;
    case 'sso':
      return `sso:${source.startUrl.value}:${source.ssoRegion.value}:${source.accountId.value}:${source.roleName.value}`;
    case 'instanceMetadata':
      return `instance-metadata:${source.endpoint?.value ?? ''}`;
    case 'container':
      return `container:${source.uri.value}`;
  }
}

/** The characters a RoleSessionName allows; anything else in a user name becomes '-'. */
const sessionNameUnsafe = /[^\w+=,.@-]/g;

/**
 * The session name a hop gets when none is configured: who asked and when,
 * `<caller>@assume-<unix seconds>` (CloudTrail shows it in the assumed-role ARN), else
 * `assume-<unix seconds>` as botocore uses botocore-session-<seconds>. At most 64 characters.
 */
export function defaultSessionName(now: Date, caller?: string): string {
  const stamp = `assume-${Math.floor(now.getTime() / 1000)}`;
  const who = (caller ?? '').replace(sessionNameUnsafe, '-').slice(0, 64 - stamp.length - 1);
  return who === '' ? stamp : `${who}@${stamp}`;
}

/** Where STS is, as far as the credentials it issues are concerned. */
function endpointIdentity(plan: Plan): string {
  return plan.sts.endpoint?.value ?? 'regional';
}

/** The AssumeRole parameters a hop sends, each of which also makes its credentials different (and so is in its cache key). */
function hopParameters(hop: AssumeRoleHop): Omit<AssumeRoleRequest, 'roleSessionName' | 'serialNumber' | 'tokenCode' | 'profile'> {
  return {
    roleArn: hop.roleArn.value,
    externalId: hop.externalId?.value,
    durationSeconds: hop.durationSeconds?.value,
    tags: hop.tags?.value,
    transitiveTagKeys: hop.transitiveTagKeys?.value,
    sourceIdentity: hop.sourceIdentity?.value,
    policy: hop.policy?.value,
    policyArns: hop.policyArns?.value,
  };
}

/**
 * The cache key of the first `count` hops of a plan: everything that makes their
 * credentials different (the source key, each role, external id, duration, MFA device, a
 * configured session name, the endpoint), never a generated session name or a secret.
 */
export function chainCacheKey(plan: Plan, count: number): string {
  return cacheKey({
    v: 1,
    kind: 'role',
    endpoint: endpointIdentity(plan),
    source: sourceIdentity(plan.source),
    hops: plan.hops.slice(0, count).map((hop) => ({
      ...hopParameters(hop),
      mfaSerial: hop.mfaSerial?.value,
      roleSessionName: hop.roleSessionName?.value,
    })),
  });
}

function mfaSessionKey(plan: Plan, source: Credentials, mfaSerial: string): string {
  return cacheKey({ v: 1, kind: 'mfa-session', endpoint: endpointIdentity(plan), source: source.accessKeyId, mfaSerial });
}

/** The cache key of a plan's final credentials, or undefined when they are not cached (long-term keys, a process or metadata source alone). */
export function finalCacheKey(plan: Plan): string | undefined {
  if (plan.hops.length === 0 && !cachesOnItsOwn(plan.source)) return undefined;
  return chainCacheKey(plan, plan.hops.length);
}

/** The credentials of a cache entry, marked as coming from the cache. */
export function fromEntry(entry: CacheEntry): ExecuteResult {
  return {
    credentials: { accessKeyId: entry.accessKeyId, secretAccessKey: entry.secretAccessKey, sessionToken: entry.sessionToken, expiration: new Date(entry.expiration) },
    assumedRoleArn: entry.assumedRoleArn,
    cached: true,
  };
}

function toEntry(result: ExecuteResult, issuedAt: Date, fields: Pick<CacheEntry, 'kind' | 'profile' | 'roleArn' | 'mfaSerial'>): CacheEntry | undefined {
  const { credentials } = result;
  // Nothing to cache for long-term keys, nor for credentials that expire before they were
  // asked for (a clock far off): the next run asks again.
  if (credentials.sessionToken === undefined || credentials.expiration === undefined || credentials.expiration <= issuedAt) return undefined;
  return {
    version: 1,
    ...fields,
    issuedAt: issuedAt.toISOString(),
    expiration: credentials.expiration.toISOString(),
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
    assumedRoleArn: result.assumedRoleArn,
  };
}

class PlanExecution {
  private readonly options: StsCallOptions;

  constructor(
    private readonly plan: Plan,
    private readonly deps: ExecuteDeps,
  ) {
    this.options = { target: plan.sts, timeoutMs: deps.timeoutMs, maxAttempts: deps.maxAttempts, network: deps.network };
  }

  async readFresh(cache: CredentialCache, key: string, honourRefresh = true): Promise<ExecuteResult | undefined> {
    if (honourRefresh && this.deps.refresh === true) return undefined;
    const entry = await cache.read(key);
    return entry !== undefined && isFresh(entry, this.deps.now(), this.deps.minRemainingMs) ? fromEntry(entry) : undefined;
  }

  async write(cache: CredentialCache | undefined, key: string, entry: CacheEntry | undefined): Promise<void> {
    if (cache !== undefined && entry !== undefined) await cache.write(key, entry);
  }

  async sourceResult(cache: CredentialCache | undefined): Promise<ExecuteResult> {
    const { source } = this.plan;
    if (source.kind === 'static' || source.kind === 'environment') {
      return { credentials: { accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey, sessionToken: source.sessionToken } };
    }
    if (cache === undefined || !cachesOnItsOwn(source)) return this.deps.fetchSource(source);
    // The source's own entry: a web identity or SSO role session serves every chain that starts from it.
    const key = chainCacheKey(this.plan, 0);
    const cached = await this.readFresh(cache, key);
    if (cached !== undefined) return cached;
    const issuedAt = this.deps.now();
    const fetched = await this.deps.fetchSource(source);
    const roleArn = source.kind === 'webIdentity' ? source.roleArn.value : `${source.accountId.value}/${source.roleName.value}`;
    await this.write(cache, key, toEntry(fetched, issuedAt, { kind: 'role', profile: source.profile, roleArn }));
    return fetched;
  }

  /** Every hop in turn; with a cache, a fresh cached prefix of the chain is taken as it is. */
  async walk(cache: CredentialCache | undefined): Promise<ExecuteResult> {
    let result: ExecuteResult | undefined;
    for (const [index, hop] of this.plan.hops.entries()) {
      const key = chainCacheKey(this.plan, index + 1);
      const last = index === this.plan.hops.length - 1;
      // The whole chain's entry was looked up before the lock was taken; a prefix is looked up here.
      const cached = cache !== undefined && !last ? await this.readFresh(cache, key) : undefined;
      if (cached !== undefined) {
        result = cached;
        continue;
      }
      const issuedAt = this.deps.now();
      result = await this.assumeHop(hop, result?.credentials ?? (await this.sourceResult(cache)).credentials, cache);
      await this.write(cache, key, toEntry(result, issuedAt, { kind: 'role', profile: last ? (this.plan.profile ?? hop.profile) : hop.profile, roleArn: hop.roleArn.value }));
    }
    return result ?? (await this.sourceResult(cache));
  }

  private async assumeHop(hop: AssumeRoleHop, source: Credentials, cache: CredentialCache | undefined): Promise<ExecuteResult> {
    const request: AssumeRoleRequest = {
      ...hopParameters(hop),
      roleSessionName: hop.roleSessionName?.value ?? defaultSessionName(this.deps.now(), this.deps.caller),
      profile: hop.profile,
    };
    if (hop.mfaSerial === undefined) return this.deps.assumeRole(source, request, this.options);
    // Long-term keys: one MFA session (GetSessionToken) serves every role behind this device
    // until it expires, so switching between roles asks for one code. AWS refuses
    // GetSessionToken to session credentials: those send the code with AssumeRole itself.
    if (cache !== undefined && source.sessionToken === undefined) {
      const session = await this.mfaSession(hop, hop.mfaSerial.value, source, cache);
      return this.deps.assumeRole(session, request, this.options);
    }
    const tokenCode = await this.deps.mfaCode(hop);
    return this.deps.assumeRole(source, { ...request, serialNumber: hop.mfaSerial.value, tokenCode }, this.options);
  }

  private async mfaSession(hop: AssumeRoleHop, mfaSerial: string, source: Credentials, cache: CredentialCache): Promise<Credentials> {
    const key = mfaSessionKey(this.plan, source, mfaSerial);
    const fresh = await this.readFresh(cache, key, false);
    if (fresh !== undefined) return fresh.credentials;
    const filled = async (): Promise<Credentials | undefined> => (await this.readFresh(cache, key, false))?.credentials;
    return cache.withLock(key, async () => {
      const already = await filled();
      if (already !== undefined) return already;
      const tokenCode = await this.deps.mfaCode(hop);
      const issuedAt = this.deps.now();
      const session = await this.deps.getSessionToken(
        source,
        { serialNumber: mfaSerial, tokenCode, durationSeconds: mfaSessionSeconds, profile: hop.profile },
        this.options,
      );
      await this.write(cache, key, toEntry(session, issuedAt, { kind: 'mfa-session', profile: hop.profile, mfaSerial }));
      return session.credentials;
    }, filled);
  }
}

/**
 * Walks a plan: takes the source credentials, then calls AssumeRole for each hop with the
 * previous hop's credentials. A plan without hops returns the source credentials as they are.
 *
 * With a cache, a fresh entry for the whole chain is returned without any call (and without
 * loading the AWS SDK); on a miss, the chain's lock is taken first, so processes that miss at
 * once make one set of STS calls and at most one MFA prompt, and the others read its result.
 */
export async function executePlan(plan: Plan, deps: ExecuteDeps): Promise<ExecuteResult> {
  const execution = new PlanExecution(plan, deps);
  const { cache } = deps;
  const key = finalCacheKey(plan);
  if (cache === undefined || key === undefined) return execution.walk(undefined);
  const hit = await execution.readFresh(cache, key);
  if (hit !== undefined) return hit;
  const fresh = (): Promise<ExecuteResult | undefined> => execution.readFresh(cache, key);
  return cache.withLock(key, async () => (await fresh()) ?? execution.walk(cache), fresh);
}
