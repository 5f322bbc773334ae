import type { AwsConfig } from '../config/types.js';
import { isAssumeError } from '../errors.js';
import type { Env } from '../resolve/resolvePlan.js';
import { resolvePlan } from '../resolve/resolvePlan.js';
import { finding } from './finding.js';
import type { Finding } from './finding.js';
import { credentialKeys } from './knownKeys.js';

/**
 * The environment doctor resolves every profile in: none of the user's variables (the check is
 * of the files, not of this shell), with stand-ins for the credentials and the container
 * endpoint that credential_source = Environment and EcsContainer read, so those profiles
 * resolve as they would where they are meant to run. Never used to call anything.
 */
const standInEnv: Env = {
  AWS_ACCESS_KEY_ID: 'AKIADOCTORSTANDIN000',
  AWS_SECRET_ACCESS_KEY: 'doctor-stand-in',
  AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://169.254.170.2/doctor',
};

/** The profiles a profile's chain goes through, by source_profile, as far as they exist. */
function chainOf(config: AwsConfig, name: string): string[] {
  const chain = [name];
  let current = config.profiles.get(name);
  while (current !== undefined) {
    const next = current.settings.get('source_profile')?.value;
    if (next === undefined || chain.includes(next)) break;
    chain.push(next);
    current = config.profiles.get(next);
  }
  return chain;
}

/**
 * Resolves every profile that has credentials or a way to get them, as `assume PROFILE` would
 * (no network, no file read), and turns what the resolver refuses into an error at the
 * profile's section. Left out: profiles that hold settings only (a [default] with a region),
 * chains through a profile `faulty` already has an error for (the other checks said it with
 * a better place), and a message already reported for another profile.
 */
export function checkResolvable(config: AwsConfig, faulty: ReadonlySet<string>): Finding[] {
  const found: Finding[] = [];
  const messages = new Set<string>();
  for (const section of config.profiles.values()) {
    if (!credentialKeys.some((key) => section.settings.has(key))) continue;
    if (chainOf(config, section.name).some((name) => faulty.has(name))) continue;
    try {
      resolvePlan(config, standInEnv, { profile: section.name });
    } catch (error) {
      if (!isAssumeError(error)) throw error;
      if (messages.has(error.message)) continue;
      messages.add(error.message);
      found.push(finding(section.origin, 'error', error.message, error.hint ?? 'Fix the profile as the message says.', section.name));
    }
  }
  return found;
}
