import type { AwsConfig } from '../config/types.js';
import type { AssumeRoleHop, Plan, SourceStep, Sourced, ValueSource } from '../resolve/plan.js';
import { formatExpiration } from '../output/formatExpiration.js';
import { timeLeft } from '../output/describeResult.js';
import { describeEndpoint } from '../sts/stsClient.js';
import { quote } from '../util/quote.js';
import { redactKeyId } from '../util/redact.js';
import { tildePath } from './tildePath.js';

/** What the credential cache holds for the plan's final credentials, as `assume explain` found it (read only). */
export type CacheState =
  /** --no-cache. */
  | { readonly kind: 'off' }
  /** Credentials the plan hands out as they come (long-term keys, a credential_process, instance metadata): never cached. */
  | { readonly kind: 'uncached' }
  /** --refresh: the cache is not read. */
  | { readonly kind: 'refresh' }
  | { readonly kind: 'fresh'; readonly expiration: Date; readonly now: Date }
  /** An entry that is there but too close to its expiry (or past it) to be used. */
  | { readonly kind: 'stale'; readonly expiration: Date; readonly now: Date }
  | { readonly kind: 'miss' }
  /** The cache folder refused (CACHE_UNSAFE) or unreadable: the message says why. */
  | { readonly kind: 'unreadable'; readonly message: string };

/** Everything `assume explain` prints about a plan, besides the plan itself. */
export interface ExplainInput {
  readonly plan: Plan;
  /** The files the plan came from: section origins, credential_source lines, sso-session sections. */
  readonly config: AwsConfig;
  /** How the profile was chosen when no argument named it: `$AWS_PROFILE`, `$AWS_DEFAULT_PROFILE`, `default`. */
  readonly profileFrom?: string | undefined;
  /** Who asks, for the session names assume generates (`alice@assume-<unix seconds>`). */
  readonly caller?: string | undefined;
  /** false with --no-cache: MFA codes then go with each AssumeRole, never into an MFA session. */
  readonly cacheEnabled: boolean;
  readonly cache: CacheState;
  /** Paths under it are shown as `~/...`. */
  readonly homeDir: string;
}

/** One line of the explanation: a label, a value, and where the value came from. */
interface Row {
  /** 0: a step or a setting of the whole plan; 1: a detail of the step above. */
  readonly level: 0 | 1;
  readonly label: string;
  readonly value: string;
  readonly from?: string | undefined;
}

/** The column where "where it came from" starts at most; a longer value pushes it right on its own line only. */
const maxFromColumn = 72;
/** The characters a RoleSessionName allows; anything else in a user name becomes '-' (as src/execute.ts does). */
const sessionNameUnsafe = /[^\w+=,.@-]/g;

/**
 * The explanation `assume explain` prints for a plan: the profile and its section, then the
 * chain hop by hop (the source of the first credentials, each AssumeRole with its
 * parameters), the region, the STS endpoint and what the cache holds. Every value shows where
 * it came from: `~/.aws/config:12`, `$AWS_REGION`, `--role-arn`, `default`. Access key ids are
 * shown as `****WXYZ`; no secret, session token or MFA code is ever part of it. Pure.
 */
export function formatExplanation(input: ExplainInput): string {
  const { plan, config, homeDir } = input;
  const where = (from: ValueSource | undefined): string | undefined => (from === undefined ? undefined : describeSource(from, homeDir));
  const rows: Row[] = [];
  const sourceRows = describeSourceStep(plan.source, input, where);
  rows.push(...sourceRows);
  plan.hops.forEach((hop, index) => rows.push(...describeHop(hop, index, input, where)));

  const region = plan.region;
  if (region === undefined) {
    rows.push({ level: 0, label: 'region', value: 'none: no AWS_REGION is exported', from: undefined });
  } else {
    const other = region.from.kind === 'file' && region.from.profile !== undefined && region.from.profile !== plan.profile ? ` (of profile ${region.from.profile})` : '';
    rows.push({ level: 0, label: 'region', value: `${region.value}${other}`, from: where(region.from) });
  }
  if (plan.hops.length > 0 || plan.source.kind === 'webIdentity') {
    const regional = `regional${plan.sts.useFipsEndpoint ? ', FIPS' : ''}${plan.region === undefined ? ' (no region: us-east-1)' : ''}`;
    rows.push({ level: 0, label: 'STS endpoint', value: describeEndpoint(plan.sts), from: plan.sts.endpoint === undefined ? regional : where(plan.sts.endpoint.from) });
  }
  rows.push({ level: 0, label: 'cache', value: describeCache(input.cache) });

  const section = plan.profile === undefined ? undefined : config.profiles.get(plan.profile);
  const header =
    plan.profile === undefined
      ? `--role-arn from the credentials in the environment`
      : `${plan.profile}  ${section === undefined ? '' : tildePath(`${section.origin.file}:${section.origin.line}`, homeDir)}${input.profileFrom === undefined ? '' : `  (profile from ${input.profileFrom})`}`;
  return `${header.trimEnd()}\n${renderRows(rows)}`;
}

/** `~/.aws/config:12`, `$AWS_REGION`, `--region`, `default`. */
export function describeSource(from: ValueSource, homeDir: string): string {
  switch (from.kind) {
    case 'file':
      return tildePath(`${from.origin.file}:${from.origin.line}`, homeDir);
    case 'env':
      return `$${from.name}`;
    case 'flag':
      return from.name;
    case 'default':
      return 'default';
  }
}

type Where = (from: ValueSource | undefined) => string | undefined;

function fileOrigin(config: AwsConfig, profile: string, key: string, homeDir: string): string | undefined {
  const setting = config.profiles.get(profile)?.settings.get(key);
  return setting === undefined ? undefined : tildePath(`${setting.origin.file}:${setting.origin.line}`, homeDir);
}

function sourced<T>(label: string, value: Sourced<T> | undefined, where: Where, show: (value: T) => string = String): Row[] {
  return value === undefined ? [] : [{ level: 1, label, value: show(value.value), from: where(value.from) }];
}

/** The first step: where the credentials that make the first call (or are handed out) come from. */
function describeSourceStep(source: SourceStep, input: ExplainInput, where: Where): Row[] {
  const { config, homeDir } = input;
  const at = (origin: { file: string; line: number }): string => tildePath(`${origin.file}:${origin.line}`, homeDir);
  const credentialSource = (profile: string): Row => ({
    level: 1,
    label: 'because',
    value: `credential_source = ${config.profiles.get(profile)?.settings.get('credential_source')?.value ?? ''} of profile ${profile}`,
    from: fileOrigin(config, profile, 'credential_source', homeDir),
  });
  switch (source.kind) {
    case 'static':
      return [
        {
          level: 0,
          label: '1. static keys',
          value: `${redactKeyId(source.accessKeyId)} of profile ${source.profile}${source.sessionToken === undefined ? '' : ', with a session token'}`,
          from: at(source.origin),
        },
      ];
    case 'environment': {
      const rows: Row[] = [
        {
          level: 0,
          label: '1. environment',
          value: `${redactKeyId(source.accessKeyId)}${source.sessionToken === undefined ? '' : ', with a session token'}`,
          from: '$AWS_ACCESS_KEY_ID',
        },
      ];
      const profile = input.plan.hops[0]?.profile;
      if (profile !== undefined && config.profiles.get(profile)?.settings.has('credential_source') === true) rows.push(credentialSource(profile));
      return rows;
    }
    case 'process':
      return [
        { level: 0, label: '1. credential_process', value: `runs ${quote(source.command, 200)}`, from: at(source.origin) },
        { level: 1, label: 'profile', value: source.profile },
      ];
    case 'webIdentity':
      return [
        { level: 0, label: '1. web identity', value: `AssumeRoleWithWebIdentity ${source.roleArn.value}`, from: where(source.roleArn.from) },
        ...(source.profile === undefined ? [] : [{ level: 1 as const, label: 'profile', value: source.profile }]),
        ...sourced('token file', source.tokenFile, where),
        ...(source.roleSessionName === undefined ? [{ level: 1 as const, label: 'session name', value: generatedName(input.caller) }] : sourced('session name', source.roleSessionName, where)),
        ...sourced('duration', source.durationSeconds, where, seconds),
      ];
    case 'sso': {
      const session = source.session === undefined ? undefined : config.ssoSessions.get(source.session);
      return [
        { level: 0, label: '1. SSO', value: `GetRoleCredentials for ${source.roleName.value} in ${source.accountId.value}`, from: fileOrigin(config, source.profile, 'sso_account_id', homeDir) },
        { level: 1, label: 'profile', value: source.profile },
        ...(session === undefined ? [] : [{ level: 1 as const, label: 'sso-session', value: session.name, from: at(session.origin) }]),
        ...sourced('start URL', source.startUrl, where),
        ...sourced('SSO region', source.ssoRegion, where),
        ...sourced('account', source.accountId, where),
        ...sourced('role name', source.roleName, where),
        { level: 1, label: 'token', value: 'from the SSO cache of aws sso login (or assume --sso-login)' },
      ];
    }
    case 'instanceMetadata':
      return [
        {
          level: 0,
          label: '1. instance metadata',
          value: `role credentials from ${source.endpoint?.value ?? 'http://169.254.169.254'} (IMDSv2)`,
          from: source.endpoint === undefined ? 'default' : where(source.endpoint.from),
        },
        credentialSource(source.profile),
      ];
    case 'container':
      return [
        { level: 0, label: '1. container', value: `role credentials from ${source.uri.value}`, from: where(source.uri.from) },
        credentialSource(source.profile),
      ];
  }
}

/** `alice@assume-<unix seconds>`: what a generated session name will look like. */
function generatedName(caller: string | undefined): string {
  const who = (caller ?? '').replace(sessionNameUnsafe, '-');
  return `generated: ${who === '' ? '' : `${who}@`}assume-<unix seconds>`;
}

function seconds(value: number): string {
  return `${value} s`;
}

/** Whether the credentials this hop is called with are long-term keys (so an MFA code goes into GetSessionToken). */
function longTermSource(plan: Plan, index: number): boolean | undefined {
  if (index > 0) return false;
  const { source } = plan;
  if (source.kind === 'static' || source.kind === 'environment') return source.sessionToken === undefined;
  if (source.kind === 'process') return undefined;
  return false;
}

function describeMfa(hop: AssumeRoleHop, index: number, input: ExplainInput, where: Where): Row[] {
  if (hop.mfaSerial === undefined) return [];
  const code = input.plan.tokenCode !== undefined ? 'from --token-code' : hop.mfaProcess !== undefined ? `from mfa_process ${quote(hop.mfaProcess.value, 200)}` : 'asked on the terminal';
  const longTerm = input.cacheEnabled ? longTermSource(input.plan, index) : false;
  const call =
    longTerm === true
      ? 'goes to GetSessionToken (a 12-hour MFA session, cached)'
      : longTerm === undefined
        ? 'goes to GetSessionToken for long-term keys, else with AssumeRole'
        : 'sent with AssumeRole';
  return [
    { level: 1, label: 'MFA device', value: hop.mfaSerial.value, from: where(hop.mfaSerial.from) },
    { level: 1, label: 'MFA code', value: `${code}; ${call}`, from: hop.mfaProcess === undefined || input.plan.tokenCode !== undefined ? undefined : where(hop.mfaProcess.from) },
  ];
}

/** One AssumeRole: its role and every parameter it is called with. */
function describeHop(hop: AssumeRoleHop, index: number, input: ExplainInput, where: Where): Row[] {
  const step = index + 2;
  return [
    { level: 0, label: `${step}. AssumeRole`, value: hop.roleArn.value, from: where(hop.roleArn.from) },
    ...(hop.profile === undefined ? [] : [{ level: 1 as const, label: 'profile', value: hop.profile }]),
    ...(hop.roleSessionName === undefined ? [{ level: 1 as const, label: 'session name', value: generatedName(input.caller) }] : sourced('session name', hop.roleSessionName, where)),
    ...sourced('external id', hop.externalId, where),
    ...(hop.durationSeconds === undefined ? [{ level: 1 as const, label: 'duration', value: 'the role\'s default (1 hour)' }] : sourced('duration', hop.durationSeconds, where, seconds)),
    ...describeMfa(hop, index, input, where),
    ...sourced('tags', hop.tags, where, (tags) => tags.map((tag) => `${tag.key}=${tag.value}`).join(', ')),
    ...sourced('transitive', hop.transitiveTagKeys, where, (keys) => keys.join(', ')),
    ...sourced('source identity', hop.sourceIdentity, where),
    ...sourced('policy', hop.policy, where, (text) => `inline, ${text.length} characters`),
    ...sourced('policy ARNs', hop.policyArns, where, (arns) => arns.join(', ')),
  ];
}

function describeCache(cache: CacheState): string {
  switch (cache.kind) {
    case 'off':
      return 'not used (--no-cache)';
    case 'uncached':
      return 'not used: these credentials are handed out as they come';
    case 'refresh':
      return 'not read (--refresh): new credentials would be asked for';
    case 'fresh':
      return `fresh credentials until ${formatExpiration(cache.expiration)} (${timeLeft(cache.expiration.getTime() - cache.now.getTime())} left): no call would be made`;
    case 'stale':
      return cache.expiration.getTime() > cache.now.getTime()
        ? `credentials until ${formatExpiration(cache.expiration)}, too close to expiry: new ones would be asked for`
        : `expired credentials (${formatExpiration(cache.expiration)}): new ones would be asked for`;
    case 'miss':
      return 'no credentials for this chain yet: they would be asked for, then cached';
    case 'unreadable':
      return `cannot be read: ${cache.message}`;
  }
}

/**
 * The rows as aligned text: level 0 labels in one column, level 1 labels (indented under
 * their step) in another, and the sources in a third column that starts at the same place on
 * every line (unless a long value pushes it further on its own line).
 */
function renderRows(rows: readonly Row[]): string {
  const indent = (level: 0 | 1): string => (level === 0 ? '  ' : '       ');
  const width = (level: 0 | 1): number => Math.max(0, ...rows.filter((row) => row.level === level).map((row) => row.label.length));
  const labelWidth = { 0: width(0), 1: width(1) };
  const lefts = rows.map((row) => `${indent(row.level)}${row.label.padEnd(labelWidth[row.level])}  ${row.value}`);
  const column = Math.min(maxFromColumn, Math.max(0, ...lefts.filter((left, i) => rows[i]?.from !== undefined && left.length <= maxFromColumn).map((left) => left.length)));
  return lefts
    .map((left, i) => {
      const from = rows[i]?.from;
      return from === undefined ? left : `${left.padEnd(column)}  ${from}`;
    })
    .join('\n')
    .concat('\n');
}
