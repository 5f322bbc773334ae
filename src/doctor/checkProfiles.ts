import type { AwsConfig, Origin, Section, Setting } from '../config/types.js';
import { externalIdPattern, maxDurationSeconds, mfaSerialPattern, minDurationSeconds, roleArnPattern, sessionNamePattern } from '../resolve/validate.js';
import { quote } from '../util/quote.js';
import { suggestNames } from '../util/suggest.js';
import { finding } from './finding.js';
import type { Finding } from './finding.js';
import { knownProfileKeys, otherToolPrefixes } from './knownKeys.js';
import { credentialSources, regionPattern } from '../resolve/resolvePlan.js';

/** credential_source values the AWS CLI accepts (case-sensitive). */
/** AWS caps a role assumed with another role's credentials (role chaining) at one hour. */
const maxChainedSeconds = 3600;

function label(name: string): string {
  return `profile ${quote(name)}`;
}

function sectionHeader(name: string): string {
  return name === 'default' ? '[default]' : `[profile ${name}]`;
}

function hasStatic(section: Section): boolean {
  return section.settings.has('aws_access_key_id') || section.settings.has('aws_secret_access_key');
}

/** role_arn without web_identity_token_file: assumed from a source_profile or a credential_source, as in resolvePlan. */
function assumesRole(section: Section): boolean {
  return section.settings.has('role_arn') && !section.settings.has('web_identity_token_file');
}

/** Whether a profile can give credentials of its own when named as a source_profile, in resolvePlan's order. */
function hasCredentials(section: Section): boolean {
  const has = (key: string): boolean => section.settings.has(key);
  return has('web_identity_token_file') || has('sso_account_id') || has('sso_role_name') || hasStatic(section) || (has('credential_process') && section.settings.get('credential_process')?.value !== '') || has('role_arn');
}

/** Whether a source profile gives role credentials (another role, SSO, web identity), so a role assumed from it is chained. */
function givesRoleCredentials(section: Section): boolean {
  const has = (key: string): boolean => section.settings.has(key);
  if (has('web_identity_token_file') || has('sso_account_id') || has('sso_role_name')) return true;
  return !hasStatic(section) && assumesRole(section);
}

function didYouMean(close: readonly string[], otherwise: string): string {
  return close.length > 0 ? `Did you mean ${close.map((name) => quote(name)).join(', ')}?` : otherwise;
}

/** Checks of one profile's own keys and values. */
function checkOne(config: AwsConfig, section: Section): Finding[] {
  const { name, settings } = section;
  const who = label(name);
  const found: Finding[] = [];
  const add = (origin: Origin, severity: Finding['severity'], message: string, hint: string): void => {
    found.push(finding(origin, severity, message, hint, name));
  };
  const get = (key: string): Setting | undefined => settings.get(key);

  for (const [key, setting] of settings) {
    if (knownProfileKeys.has(key) || otherToolPrefixes.some((prefix) => key.startsWith(prefix))) continue;
    const close = suggestNames(key, knownProfileKeys, 1);
    add(setting.origin, 'warning', `unknown key ${quote(key)} in ${who}: the AWS CLI and assume ignore it`, didYouMean(close, 'Remove it, unless another tool reads it.'));
  }

  const keyId = get('aws_access_key_id');
  const secret = get('aws_secret_access_key');
  if ((keyId === undefined) !== (secret === undefined)) {
    const present = keyId ?? secret;
    const missing = keyId === undefined ? 'aws_access_key_id' : 'aws_secret_access_key';
    if (present !== undefined) add(present.origin, 'error', `${who} has ${missing === 'aws_access_key_id' ? 'aws_secret_access_key' : 'aws_access_key_id'} but no ${missing}`, `Set both aws_access_key_id and aws_secret_access_key in ${sectionHeader(name)}.`);
  }
  const secretInConfig = [secret, get('aws_session_token'), get('aws_security_token')].find((setting) => setting !== undefined && setting.origin.file === config.files.config);
  if (secretInConfig !== undefined) {
    add(
      secretInConfig.origin,
      'warning',
      `${who} keeps secret keys in the config file`,
      `Move aws_access_key_id and aws_secret_access_key to ${name === 'default' ? '[default]' : `[${name}]`} in the credentials file (mode 600); the config file is often shared and copied.`,
    );
  }

  const roleArn = get('role_arn');
  if (roleArn !== undefined && !roleArnPattern.test(roleArn.value)) {
    add(roleArn.origin, 'error', `role_arn ${quote(roleArn.value)} in ${who} is not a role ARN`, 'A role ARN looks like arn:aws:iam::123456789012:role/NAME.');
  }
  const mfaSerial = get('mfa_serial');
  if (mfaSerial !== undefined && !mfaSerialPattern.test(mfaSerial.value)) {
    add(mfaSerial.origin, 'error', `mfa_serial ${quote(mfaSerial.value)} in ${who} is not an MFA device ARN or serial number`, 'It looks like arn:aws:iam::123456789012:mfa/NAME.');
  }
  const externalId = get('external_id');
  if (externalId !== undefined && !externalIdPattern.test(externalId.value)) {
    // Not shown: an external ID is a shared secret of sorts.
    add(externalId.origin, 'error', `external_id in ${who} is not valid`, 'An external ID is 2 to 1224 characters of letters, digits and + = , . @ : / _ -.');
  }
  const sessionName = get('role_session_name');
  if (sessionName !== undefined && !sessionNamePattern.test(sessionName.value)) {
    add(sessionName.origin, 'error', `role_session_name ${quote(sessionName.value)} in ${who} is not valid`, 'A session name is 2 to 64 characters of letters, digits and + = , . @ _ -.');
  }
  const duration = get('duration_seconds');
  if (duration !== undefined) {
    if (!/^\d+$/.test(duration.value)) {
      add(duration.origin, 'error', `duration_seconds = ${quote(duration.value)} in ${who} is not a whole number of seconds`, `Use a number of seconds from ${minDurationSeconds} to ${maxDurationSeconds}, e.g. duration_seconds = 3600.`);
    } else if (Number(duration.value) < minDurationSeconds || Number(duration.value) > maxDurationSeconds) {
      add(duration.origin, 'error', `duration_seconds = ${duration.value} in ${who} is outside what STS allows (${minDurationSeconds} to ${maxDurationSeconds})`, 'Use a duration from 15 minutes (900) to 12 hours (43200).');
    }
  }
  for (const key of ['region', 'sso_region']) {
    const region = get(key);
    if (region !== undefined && region.value !== '' && !regionPattern.test(region.value)) {
      add(region.origin, 'error', `${key} ${quote(region.value)} in ${who} is not a valid region name`, 'A region is a name such as eu-west-1: letters, digits and dashes.');
    }
  }

  found.push(...checkSource(config, section));
  found.push(...checkSso(config, section));
  return found;
}

/** Where a role profile gets its first credentials: source_profile or credential_source, one of them, pointing at something that exists. */
function checkSource(config: AwsConfig, section: Section): Finding[] {
  const { name, settings } = section;
  const who = label(name);
  const found: Finding[] = [];
  const add = (origin: Origin, severity: Finding['severity'], message: string, hint: string): void => {
    found.push(finding(origin, severity, message, hint, name));
  };
  const roleArn = settings.get('role_arn');
  const sourceProfile = settings.get('source_profile');
  const credentialSource = settings.get('credential_source');
  if (roleArn === undefined) {
    for (const setting of [sourceProfile, credentialSource]) {
      if (setting === undefined) continue;
      const key = setting === sourceProfile ? 'source_profile' : 'credential_source';
      add(setting.origin, 'warning', `${key} in ${who} is ignored: the profile has no role_arn`, `Add role_arn = arn:aws:iam::ACCOUNT:role/NAME to ${sectionHeader(name)}, or remove ${key}.`);
    }
    return found;
  }
  if (!assumesRole(section)) return found;
  if (sourceProfile !== undefined && credentialSource !== undefined) {
    add(
      credentialSource.origin,
      'error',
      `${who} has both source_profile (line ${sourceProfile.origin.line}) and credential_source`,
      'Keep one of them: source_profile names a profile to start from, credential_source names where the first credentials come from.',
    );
    return found;
  }
  if (sourceProfile === undefined && credentialSource === undefined) {
    add(roleArn.origin, 'error', `${who} has a role_arn but neither source_profile nor credential_source`, `Add "source_profile = PROFILE" (a profile with credentials) or "credential_source = Environment" to ${sectionHeader(name)}.`);
    return found;
  }
  if (credentialSource !== undefined && !(credentialSources as readonly string[]).includes(credentialSource.value)) {
    add(
      credentialSource.origin,
      'error',
      `credential_source = ${quote(credentialSource.value)} in ${who} is not one the AWS CLI knows`,
      didYouMean(suggestNames(credentialSource.value, credentialSources, 1), `Use one of ${credentialSources.join(', ')} (case-sensitive).`),
    );
  }
  if (sourceProfile === undefined) return found;
  const source = config.profiles.get(sourceProfile.value);
  if (source === undefined) {
    add(
      sourceProfile.origin,
      'error',
      `source_profile ${quote(sourceProfile.value)} in ${who} names a profile that does not exist`,
      didYouMean(suggestNames(sourceProfile.value, config.profiles.keys()), 'Add that profile, or point source_profile at one that exists.'),
    );
    return found;
  }
  if (source.name !== name && !hasCredentials(source)) {
    add(
      sourceProfile.origin,
      'error',
      `source_profile ${quote(source.name)} in ${who} names a profile with no credentials (no keys, role_arn, credential_process, SSO or web identity settings)`,
      `Give ${sectionHeader(source.name)} credentials, or point source_profile at a profile that has them.`,
    );
  }
  const duration = settings.get('duration_seconds');
  if (source.name !== name && duration !== undefined && /^\d+$/.test(duration.value) && Number(duration.value) > maxChainedSeconds && givesRoleCredentials(source)) {
    add(
      duration.origin,
      'error',
      `duration_seconds = ${duration.value} in ${who}, but its role is assumed with the role credentials of profile ${quote(source.name)}, and AWS caps role chaining at ${maxChainedSeconds} seconds`,
      `Use duration_seconds = ${maxChainedSeconds} or less, or start the profile from long-term keys.`,
    );
  }
  return found;
}

/** SSO settings: a session that exists and holds its keys, and the four values the AWS CLI needs. */
function checkSso(config: AwsConfig, section: Section): Finding[] {
  const { name, settings } = section;
  const who = label(name);
  const found: Finding[] = [];
  const sessionSetting = settings.get('sso_session');
  let session: Section | undefined;
  if (sessionSetting !== undefined) {
    session = config.ssoSessions.get(sessionSetting.value);
    if (session === undefined) {
      found.push(
        finding(
          sessionSetting.origin,
          'error',
          `sso_session ${quote(sessionSetting.value)} in ${who} names no [sso-session] section`,
          didYouMean(suggestNames(sessionSetting.value, config.ssoSessions.keys()), `Add an [sso-session ${sessionSetting.value}] section with sso_start_url and sso_region.`),
          name,
        ),
      );
      return found;
    }
  }
  if (!settings.has('sso_account_id') && !settings.has('sso_role_name')) return found;
  const has = (key: string): boolean => session?.settings.has(key) === true || settings.has(key);
  const missing = ['sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name'].filter((key) => !has(key));
  if (missing.length > 0) {
    found.push(
      finding(
        section.origin,
        'error',
        `${who} is set up for SSO but is missing ${missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing.at(-1) ?? ''}` : missing.join('')}`,
        session === undefined
          ? 'Set sso_session (naming an [sso-session] section with sso_start_url and sso_region), sso_account_id and sso_role_name.'
          : `Set sso_start_url and sso_region in [sso-session ${session.name}], sso_account_id and sso_role_name in the profile.`,
        name,
      ),
    );
  }
  return found;
}

/**
 * source_profile cycles, each reported once, at the source_profile line of the profile in the
 * loop written first. Walks the chains as resolvePlan does: a source profile with static keys
 * (or no role) ends a chain, a profile may name itself when it has static keys, and any other
 * return to a profile already on the chain is a cycle.
 */
function checkCycles(config: AwsConfig): Finding[] {
  const found: Finding[] = [];
  const seen = new Set<string>();
  for (const start of config.profiles.values()) {
    if (!assumesRole(start)) continue;
    const path = [start.name];
    let current = start;
    for (;;) {
      if (current.settings.has('credential_source')) break;
      const sourceName = current.settings.get('source_profile')?.value;
      const source = sourceName === undefined ? undefined : config.profiles.get(sourceName);
      if (source === undefined) break;
      if (path.includes(source.name)) {
        if (source.name === current.name && hasStatic(source)) break;
        const loop = path.slice(path.indexOf(source.name));
        const key = [...loop].sort().join('\n');
        if (!seen.has(key)) {
          seen.add(key);
          found.push(cycleFinding(config, loop));
        }
        break;
      }
      if (hasStatic(source) || !assumesRole(source)) break;
      path.push(source.name);
      current = source;
    }
  }
  return found;
}

function cycleFinding(config: AwsConfig, loop: readonly string[]): Finding {
  const origin = (profile: string): Origin => config.profiles.get(profile)?.settings.get('source_profile')?.origin ?? { file: config.files.config, line: 0 };
  const before = (a: Origin, b: Origin): boolean => (a.file === b.file ? a.line < b.line : a.file === config.files.config);
  let first = 0;
  loop.forEach((profile, index) => {
    if (before(origin(profile), origin(loop[first] ?? profile))) first = index;
  });
  const rotated = [...loop.slice(first), ...loop.slice(0, first)];
  const head = rotated[0] ?? '';
  return finding(
    origin(head),
    'error',
    `source_profile cycle: ${[...rotated, head].map((profile) => quote(profile)).join(' -> ')}`,
    'One of these profiles must get its credentials elsewhere: static keys, credential_source, or a source_profile outside the loop.',
    head,
  );
}

/**
 * Every check of the profiles' keys and values: unknown keys, partial or misplaced static keys,
 * malformed role_arn, mfa_serial, external_id, role_session_name, duration_seconds and regions,
 * source_profile and credential_source (missing, both, unknown, naming a profile without
 * credentials, role chaining beyond an hour), SSO settings, and source_profile cycles. Pure.
 */
export function checkProfiles(config: AwsConfig): Finding[] {
  const found: Finding[] = [];
  for (const section of config.profiles.values()) found.push(...checkOne(config, section));
  found.push(...checkCycles(config));
  return found;
}
