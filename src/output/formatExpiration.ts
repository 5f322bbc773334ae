import { AssumeError } from '../errors.js';

/**
 * Formats an expiration time as UTC RFC 3339 without fractional seconds
 * (`2026-11-28T17:36:45Z`), the form the AWS SDKs read from `AWS_CREDENTIAL_EXPIRATION`
 * and from credential_process output. Milliseconds are dropped, never rounded up, so the
 * time printed is never later than the real expiration.
 *
 * @throws AssumeError `INTERNAL` when the date is invalid or outside years 0000-9999,
 *   which RFC 3339 cannot express: a bug upstream, not something the user can fix.
 */
export function formatExpiration(expiration: Date): string {
  const time = expiration.getTime();
  const year = expiration.getUTCFullYear();
  if (Number.isNaN(time) || year < 0 || year > 9999) {
    throw new AssumeError('INTERNAL', 'The credential expiration is not a date RFC 3339 can express.');
  }
  // toISOString is always YYYY-MM-DDTHH:mm:ss.sssZ for years 0000-9999.
  return `${expiration.toISOString().slice(0, 19)}Z`;
}
