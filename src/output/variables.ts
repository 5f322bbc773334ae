import type { CredentialsOutput } from '../credentials.js';
import { formatExpiration } from './formatExpiration.js';

/** What the environment formats (and `assume prof -- cmd`) do to an environment: unset, then set. */
export interface CredentialVariables {
  /** Variables to remove before setting the new ones. */
  readonly unset: readonly string[];
  /** Variables to set, as `[name, value]`, in the order they are printed. */
  readonly set: readonly (readonly [name: string, value: string])[];
}

/**
 * Variables a shell format always removes: the SDKs prefer a profile name over keys in the
 * environment (the JS SDK reads AWS_PROFILE before AWS_ACCESS_KEY_ID), and
 * AWS_SECURITY_TOKEN is the legacy name of the session token, read by some older tools.
 */
export const staleVariables = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN'] as const;

/**
 * The single list of environment variables every format writes, so the formats cannot
 * disagree: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN (when there is
 * one), AWS_CREDENTIAL_EXPIRATION (when there is one, UTC RFC 3339), AWS_REGION and
 * AWS_DEFAULT_REGION (both, when a region is known). It never sets AWS_PROFILE.
 *
 * `unset` lists the stale profile variables, plus AWS_SESSION_TOKEN and
 * AWS_CREDENTIAL_EXPIRATION when the new credentials have none: a token left over from
 * earlier credentials would be sent with the new keys and make every call fail. The region
 * is left alone when none is known, so a region the user chose still applies.
 */
export function credentialVariables(out: CredentialsOutput): CredentialVariables {
  const { credentials, region } = out;
  const unset: string[] = [...staleVariables];
  const set: [string, string][] = [
    ['AWS_ACCESS_KEY_ID', credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey],
  ];
  if (credentials.sessionToken === undefined) unset.push('AWS_SESSION_TOKEN');
  else set.push(['AWS_SESSION_TOKEN', credentials.sessionToken]);
  if (credentials.expiration === undefined) unset.push('AWS_CREDENTIAL_EXPIRATION');
  else set.push(['AWS_CREDENTIAL_EXPIRATION', formatExpiration(credentials.expiration)]);
  if (region !== undefined) {
    set.push(['AWS_REGION', region], ['AWS_DEFAULT_REGION', region]);
  }
  return { unset, set };
}
