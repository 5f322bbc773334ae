import type { AwsConfig, Origin, Section, Setting } from '../config/types.js';
import { AssumeError } from '../errors.js';
import { suggestNames } from '../util/suggest.js';
import type { AssumeRoleHop, Plan, SourceStep, Sourced, StsTarget, ValueSource } from './plan.js';
import {
  externalIdPattern,
  maxDurationSeconds,
  mfaSerialPattern,
  minDurationSeconds,
  roleArnPattern,
  sessionNamePattern,
  tokenCodePattern,
} from './validate.js';

/** The environment, as resolvePlan reads it (never process.env directly). */
export type Env = Readonly<Record<string, string | undefined>>;

/** What the command line adds to or overrides in the config. */
export interface ResolveOptions {
  /** The profile argument; else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else `default`. */
  readonly profile?: string | undefined;
  /** `--role-arn`: one more hop after the profile's chain, or sourced from the environment. */
  readonly roleArn?: string | undefined;
  /** `--external-id`, `--session-name`, `--duration`: override the last hop's values. */
  readonly externalId?: string | undefined;
  readonly sessionName?: string | undefined;
  readonly durationSeconds?: number | undefined;
  /** `--token-code`: the MFA code for the hops with an mfa_serial. */
  readonly tokenCode?: string | undefined;
  readonly region?: string | undefined;
  readonly endpointUrl?: string | undefined;
}

/** credential_source values the AWS CLI accepts. */
const credentialSources = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'] as const;

interface Chain {
  readonly source: SourceStep;
  readonly hops: AssumeRoleHop[];
  /** Every profile the chain went through, target first. */
  readonly visited: string[];
}

/** `file:line`, as every config error names a place. */
export function formatOrigin(origin: Origin): string {
  return `${origin.file}:${origin.line}`;
}

function fromFile(setting: Setting, profile: string, key: string): ValueSource {
  return { kind: 'file', origin: setting.origin, profile, key };
}

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

/**
 * Decides, without touching the network or the disk, how to get credentials for a profile:
 * the source of the first credentials, each AssumeRole hop in order, the region and the STS
 * endpoint. Follows the AWS CLI's rules:
 * - a profile with `role_arn` (and no `web_identity_token_file`) is assumed from its
 *   `source_profile` or `credential_source`, never both;
 * - a source profile with static keys uses them, even if it also has a `role_arn`;
 * - a profile may name itself as `source_profile` when it holds static keys; any other
 *   revisit is a cycle.
 * Region: `--region`, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`, then the
 * nearest source profile's `region`. STS endpoint: `--endpoint-url`, AWS_ENDPOINT_URL_STS,
 * AWS_ENDPOINT_URL, the profile's `services` section (`sts` / `endpoint_url`), the profile's
 * `endpoint_url`; configured endpoints are skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
 * or `ignore_configured_endpoint_urls` is true.
 * @throws AssumeError PROFILE_NOT_FOUND, PROFILE_CYCLE, CONFIG_INVALID, SOURCE_MISSING,
 *   SOURCE_UNSUPPORTED, USAGE
 */
export function resolvePlan(config: AwsConfig, env: Env, options: ResolveOptions = {}): Plan {
  const requested = options.profile ?? env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE;
  const profileName = requested ?? 'default';
  const resolver = new ChainResolver(config, env);
  const outerChain = parseProfileChain(env.ASSUME_PROFILE_CHAIN);
  if (outerChain.includes(profileName)) {
    throw new AssumeError(
      'PROFILE_RECURSION',
      `profile "${profileName}" is already being resolved by an outer assume (${[...outerChain, profileName].join(' -> ')}): a credential_process calls assume on it again`,
      { hint: "A profile's credential_process must not lead back to the same profile; point it at a profile with its own credentials." },
    );
  }

  let chain: Chain;
  let planProfile: string | undefined = profileName;
  if (options.roleArn !== undefined) {
    const directHop: AssumeRoleHop = { roleArn: { value: options.roleArn, from: { kind: 'flag', name: '--role-arn' } } };
    if (options.profile === undefined && env.AWS_ACCESS_KEY_ID !== undefined && env.AWS_ACCESS_KEY_ID !== '') {
      chain = { source: resolver.environmentSource('--role-arn'), hops: [directHop], visited: [] };
      planProfile = undefined;
    } else if (options.profile === undefined && !config.profiles.has(profileName)) {
      throw new AssumeError(
        'SOURCE_MISSING',
        `no credentials to assume ${options.roleArn} with: AWS_ACCESS_KEY_ID is not set and there is no profile "${profileName}"`,
        { hint: 'Export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or name a profile to start from: assume PROFILE --role-arn ARN.' },
      );
    } else {
      const base = resolver.resolveTarget(profileName, requested === undefined);
      chain = { ...base, hops: [...base.hops, directHop] };
    }
  } else {
    chain = resolver.resolveTarget(profileName, requested === undefined);
  }

  const hops = applyOverrides(chain.hops, options);
  hops.forEach(validateHop);
  if (options.tokenCode !== undefined && !tokenCodePattern.test(options.tokenCode)) {
    throw new AssumeError('USAGE', 'the MFA code given with --token-code must be six digits', {
      hint: 'Pass the current code from your MFA device, e.g. --token-code 123456.',
    });
  }

  const settingsProfile = chain.visited[0];
  const target = settingsProfile === undefined ? undefined : config.profiles.get(settingsProfile);
  const region = resolveRegion(config, env, options, chain.visited);
  return {
    profile: planProfile,
    source: chain.source,
    hops,
    region,
    sts: resolveStsTarget(config, env, options, target, region),
    profileChain: [...new Set([...outerChain, ...chain.visited])],
    tokenCode: options.tokenCode,
  };
}

/** The environment variable that carries the profiles outer assume processes are resolving. */
export const profileChainVariable = 'ASSUME_PROFILE_CHAIN';

/** ASSUME_PROFILE_CHAIN as written by an outer assume: a JSON array of profile names. Anything else is ignored. */
function parseProfileChain(text: string | undefined): string[] {
  if (text === undefined || text === '') return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

class ChainResolver {
  constructor(
    private readonly config: AwsConfig,
    private readonly env: Env,
  ) {}

  /** The profile asked for: assumed if it has a role, else its own credentials. */
  resolveTarget(name: string, implicit: boolean): Chain {
    const section = this.config.profiles.get(name);
    if (section === undefined) throw this.notFound(name, implicit);
    const visited = [name];
    if (hasAssumeRoleConfig(section)) return this.resolveRole(section, visited);
    return { source: this.leafSource(section), hops: [], visited };
  }

  environmentSource(reason: string): SourceStep {
    const accessKeyId = this.env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = this.env.AWS_SECRET_ACCESS_KEY;
    if (accessKeyId === undefined || accessKeyId === '' || secretAccessKey === undefined || secretAccessKey === '') {
      throw new AssumeError(
        'SOURCE_MISSING',
        `${reason} takes credentials from the environment, but ${accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'} is not set`,
        { hint: 'Export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys).' },
      );
    }
    const sessionToken = this.env.AWS_SESSION_TOKEN ?? this.env.AWS_SECURITY_TOKEN;
    return { kind: 'environment', accessKeyId, secretAccessKey, sessionToken: sessionToken === '' ? undefined : sessionToken };
  }

  private resolveRole(section: Section, visited: string[]): Chain {
    const name = section.name;
    const hop = hopFrom(section);
    const sourceProfile = section.settings.get('source_profile');
    const credentialSource = section.settings.get('credential_source');
    if (sourceProfile !== undefined && credentialSource !== undefined) {
      throw new AssumeError(
        'CONFIG_INVALID',
        `profile "${name}" has both source_profile (${formatOrigin(sourceProfile.origin)}) and credential_source (${formatOrigin(credentialSource.origin)})`,
        { hint: 'Keep one of them: source_profile names a profile to start from, credential_source names where the first credentials come from.' },
      );
    }
    if (credentialSource !== undefined) {
      return { source: this.credentialSource(name, credentialSource), hops: [hop], visited };
    }
    if (sourceProfile === undefined) {
      throw new AssumeError(
        'CONFIG_INVALID',
        `profile "${name}" has a role_arn (${formatOrigin(hop.roleArn.from.kind === 'file' ? hop.roleArn.from.origin : section.origin)}) but neither source_profile nor credential_source`,
        { hint: `Add "source_profile = PROFILE" (a profile with credentials) or "credential_source = Environment" to [${sectionLabel(name)}].` },
      );
    }
    const sourceName = sourceProfile.value;
    const sourceSection = this.config.profiles.get(sourceName);
    if (sourceSection === undefined) {
      const close = suggestNames(sourceName, this.config.profiles.keys());
      throw new AssumeError(
        'CONFIG_INVALID',
        `the source_profile "${sourceName}" named in profile "${name}" (${formatOrigin(sourceProfile.origin)}) does not exist`,
        { hint: close.length > 0 ? `Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : 'Add that profile, or point source_profile at one that exists.' },
      );
    }
    if (visited.includes(sourceName)) {
      // A profile may name itself to use its own static keys, as the AWS CLI allows.
      if (sourceName === name && hasStaticCredentials(sourceSection)) {
        return { source: staticSource(sourceSection), hops: [hop], visited };
      }
      throw new AssumeError(
        'PROFILE_CYCLE',
        `source_profile cycle: ${[...visited, sourceName].join(' -> ')} (${formatOrigin(sourceProfile.origin)})`,
        { hint: 'One of these profiles must get its credentials elsewhere: static keys, credential_source, or a source_profile outside the loop.' },
      );
    }
    visited.push(sourceName);
    const sourceChain = this.resolveSourceProfile(sourceSection, visited);
    return { source: sourceChain.source, hops: [...sourceChain.hops, hop], visited };
  }

  /** A profile named by source_profile: its static keys win over its own role_arn, as in the AWS CLI. */
  private resolveSourceProfile(section: Section, visited: string[]): Chain {
    if (hasStaticCredentials(section)) return { source: staticSource(section), hops: [], visited };
    if (hasAssumeRoleConfig(section)) return this.resolveRole(section, visited);
    return { source: this.leafSource(section), hops: [], visited };
  }

  /** A profile without a role: static keys, a credential_process, or a source assume cannot start from yet. */
  private leafSource(section: Section): SourceStep {
    if (hasStaticCredentials(section)) return staticSource(section);
    const process = section.settings.get('credential_process');
    if (process !== undefined && process.value !== '') {
      return { kind: 'process', profile: section.name, command: process.value, origin: process.origin };
    }
    const other = ['web_identity_token_file', 'sso_session', 'sso_start_url'].find((key) => section.settings.has(key));
    if (other !== undefined) {
      const setting = section.settings.get(other);
      throw new AssumeError(
        'SOURCE_UNSUPPORTED',
        `profile "${section.name}" gets its credentials from ${other} (${setting ? formatOrigin(setting.origin) : formatOrigin(section.origin)}), which assume does not support yet`,
        { hint: 'Use a profile with static keys, credential_process or credential_source = Environment as the source of the chain.' },
      );
    }
    throw new AssumeError(
      'SOURCE_MISSING',
      `profile "${section.name}" (${formatOrigin(section.origin)}) has no credentials: no role_arn, no aws_access_key_id, no credential_process`,
      { hint: `Add a role_arn with a source_profile, aws_access_key_id and aws_secret_access_key, or a credential_process to [${sectionLabel(section.name)}].` },
    );
  }

  private credentialSource(profile: string, setting: Setting): SourceStep {
    const value = setting.value;
    if (value === 'Environment') return this.environmentSource(`credential_source = Environment in profile "${profile}"`);
    if ((credentialSources as readonly string[]).includes(value)) {
      throw new AssumeError(
        'SOURCE_UNSUPPORTED',
        `credential_source = ${value} in profile "${profile}" (${formatOrigin(setting.origin)}) is not supported by assume yet`,
        { hint: 'Use credential_source = Environment, or a source_profile with static keys.' },
      );
    }
    throw new AssumeError(
      'CONFIG_INVALID',
      `credential_source = "${value}" in profile "${profile}" (${formatOrigin(setting.origin)}) is not valid`,
      { hint: `Use one of ${credentialSources.join(', ')} (the AWS CLI's names, case-sensitive).` },
    );
  }

  private notFound(name: string, implicit: boolean): AssumeError {
    const close = suggestNames(name, this.config.profiles.keys());
    const where = `${this.config.files.config} or ${this.config.files.credentials}`;
    const why = implicit ? ' (no profile was given and neither AWS_PROFILE nor AWS_DEFAULT_PROFILE is set)' : '';
    const hint =
      close.length > 0
        ? `Did you mean ${close.map((c) => `"${c}"`).join(', ')}?`
        : this.config.profiles.size === 0
          ? `No profiles at all were found in ${where}; set AWS_CONFIG_FILE if your config lives elsewhere.`
          : `Known profiles: ${[...this.config.profiles.keys()].slice(0, 10).join(', ')}${this.config.profiles.size > 10 ? ', ...' : ''}.`;
    return new AssumeError('PROFILE_NOT_FOUND', `profile "${name}" not found in ${where}${why}`, { hint });
  }
}

function sectionLabel(name: string): string {
  return name === 'default' ? 'default' : `profile ${name}`;
}

function hasStaticCredentials(section: Section): boolean {
  return section.settings.has('aws_access_key_id') || section.settings.has('aws_secret_access_key');
}

function hasAssumeRoleConfig(section: Section): boolean {
  return section.settings.has('role_arn') && !section.settings.has('web_identity_token_file');
}

function staticSource(section: Section): SourceStep {
  const accessKeyId = section.settings.get('aws_access_key_id');
  const secretAccessKey = section.settings.get('aws_secret_access_key');
  if (accessKeyId === undefined || accessKeyId.value === '' || secretAccessKey === undefined || secretAccessKey.value === '') {
    const present = accessKeyId ?? secretAccessKey;
    const missing = accessKeyId === undefined || accessKeyId.value === '' ? 'aws_access_key_id' : 'aws_secret_access_key';
    throw new AssumeError(
      'CONFIG_INVALID',
      `profile "${section.name}" has partial credentials: ${missing} is missing or empty (${formatOrigin((present ?? accessKeyId ?? secretAccessKey)?.origin ?? section.origin)})`,
      { hint: `Set both aws_access_key_id and aws_secret_access_key in [${sectionLabel(section.name)}].` },
    );
  }
  const token = section.settings.get('aws_session_token') ?? section.settings.get('aws_security_token');
  return {
    kind: 'static',
    profile: section.name,
    accessKeyId: accessKeyId.value,
    secretAccessKey: secretAccessKey.value,
    sessionToken: token === undefined || token.value === '' ? undefined : token.value,
    origin: accessKeyId.origin,
  };
}

function sourcedSetting(section: Section, key: string): Sourced<string> | undefined {
  const setting = section.settings.get(key);
  return setting === undefined ? undefined : { value: setting.value, from: fromFile(setting, section.name, key) };
}

function hopFrom(section: Section): AssumeRoleHop {
  const duration = sourcedSetting(section, 'duration_seconds');
  let durationSeconds: Sourced<number> | undefined;
  if (duration !== undefined) {
    if (!/^\d+$/.test(duration.value)) {
      throw new AssumeError('CONFIG_INVALID', `duration_seconds = "${duration.value}" in profile "${section.name}" ${describeFrom(duration.from)} is not a whole number of seconds`, {
        hint: `Use a number of seconds from ${minDurationSeconds} to ${maxDurationSeconds}, e.g. duration_seconds = 3600.`,
      });
    }
    durationSeconds = { value: Number(duration.value), from: duration.from };
  }
  const roleArn = sourcedSetting(section, 'role_arn');
  if (roleArn === undefined) throw new Error(`profile ${section.name} has no role_arn`);
  return {
    profile: section.name,
    roleArn,
    roleSessionName: sourcedSetting(section, 'role_session_name'),
    externalId: sourcedSetting(section, 'external_id'),
    durationSeconds,
    mfaSerial: sourcedSetting(section, 'mfa_serial'),
    mfaProcess: sourcedSetting(section, 'mfa_process'),
  };
}

function applyOverrides(hops: readonly AssumeRoleHop[], options: ResolveOptions): AssumeRoleHop[] {
  const result = [...hops];
  const last = result.at(-1);
  const overrides = options.externalId !== undefined || options.sessionName !== undefined || options.durationSeconds !== undefined;
  if (last === undefined) {
    if (overrides) {
      throw new AssumeError('USAGE', '--external-id, --session-name and --duration apply to an assumed role, and this profile assumes none', {
        hint: 'Give a profile with a role_arn, or add --role-arn ARN.',
      });
    }
    return result;
  }
  result[result.length - 1] = {
    ...last,
    ...(options.externalId !== undefined && { externalId: { value: options.externalId, from: { kind: 'flag', name: '--external-id' } } }),
    ...(options.sessionName !== undefined && { roleSessionName: { value: options.sessionName, from: { kind: 'flag', name: '--session-name' } } }),
    ...(options.durationSeconds !== undefined && { durationSeconds: { value: options.durationSeconds, from: { kind: 'flag', name: '--duration' } } }),
  };
  return result;
}

/** `(~/.aws/config:12)` or `(--role-arn)`: where a value was written, for messages. */
export function describeFrom(from: ValueSource): string {
  switch (from.kind) {
    case 'file':
      return `(${formatOrigin(from.origin)})`;
    case 'flag':
      return `(${from.name})`;
    case 'env':
      return `(${from.name})`;
    case 'default':
      return '(default)';
  }
}

function invalid(from: ValueSource, message: string, hint: string): AssumeError {
  return new AssumeError(from.kind === 'file' ? 'CONFIG_INVALID' : 'USAGE', `${message} ${describeFrom(from)}`, { hint });
}

function validateHop(hop: AssumeRoleHop): void {
  const who = hop.profile === undefined ? '' : ` in profile "${hop.profile}"`;
  const { roleArn, roleSessionName, externalId, durationSeconds, mfaSerial } = hop;
  if (!roleArnPattern.test(roleArn.value)) {
    throw invalid(roleArn.from, `role_arn "${roleArn.value}"${who} is not a role ARN`, 'A role ARN looks like arn:aws:iam::123456789012:role/NAME.');
  }
  if (roleSessionName !== undefined && !sessionNamePattern.test(roleSessionName.value)) {
    throw invalid(
      roleSessionName.from,
      `role session name "${roleSessionName.value}"${who} is not valid`,
      'A session name is 2 to 64 characters of letters, digits and + = , . @ _ -.',
    );
  }
  if (externalId !== undefined && !externalIdPattern.test(externalId.value)) {
    throw invalid(externalId.from, `external_id${who} is not valid`, 'An external ID is 2 to 1224 characters of letters, digits and + = , . @ : / _ -.');
  }
  if (durationSeconds !== undefined && (durationSeconds.value < minDurationSeconds || durationSeconds.value > maxDurationSeconds)) {
    throw invalid(
      durationSeconds.from,
      `duration of ${durationSeconds.value} seconds${who} is outside what STS allows (${minDurationSeconds} to ${maxDurationSeconds})`,
      'Use a duration from 15 minutes (900) to 12 hours (43200); a role reached through another role is capped at 1 hour by AWS.',
    );
  }
  if (mfaSerial !== undefined && !mfaSerialPattern.test(mfaSerial.value)) {
    throw invalid(mfaSerial.from, `mfa_serial "${mfaSerial.value}"${who} is not an MFA device ARN or serial number`, 'It looks like arn:aws:iam::123456789012:mfa/NAME.');
  }
}

function profileSetting(config: AwsConfig, profile: string, key: string): Sourced<string> | undefined {
  const section = config.profiles.get(profile);
  if (section === undefined) return undefined;
  const sourced = sourcedSetting(section, key);
  return sourced === undefined || sourced.value === '' ? undefined : sourced;
}

function envValue(env: Env, name: string): Sourced<string> | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : { value, from: { kind: 'env', name } };
}

function resolveRegion(config: AwsConfig, env: Env, options: ResolveOptions, visited: readonly string[]): Sourced<string> | undefined {
  if (options.region !== undefined && options.region !== '') return { value: options.region, from: { kind: 'flag', name: '--region' } };
  const fromEnv = envValue(env, 'AWS_REGION') ?? envValue(env, 'AWS_DEFAULT_REGION');
  if (fromEnv !== undefined) return fromEnv;
  for (const profile of visited) {
    const region = profileSetting(config, profile, 'region');
    if (region !== undefined) return region;
  }
  return undefined;
}

function resolveStsTarget(
  config: AwsConfig,
  env: Env,
  options: ResolveOptions,
  target: Section | undefined,
  region: Sourced<string> | undefined,
): StsTarget {
  const useFipsEndpoint = isTrue(env.AWS_USE_FIPS_ENDPOINT ?? target?.settings.get('use_fips_endpoint')?.value);
  const base = { region: region?.value ?? 'us-east-1', useFipsEndpoint };
  if (options.endpointUrl !== undefined) {
    return { ...base, endpoint: { value: options.endpointUrl, from: { kind: 'flag', name: '--endpoint-url' } } };
  }
  const ignore = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? target?.settings.get('ignore_configured_endpoint_urls')?.value;
  if (isTrue(ignore)) return base;
  const endpoint =
    envValue(env, 'AWS_ENDPOINT_URL_STS') ?? envValue(env, 'AWS_ENDPOINT_URL') ?? (target && configuredEndpoint(config, target));
  return endpoint === undefined ? base : { ...base, endpoint };
}

/** The profile's `services` section `sts` / `endpoint_url`, else its own `endpoint_url`. */
function configuredEndpoint(config: AwsConfig, profile: Section): Sourced<string> | undefined {
  const servicesName = profile.settings.get('services');
  if (servicesName !== undefined) {
    const services = config.services.get(servicesName.value);
    if (services === undefined) {
      throw new AssumeError(
        'CONFIG_INVALID',
        `profile "${profile.name}" names services = ${servicesName.value} (${formatOrigin(servicesName.origin)}), but there is no [services ${servicesName.value}] section`,
        { hint: `Add a [services ${servicesName.value}] section, or remove the services key.` },
      );
    }
    const url = services.settings.get('sts')?.nested?.get('endpoint_url');
    if (url !== undefined && url.value !== '') {
      return { value: url.value, from: { kind: 'file', origin: url.origin, key: 'sts.endpoint_url' } };
    }
  }
  const own = profile.settings.get('endpoint_url');
  return own === undefined || own.value === '' ? undefined : { value: own.value, from: fromFile(own, profile.name, 'endpoint_url') };
}
