import type { IniDocument } from '../config/parseIni.js';
import type { AwsConfig } from '../config/types.js';
import { quote } from '../util/quote.js';
import { shlexSplit } from '../util/shlexSplit.js';
import { suggestNames } from '../util/suggest.js';
import { finding } from './finding.js';
import type { Finding } from './finding.js';
import { knownServiceKeys, knownSsoSessionKeys } from './knownKeys.js';
import { regionPattern } from '../resolve/resolvePlan.js';

/** The name in `[KEYWORD NAME]` as botocore reads it (shlex-split into exactly two words), or undefined. */
function sectionName(header: string): string | undefined {
  const parts = shlexSplit(header);
  return parts?.length === 2 ? parts[1] : undefined;
}

/**
 * Sections the AWS CLI skips in the config file (src/config/loadAwsConfig.ts reads them as it
 * does): `[prod]` instead of `[profile prod]`, `[profile a b]`, `[profilefoo]`.
 */
function ignoredSections(doc: IniDocument): Finding[] {
  const found: Finding[] = [];
  for (const section of doc.sections) {
    const header = section.name;
    const origin = { file: doc.file, line: section.line };
    if (header === 'default') continue;
    const keyword = ['profile', 'sso-session', 'services'].find((word) => header.startsWith(word));
    if (keyword !== undefined && sectionName(header) !== undefined) continue;
    const hint =
      keyword === undefined
        ? `In the config file a profile is written [profile ${header.trim()}] (only [default] goes without the word profile).`
        : `Write [${keyword} NAME], with one name (in quotes if it holds spaces).`;
    found.push(finding(origin, 'warning', `section [${quote(header).slice(1, -1)}] is ignored by the AWS CLI and assume`, hint));
  }
  return found;
}

/** `[profile x]` in the credentials file: there it is the profile named "profile x", not x. */
function credentialsProfileKeyword(doc: IniDocument): Finding[] {
  return doc.sections
    .filter((section) => /^profile\s/.test(section.name))
    .map((section) =>
      finding(
        { file: doc.file, line: section.line },
        'warning',
        `section [${quote(section.name).slice(1, -1)}] in the credentials file is the profile ${quote(section.name)}, not ${quote(section.name.replace(/^profile\s+/, ''))}`,
        `In the credentials file, write [${section.name.replace(/^profile\s+/, '')}] without the word profile.`,
      ),
    );
}

/** [sso-session NAME]: its known keys, sso_start_url and sso_region present, a valid region. */
function ssoSessions(config: AwsConfig): Finding[] {
  const found: Finding[] = [];
  for (const session of config.ssoSessions.values()) {
    const who = `sso-session ${quote(session.name)}`;
    for (const [key, setting] of session.settings) {
      if (knownSsoSessionKeys.has(key)) continue;
      const close = suggestNames(key, knownSsoSessionKeys, 1);
      found.push(finding(setting.origin, 'warning', `unknown key ${quote(key)} in ${who}: the AWS CLI and assume ignore it`, close.length > 0 ? `Did you mean ${quote(close[0] ?? '')}?` : 'An [sso-session] section holds sso_start_url, sso_region and sso_registration_scopes.'));
    }
    const missing = ['sso_start_url', 'sso_region'].filter((key) => !session.settings.has(key));
    if (missing.length > 0) {
      found.push(finding(session.origin, 'error', `${who} is missing ${missing.join(' and ')}`, `Set sso_start_url and sso_region in [sso-session ${session.name}].`));
    }
    const region = session.settings.get('sso_region');
    if (region !== undefined && !regionPattern.test(region.value)) {
      found.push(finding(region.origin, 'error', `sso_region ${quote(region.value)} in ${who} is not a valid region name`, 'A region is a name such as eu-west-1: letters, digits and dashes.'));
    }
  }
  return found;
}

/** [services NAME]: each key a service with an indented block, each block's keys known. */
function services(config: AwsConfig): Finding[] {
  const found: Finding[] = [];
  for (const section of config.services.values()) {
    const who = `services ${quote(section.name)}`;
    for (const [service, setting] of section.settings) {
      if (setting.nested === undefined) {
        found.push(finding(setting.origin, 'warning', `${quote(service)} in ${who} has no indented settings below it, and is ignored`, `Write "${service} =" and below it, indented, "  endpoint_url = https://...".`));
        continue;
      }
      for (const [key, value] of setting.nested) {
        if (knownServiceKeys.has(key.toLowerCase())) continue;
        found.push(finding(value.origin, 'warning', `unknown setting ${quote(key)} for ${quote(service)} in ${who}`, 'A service block holds endpoint_url.'));
      }
    }
  }
  return found;
}

/** Checks of the sections themselves: skipped headers, [profile x] in the credentials file, sso-session and services sections. Pure. */
export function checkSections(config: AwsConfig, configDoc: IniDocument, credentialsDoc: IniDocument): Finding[] {
  return [...ignoredSections(configDoc), ...credentialsProfileKeyword(credentialsDoc), ...ssoSessions(config), ...services(config)];
}
