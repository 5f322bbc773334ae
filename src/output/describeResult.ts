import type { Credentials } from '../credentials.js';
import { formatExpiration } from './formatExpiration.js';

/** What the success line says: the profile, the identity the credentials are for, and how long they last. */
export interface ResultSummary {
  /** The profile asked for; undefined for a bare --role-arn or an environment web identity. */
  readonly profile?: string | undefined;
  /** arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, when STS said. */
  readonly assumedRoleArn?: string | undefined;
  readonly credentials: Credentials;
  /** Whether the credentials came from the cache. */
  readonly cached: boolean;
}

function remaining(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
}

/**
 * The one line assume writes on stderr after a success, for a person at a terminal and for a
 * CI log: `assume: prod-admin: arn:aws:sts::...:assumed-role/Admin/alice@assume-1764361234,
 * expires 2026-11-28T20:15:00Z (in 59 min, from the cache)`. Never a key, secret or token.
 */
export function describeResult(summary: ResultSummary, now: Date): string {
  const who = summary.profile === undefined ? '' : `${summary.profile}: `;
  const identity = summary.assumedRoleArn ?? (summary.credentials.sessionToken === undefined ? 'long-term keys' : 'temporary credentials');
  const { expiration } = summary.credentials;
  const when =
    expiration === undefined
      ? ', no expiry'
      : `, expires ${formatExpiration(expiration)} (in ${remaining(Math.max(0, expiration.getTime() - now.getTime()))}${summary.cached ? ', from the cache' : ''})`;
  return `assume: ${who}${identity}${when}\n`;
}
