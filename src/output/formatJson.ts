import type { CredentialsOutput } from '../credentials.js';
import { formatExpiration } from './formatExpiration.js';

/**
 * Formats credentials as pretty JSON (two-space indent, trailing newline) with the keys
 * AccessKeyId, SecretAccessKey, SessionToken, Expiration (UTC RFC 3339) and Region, leaving
 * out the ones that are absent. JSON can hold any string, so nothing is refused.
 */
export function formatJson(out: CredentialsOutput): string {
  const { credentials, region } = out;
  const body: Record<string, string> = {
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
  };
  if (credentials.sessionToken !== undefined) body.SessionToken = credentials.sessionToken;
  if (credentials.expiration !== undefined) body.Expiration = formatExpiration(credentials.expiration);
  if (region !== undefined) body.Region = region;
  return `${JSON.stringify(body, null, 2)}\n`;
}
