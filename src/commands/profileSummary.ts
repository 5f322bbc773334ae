import type { AwsConfig, Origin, Section } from '../config/types.js';

/** How a profile gets its credentials, in the order the AWS CLI tries them. */
export type ProfileKind = 'role' | 'sso' | 'static' | 'process' | 'web-identity' | 'credential-source' | 'unknown';

/** One profile as `assume ls` and the picker show it: only the profile's own keys, never a secret. */
export interface ProfileSummary {
  readonly name: string;
  readonly kind: ProfileKind;
  /** The profile's own role_arn. */
  readonly roleArn?: string | undefined;
  /** Account of role_arn, else sso_account_id, else undefined. */
  readonly account?: string | undefined;
  /** Role name from role_arn, else sso_role_name. */
  readonly role?: string | undefined;
  /**
   * Where the first credentials come from, as short text: "source_profile base",
   * "credential_source Ec2InstanceMetadata", "sso_session my-sso", "web identity",
   * "static keys", "credential_process".
   */
  readonly source?: string | undefined;
  readonly region?: string | undefined;
  /** Where the profile's section starts. */
  readonly origin: Origin;
}

/**
 * Every profile of the merged config (config + credentials files), sorted by name. Never
 * throws for a broken profile (its kind is then 'unknown' or what its keys suggest). Reads
 * only the profile's own keys: no network, no environment, no secret in any field.
 */
export function summarizeProfiles(config: AwsConfig): ProfileSummary[] {
  return [...config.profiles.values()]
    .map(summarizeProfile)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** A profile's kind and fields; precedence as the AWS CLI resolves a profile (role_arn first). */
function summarizeProfile(section: Section): ProfileSummary {
  const value = (key: string): string | undefined => {
    const v = section.settings.get(key)?.value;
    return v === undefined || v === '' ? undefined : v;
  };
  const base = { name: section.name, region: value('region'), origin: section.origin };
  const roleArn = value('role_arn');
  if (roleArn !== undefined) {
    const parsed = parseRoleArn(roleArn);
    return { ...base, kind: 'role', roleArn, account: parsed.account, role: parsed.role, source: roleSource(value) };
  }
  if (value('web_identity_token_file') !== undefined) return { ...base, kind: 'web-identity', source: 'web identity' };
  if ([...section.settings.keys()].some((key) => key.startsWith('sso_'))) {
    const session = value('sso_session');
    const startUrl = value('sso_start_url');
    return {
      ...base,
      kind: 'sso',
      account: value('sso_account_id'),
      role: value('sso_role_name'),
      source: session !== undefined ? `sso_session ${session}` : startUrl !== undefined ? `sso_start_url ${startUrl}` : 'sso',
    };
  }
  if (value('credential_process') !== undefined) return { ...base, kind: 'process', source: 'credential_process' };
  if (value('aws_access_key_id') !== undefined) return { ...base, kind: 'static', source: 'static keys' };
  // credential_source without role_arn is broken for the AWS CLI, but says where it would start.
  const credentialSource = value('credential_source');
  if (credentialSource !== undefined) return { ...base, kind: 'credential-source', source: `credential_source ${credentialSource}` };
  return { ...base, kind: 'unknown' };
}

/** The source of a role profile: source_profile, credential_source or web identity, as written. */
function roleSource(value: (key: string) => string | undefined): string | undefined {
  // web_identity_token_file wins over source_profile for the AWS CLI (AssumeRoleWithWebIdentity).
  if (value('web_identity_token_file') !== undefined) return 'web identity';
  const sourceProfile = value('source_profile');
  const credentialSource = value('credential_source');
  if (sourceProfile !== undefined) return `source_profile ${sourceProfile}`;
  if (credentialSource !== undefined) return `credential_source ${credentialSource}`;
  return undefined;
}

/** Account and role name of `arn:PARTITION:iam::ACCOUNT:role/PATH/NAME`; undefined parts for anything else. */
function parseRoleArn(arn: string): { account: string | undefined; role: string | undefined } {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return { account: undefined, role: undefined };
  const account = /^\d{12}$/.test(parts[4] ?? '') ? parts[4] : undefined;
  const resource = parts.slice(5).join(':');
  const role = resource.startsWith('role/') ? resource.slice(resource.lastIndexOf('/') + 1) || undefined : undefined;
  return { account, role };
}
