import type { AwsConfig, Origin, Section, Setting } from '../config/types.js';
import { AssumeError } from '../errors.js';
import { quote } from '../util/quote.js';
import { suggestNames } from '../util/suggest.js';
import type { AssumeRoleHop, Plan, SessionTag, SourceStep, Sourced, SsoSource, StsTarget, ValueSource, WebIdentitySource } from './plan.js';
import {
  externalIdPattern,
  maxPolicyArns,
  maxSessionTags,
  policyArnPattern,
  sourceIdentityPattern,
  tagKeyPattern,
  tagValuePattern,
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
  /** `--tag`, `--transitive-tag`, `--source-identity`, `--policy` (JSON text), `--policy-arn`: for the last hop. */
  readonly tags?: readonly SessionTag[] | undefined;
  readonly transitiveTagKeys?: readonly string[] | undefined;
  readonly sourceIdentity?: string | undefined;
  readonly policy?: string | undefined;
  readonly policyArns?: readonly string[] | undefined;
}

/** credential_source values the AWS CLI accepts. */
export const credentialSources = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'] as const;

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
 *   USAGE
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
    const envWebIdentity = environmentWebIdentity(env);
    if (options.profile === undefined && env.AWS_ACCESS_KEY_ID !== undefined && env.AWS_ACCESS_KEY_ID !== '') {
      chain = { source: resolver.environmentSource('--role-arn'), hops: [directHop], visited: [] };
      planProfile = undefined;
    } else if (options.profile === undefined && envWebIdentity !== undefined && !config.profiles.has(profileName)) {
      chain = { source: envWebIdentity, hops: [directHop], visited: [] };
      planProfile = undefined;
    } else if (options.profile === undefined && !config.profiles.has(profileName)) {
      throw new AssumeError(
        'SOURCE_MISSING',
        `no credentials to assume ${options.roleArn} with: AWS_ACCESS_KEY_ID is not set, nor AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, and there is no profile "${profileName}"`,
        { hint: 'Export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN), or name a profile to start from: assume PROFILE --role-arn ARN.' },
      );
    } else {
      const base = resolver.resolveTarget(profileName, requested === undefined);
      chain = { ...base, hops: [...base.hops, directHop] };
    }
  } else {
    const envWebIdentity = environmentWebIdentity(env);
    if (requested === undefined && envWebIdentity !== undefined && !config.profiles.has(profileName)) {
      // No profile asked for, none configured, and a web identity in the environment (EKS, CI).
      chain = { source: envWebIdentity, hops: [], visited: [] };
      planProfile = undefined;
    } else {
      chain = resolver.resolveTarget(profileName, requested === undefined);
    }
  }

  const hops = applyOverrides(chain.hops, options);
  hops.forEach(validateHop);
  validateSource(chain.source);
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

/** AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN (+ AWS_ROLE_SESSION_NAME), as EKS and CI set them; undefined when either is unset. */
function environmentWebIdentity(env: Env): WebIdentitySource | undefined {
  const tokenFile = envValue(env, 'AWS_WEB_IDENTITY_TOKEN_FILE');
  const roleArn = envValue(env, 'AWS_ROLE_ARN');
  if (tokenFile === undefined || roleArn === undefined) return undefined;
  return { kind: 'webIdentity', roleArn, tokenFile, roleSessionName: envValue(env, 'AWS_ROLE_SESSION_NAME') };
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
    return { source: this.leafSource(section, true), hops: [], visited };
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
        `the source_profile ${quote(sourceName)} named in profile "${name}" (${formatOrigin(sourceProfile.origin)}) does not exist`,
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

  /**
   * A profile named by source_profile: with static keys, or without a role of its own, its
   * own credentials (which then win over its role_arn, as in the AWS CLI); else its role.
   */
  private resolveSourceProfile(section: Section, visited: string[]): Chain {
    if (hasStaticCredentials(section) || !hasAssumeRoleConfig(section)) return { source: this.leafSource(section, false), hops: [], visited };
    return this.resolveRole(section, visited);
  }

  /**
   * A profile's own credentials, in the order of the AWS CLI's provider chain: web identity,
   * SSO, static keys in the credentials file, credential_process, static keys in the config
   * file. For the profile asked for (not a source profile), AWS_WEB_IDENTITY_TOKEN_FILE,
   * AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME override its web identity keys, as in botocore.
   */
  private leafSource(section: Section, target: boolean): SourceStep {
    const webIdentity = this.webIdentitySource(section, target);
    if (webIdentity !== undefined) return webIdentity;
    if (section.settings.has('sso_account_id') || section.settings.has('sso_role_name')) return this.ssoSource(section);
    const inCredentialsFile = section.settings.get('aws_access_key_id')?.origin.file === this.config.files.credentials;
    if (hasStaticCredentials(section) && inCredentialsFile) return staticSource(section);
    const process = section.settings.get('credential_process');
    if (process !== undefined && process.value !== '') {
      return { kind: 'process', profile: section.name, command: process.value, origin: process.origin };
    }
    if (hasStaticCredentials(section)) return staticSource(section);
    throw new AssumeError(
      'SOURCE_MISSING',
      `profile "${section.name}" (${formatOrigin(section.origin)}) has no credentials: no role_arn, no aws_access_key_id, no credential_process, no sso_session, no web_identity_token_file`,
      { hint: `Add a role_arn with a source_profile, aws_access_key_id and aws_secret_access_key, a credential_process or SSO settings to [${sectionLabel(section.name)}].` },
    );
  }

  private webIdentitySource(section: Section, target: boolean): WebIdentitySource | undefined {
    const setting = (key: string, variable: string): Sourced<string> | undefined =>
      (target ? envValue(this.env, variable) : undefined) ?? sourcedSetting(section, key);
    const tokenFile = setting('web_identity_token_file', 'AWS_WEB_IDENTITY_TOKEN_FILE');
    if (tokenFile === undefined || tokenFile.value === '') return undefined;
    const roleArn = setting('role_arn', 'AWS_ROLE_ARN');
    if (roleArn === undefined || roleArn.value === '') {
      throw new AssumeError(
        'CONFIG_INVALID',
        `profile "${section.name}" has a web_identity_token_file ${describeFrom(tokenFile.from)} but no role_arn`,
        { hint: `Add role_arn = arn:aws:iam::ACCOUNT:role/NAME to [${sectionLabel(section.name)}], or set AWS_ROLE_ARN.` },
      );
    }
    return {
      kind: 'webIdentity',
      profile: section.name,
      roleArn,
      tokenFile,
      roleSessionName: setting('role_session_name', 'AWS_ROLE_SESSION_NAME'),
      durationSeconds: durationSetting(section),
    };
  }

  /** sso_account_id + sso_role_name, with sso_start_url + sso_region from the profile or its [sso-session], as botocore checks them. */
  private ssoSource(section: Section): SsoSource {
    const sessionSetting = section.settings.get('sso_session');
    let sessionSection: Section | undefined;
    if (sessionSetting !== undefined) {
      sessionSection = this.config.ssoSessions.get(sessionSetting.value);
      if (sessionSection === undefined) {
        const close = suggestNames(sessionSetting.value, this.config.ssoSessions.keys());
        throw new AssumeError(
          'CONFIG_INVALID',
          `the sso_session ${quote(sessionSetting.value)} named in profile "${section.name}" (${formatOrigin(sessionSetting.origin)}) does not exist`,
          { hint: close.length > 0 ? `Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : `Add an [sso-session ${sessionSetting.value}] section with sso_start_url and sso_region.` },
        );
      }
      for (const [key, value] of sessionSection.settings) {
        const own = section.settings.get(key);
        if (own !== undefined && own.value !== value.value) {
          throw new AssumeError(
            'CONFIG_INVALID',
            `${key} differs between profile "${section.name}" (${formatOrigin(own.origin)}) and sso-session "${sessionSection.name}" (${formatOrigin(value.origin)})`,
            { hint: `Remove ${key} from [${sectionLabel(section.name)}]: the sso-session's value is the one used.` },
          );
        }
      }
    }
    const get = (key: string): Sourced<string> | undefined =>
      (sessionSection && sourcedSetting(sessionSection, key)) ?? sourcedSetting(section, key);
    const required = ['sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name'] as const;
    const missing = required.filter((key) => get(key) === undefined);
    if (missing.length > 0) {
      throw new AssumeError(
        'CONFIG_INVALID',
        `profile "${section.name}" (${formatOrigin(section.origin)}) is configured to use SSO but is missing ${missing.join(', ')}`,
        { hint: sessionSection ? `Set sso_start_url and sso_region in [sso-session ${sessionSection.name}], sso_account_id and sso_role_name in the profile.` : 'Set sso_start_url, sso_region, sso_account_id and sso_role_name (or sso_session naming an [sso-session] section).' },
      );
    }
    const value = (key: (typeof required)[number]): Sourced<string> => {
      const found = get(key);
      if (found === undefined) throw new Error(`unreachable: ${key} was checked`);
      return found;
    };
    const scopes = sessionSection?.settings.get('sso_registration_scopes')?.value;
    return {
      kind: 'sso',
      profile: section.name,
      session: sessionSection?.name,
      startUrl: value('sso_start_url'),
      ssoRegion: value('sso_region'),
      accountId: value('sso_account_id'),
      roleName: value('sso_role_name'),
      registrationScopes: scopes === undefined ? undefined : splitList(scopes),
    };
  }

  private credentialSource(profile: string, setting: Setting): SourceStep {
    const value = setting.value;
    if (value === 'Environment') return this.environmentSource(`credential_source = Environment in profile "${profile}"`);
    if (value === 'Ec2InstanceMetadata') return { kind: 'instanceMetadata', profile, endpoint: this.metadataEndpoint(profile) };
    if (value === 'EcsContainer') return { kind: 'container', profile, uri: this.containerUri(profile, setting) };
    throw new AssumeError(
      'CONFIG_INVALID',
      `credential_source = ${quote(value)} in profile "${profile}" (${formatOrigin(setting.origin)}) is not valid`,
      { hint: `Use one of ${credentialSources.join(', ')} (the AWS CLI's names, case-sensitive).` },
    );
  }

  /** AWS_EC2_METADATA_SERVICE_ENDPOINT, else the profile's ec2_metadata_service_endpoint, else the IPv6 address when the mode says so. */
  private metadataEndpoint(profile: string): Sourced<string> | undefined {
    const explicit = envValue(this.env, 'AWS_EC2_METADATA_SERVICE_ENDPOINT') ?? profileSetting(this.config, profile, 'ec2_metadata_service_endpoint');
    if (explicit !== undefined) return explicit;
    const mode = envValue(this.env, 'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE') ?? profileSetting(this.config, profile, 'ec2_metadata_service_endpoint_mode');
    if (mode !== undefined && mode.value.toLowerCase() === 'ipv6') return { value: 'http://[fd00:ec2::254]', from: mode.from };
    return undefined;
  }

  /** AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2, and first, as in botocore), else AWS_CONTAINER_CREDENTIALS_FULL_URI. */
  private containerUri(profile: string, setting: Setting): Sourced<string> {
    const relative = envValue(this.env, 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI');
    if (relative !== undefined) return { value: `http://169.254.170.2${relative.value.startsWith('/') ? '' : '/'}${relative.value}`, from: relative.from };
    const full = envValue(this.env, 'AWS_CONTAINER_CREDENTIALS_FULL_URI');
    if (full !== undefined) return full;
    throw new AssumeError(
      'SOURCE_MISSING',
      `credential_source = EcsContainer in profile "${profile}" (${formatOrigin(setting.origin)}), but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set`,
      { hint: 'Run inside an ECS task or an EKS pod with a role (they set these variables), or use another credential_source.' },
    );
  }

  private notFound(name: string, implicit: boolean): AssumeError {
    const where = `${this.config.files.config} or ${this.config.files.credentials}`;
    if (implicit) return this.noProfileGiven(name, where);
    const close = suggestNames(name, this.config.profiles.keys());
    const hint =
      close.length > 0
        ? `Did you mean ${close.map((c) => `"${c}"`).join(', ')}?`
        : this.config.profiles.size === 0
          ? `No profiles at all were found in ${where}; set AWS_CONFIG_FILE if your config lives elsewhere.`
          : `Known profiles: ${[...this.config.profiles.keys()].slice(0, 10).join(', ')}${this.config.profiles.size > 10 ? ', ...' : ''}.`;
    return new AssumeError('PROFILE_NOT_FOUND', `profile "${name}" not found in ${where}`, { hint });
  }

  /**
   * No profile named anywhere, and no `default` to fall back on as the AWS CLI does: a usage
   * error (at a terminal, main opens the picker instead and never gets here).
   */
  private noProfileGiven(name: string, where: string): AssumeError {
    const names = [...this.config.profiles.keys()];
    const known =
      names.length === 0
        ? ` No profiles at all were found in ${where}; set AWS_CONFIG_FILE if your config lives elsewhere.`
        : ` Profiles: ${names.slice(0, 10).join(', ')}${names.length > 10 ? ', ...' : ''}.`;
    return new AssumeError('USAGE', `no profile given: neither AWS_PROFILE nor AWS_DEFAULT_PROFILE is set, and there is no "${name}" profile in ${where}`, {
      hint: `Name one: assume PROFILE, or export AWS_PROFILE=PROFILE; or run assume at a terminal to pick one from a list.${known}`,
    });
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

function durationSetting(section: Section): Sourced<number> | undefined {
  const duration = sourcedSetting(section, 'duration_seconds');
  if (duration === undefined) return undefined;
  if (!/^\d+$/.test(duration.value)) {
    throw new AssumeError('CONFIG_INVALID', `duration_seconds = ${quote(duration.value)} in profile "${section.name}" ${describeFrom(duration.from)} is not a whole number of seconds`, {
      hint: `Use a number of seconds from ${minDurationSeconds} to ${maxDurationSeconds}, e.g. duration_seconds = 3600.`,
    });
  }
  return { value: Number(duration.value), from: duration.from };
}

/** `a, b ,c` as ['a', 'b', 'c']; empty items dropped. */
function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

/**
 * `session_tags`: an indented block of `Key = Value` lines (keys keep their case), or one line
 * `Key=Value, Key2=Value2`.
 */
function tagsSetting(section: Section): Sourced<readonly SessionTag[]> | undefined {
  const setting = section.settings.get('session_tags');
  if (setting === undefined) return undefined;
  const from = fromFile(setting, section.name, 'session_tags');
  if (setting.nested !== undefined) {
    return { value: [...setting.nested].map(([key, value]) => ({ key, value: value.value })), from };
  }
  const tags = splitList(setting.value).map((item) => {
    const equals = item.indexOf('=');
    if (equals <= 0) {
      throw new AssumeError('CONFIG_INVALID', `session_tags in profile "${section.name}" ${describeFrom(from)}: ${quote(item)} is not Key=Value`, {
        hint: 'Write session_tags = Project=apollo, Team=data, or one "Key = Value" per indented line below session_tags =.',
      });
    }
    return { key: item.slice(0, equals).trim(), value: item.slice(equals + 1).trim() };
  });
  return { value: tags, from };
}

function listSetting(section: Section, key: string): Sourced<readonly string[]> | undefined {
  const setting = sourcedSetting(section, key);
  return setting === undefined ? undefined : { value: splitList(setting.value), from: setting.from };
}

function hopFrom(section: Section): AssumeRoleHop {
  const roleArn = sourcedSetting(section, 'role_arn');
  if (roleArn === undefined) throw new Error(`profile ${section.name} has no role_arn`);
  return {
    profile: section.name,
    roleArn,
    roleSessionName: sourcedSetting(section, 'role_session_name'),
    externalId: sourcedSetting(section, 'external_id'),
    durationSeconds: durationSetting(section),
    mfaSerial: sourcedSetting(section, 'mfa_serial'),
    mfaProcess: sourcedSetting(section, 'mfa_process'),
    tags: tagsSetting(section),
    transitiveTagKeys: listSetting(section, 'transitive_session_tags'),
    sourceIdentity: sourcedSetting(section, 'source_identity'),
    policyArns: listSetting(section, 'session_policy_arns'),
  };
}

function applyOverrides(hops: readonly AssumeRoleHop[], options: ResolveOptions): AssumeRoleHop[] {
  const result = [...hops];
  const last = result.at(-1);
  const sessionParameters =
    (options.tags?.length ?? 0) > 0 ||
    (options.transitiveTagKeys?.length ?? 0) > 0 ||
    options.sourceIdentity !== undefined ||
    options.policy !== undefined ||
    (options.policyArns?.length ?? 0) > 0;
  const overrides = options.externalId !== undefined || options.sessionName !== undefined || options.durationSeconds !== undefined || sessionParameters;
  if (last === undefined) {
    if (overrides) {
      throw new AssumeError(
        'USAGE',
        '--external-id, --session-name, --duration, --tag, --transitive-tag, --source-identity, --policy and --policy-arn apply to an assumed role, and this profile assumes none',
        { hint: 'Give a profile with a role_arn, or add --role-arn ARN.' },
      );
    }
    return result;
  }
  const flag = (name: string): ValueSource => ({ kind: 'flag', name });
  const tags = mergeTags(last.tags, options.tags);
  result[result.length - 1] = {
    ...last,
    ...(tags !== last.tags && { tags }),
    ...((options.transitiveTagKeys?.length ?? 0) > 0 && {
      transitiveTagKeys: { value: [...(last.transitiveTagKeys?.value ?? []), ...(options.transitiveTagKeys ?? [])], from: flag('--transitive-tag') },
    }),
    ...(options.sourceIdentity !== undefined && { sourceIdentity: { value: options.sourceIdentity, from: flag('--source-identity') } }),
    ...(options.policy !== undefined && { policy: { value: options.policy, from: flag('--policy') } }),
    ...((options.policyArns?.length ?? 0) > 0 && { policyArns: { value: [...(last.policyArns?.value ?? []), ...(options.policyArns ?? [])], from: flag('--policy-arn') } }),
    ...(options.externalId !== undefined && { externalId: { value: options.externalId, from: { kind: 'flag', name: '--external-id' } } }),
    ...(options.sessionName !== undefined && { roleSessionName: { value: options.sessionName, from: { kind: 'flag', name: '--session-name' } } }),
    ...(options.durationSeconds !== undefined && { durationSeconds: { value: options.durationSeconds, from: { kind: 'flag', name: '--duration' } } }),
  };
  return result;
}

/** The profile's tags with --tag ones added; a --tag replaces a configured tag of the same key (ignoring case, as AWS compares them). */
function mergeTags(configured: Sourced<readonly SessionTag[]> | undefined, flags: readonly SessionTag[] | undefined): Sourced<readonly SessionTag[]> | undefined {
  if (flags === undefined || flags.length === 0) return configured;
  const overridden = new Set(flags.map((tag) => tag.key.toLowerCase()));
  const kept = (configured?.value ?? []).filter((tag) => !overridden.has(tag.key.toLowerCase()));
  return { value: [...kept, ...flags], from: { kind: 'flag', name: '--tag' } };
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
    throw invalid(roleArn.from, `role_arn ${quote(roleArn.value)}${who} is not a role ARN`, 'A role ARN looks like arn:aws:iam::123456789012:role/NAME.');
  }
  if (roleSessionName !== undefined && !sessionNamePattern.test(roleSessionName.value)) {
    throw invalid(
      roleSessionName.from,
      `role session name ${quote(roleSessionName.value)}${who} is not valid`,
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
    throw invalid(mfaSerial.from, `mfa_serial ${quote(mfaSerial.value)}${who} is not an MFA device ARN or serial number`, 'It looks like arn:aws:iam::123456789012:mfa/NAME.');
  }
  validateSessionParameters(hop, who);
}

/** Session tags, transitive keys, source identity and policy ARNs, checked as STS checks them, before any call. */
function validateSessionParameters(hop: AssumeRoleHop, who: string): void {
  const { tags, transitiveTagKeys, sourceIdentity, policyArns } = hop;
  if (tags !== undefined) {
    if (tags.value.length > maxSessionTags) {
      throw invalid(tags.from, `${tags.value.length} session tags${who} are more than STS allows (${maxSessionTags})`, `Pass at most ${maxSessionTags} tags.`);
    }
    const seen = new Set<string>();
    for (const { key, value } of tags.value) {
      if (!tagKeyPattern.test(key)) {
        throw invalid(tags.from, `session tag key ${quote(key)}${who} is not valid`, 'A tag key is 1 to 128 letters, digits, spaces and _ . : / = + - @.');
      }
      if (!tagValuePattern.test(value)) {
        throw invalid(tags.from, `the value of session tag ${quote(key)}${who} is not valid`, 'A tag value is up to 256 letters, digits, spaces and _ . : / = + - @.');
      }
      if (seen.has(key.toLowerCase())) {
        throw invalid(tags.from, `session tag ${quote(key)}${who} is given twice (STS compares tag keys ignoring case)`, 'Keep one tag per key.');
      }
      seen.add(key.toLowerCase());
    }
  }
  if (transitiveTagKeys !== undefined) {
    const keys = new Set((tags?.value ?? []).map((tag) => tag.key.toLowerCase()));
    const stray = transitiveTagKeys.value.find((key) => !keys.has(key.toLowerCase()));
    if (stray !== undefined) {
      throw invalid(transitiveTagKeys.from, `transitive tag ${quote(stray)}${who} is not one of the session tags`, `Add a tag ${stray}=VALUE (session_tags or --tag), or drop it from the transitive ones.`);
    }
  }
  if (sourceIdentity !== undefined && (!sourceIdentityPattern.test(sourceIdentity.value) || sourceIdentity.value.toLowerCase().startsWith('aws:'))) {
    throw invalid(sourceIdentity.from, `source identity ${quote(sourceIdentity.value)}${who} is not valid`, 'A source identity is 2 to 64 characters of letters, digits and + = , . @ _ -, not starting with aws:.');
  }
  if (policyArns !== undefined) {
    if (policyArns.value.length > maxPolicyArns) {
      throw invalid(policyArns.from, `${policyArns.value.length} session policy ARNs${who} are more than STS allows (${maxPolicyArns})`, `Pass at most ${maxPolicyArns}.`);
    }
    const bad = policyArns.value.find((arn) => !policyArnPattern.test(arn));
    if (bad !== undefined) {
      throw invalid(policyArns.from, `${quote(bad)}${who} is not a managed policy ARN`, 'A policy ARN looks like arn:aws:iam::aws:policy/ReadOnlyAccess or arn:aws:iam::123456789012:policy/NAME.');
    }
  }
}

/** The source's own values: a web identity role and session name. */
function validateSource(source: SourceStep): void {
  if (source.kind !== 'webIdentity') return;
  const who = source.profile === undefined ? '' : ` in profile "${source.profile}"`;
  if (!roleArnPattern.test(source.roleArn.value)) {
    throw invalid(source.roleArn.from, `role_arn ${quote(source.roleArn.value)}${who} is not a role ARN`, 'A role ARN looks like arn:aws:iam::123456789012:role/NAME.');
  }
  if (source.roleSessionName !== undefined && !sessionNamePattern.test(source.roleSessionName.value)) {
    throw invalid(source.roleSessionName.from, `role session name ${quote(source.roleSessionName.value)}${who} is not valid`, 'A session name is 2 to 64 characters of letters, digits and + = , . @ _ -.');
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

/** botocore's validate_region_name: a host label, not all digits, no leading or trailing dash. */
export const regionPattern = /^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{0,63}(?<!-)$/;

/**
 * The region, refused with where it was written when it is not a valid region name (the AWS
 * CLI refuses it too, InvalidRegionError): it names the STS host and goes into exports.
 */
function resolveRegion(config: AwsConfig, env: Env, options: ResolveOptions, visited: readonly string[]): Sourced<string> | undefined {
  const region = findRegion(config, env, options, visited);
  if (region !== undefined && !regionPattern.test(region.value)) {
    throw invalid(region.from, `region ${quote(region.value)} is not a valid region name`, 'A region is a name such as eu-west-1: letters, digits and dashes, as `aws ec2 describe-regions` lists them.');
  }
  return region;
}

function findRegion(config: AwsConfig, env: Env, options: ResolveOptions, visited: readonly string[]): Sourced<string> | undefined {
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
        `profile "${profile.name}" names services = ${quote(servicesName.value)} (${formatOrigin(servicesName.origin)}), but there is no [services ${servicesName.value}] section`,
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
