import type { CredentialsOutput } from '../credentials.js';
import { formatExpiration } from './formatExpiration.js';

/**
 * Formats credentials for the AWS `credential_process` protocol: one line of JSON,
 * `{"Version":1,"AccessKeyId":...,"SecretAccessKey":...,"SessionToken":...,"Expiration":...}`,
 * with a trailing newline. SessionToken and Expiration are left out when absent (long-term
 * keys, which the SDKs then never refresh). The region is not part of the protocol.
 */
export function formatCredentialProcess(out: CredentialsOutput): string {
  const { credentials } = out;
  const body: Record<string, string | number> = {
    Version: 1,
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
  };
  if (credentials.sessionToken !== undefined) body.SessionToken = credentials.sessionToken;
  if (credentials.expiration !== undefined) body.Expiration = formatExpiration(credentials.expiration);
  return `${JSON.stringify(body)}\n`;
}
