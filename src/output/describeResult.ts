import type { Credentials } from '../credentials.js';
import { paintAt } from './paint.js';

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

/** `59m`, `1h`, `1h 5m`, `<1m`: how long is left, to the minute, rounded down. */
export function timeLeft(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes === 0) return '<1m';
  const hours = Math.floor(minutes / 60);
  if (hours === 0) return `${minutes}m`;
  return minutes % 60 === 0 ? `${hours}h` : `${hours}h ${minutes % 60}m`;
}

const twoDigits = (value: number): string => String(value).padStart(2, '0');

/** The local date and wall-clock time of `when`: `2026-11-29 04:00`. */
export function localDateTime(when: Date): string {
  return `${when.getFullYear()}-${twoDigits(when.getMonth() + 1)}-${twoDigits(when.getDate())} ${twoDigits(when.getHours())}:${twoDigits(when.getMinutes())}`;
}

/** The local wall-clock time of `when`: `16:04` on the same day as `now`, else `2026-11-29 04:00`. */
export function localTime(when: Date, now: Date): string {
  const sameDay = when.getFullYear() === now.getFullYear() && when.getMonth() === now.getMonth() && when.getDate() === now.getDate();
  return sameDay ? `${twoDigits(when.getHours())}:${twoDigits(when.getMinutes())}` : localDateTime(when);
}

/** Less than this left and the time left shows in yellow. */
const lowMs = 15 * 60_000;

/**
 * The one line assume writes on stderr after a success, for a person at a terminal and for a
 * CI log: `prod-admin (222222222222) valid until 16:04, 59m left` (local time), with
 * `, from the cache` when no STS call was made; the role's name stands in for the profile
 * under a bare --role-arn. Never a key, secret or token. Colors at chalk's `level` (0: none),
 * painted as chalk paints (src/output/paint.ts).
 */
export function describeResult(summary: ResultSummary, now: Date, level: 0 | 1 | 2 | 3 = 0): string {
  const paint = paintAt(level);
  const arn = summary.assumedRoleArn?.match(/^arn:[\w-]+:sts::(\d{12}):assumed-role\/([^/]+)\//);
  const name = summary.profile ?? arn?.[2] ?? 'credentials';
  const account = arn === null || arn === undefined ? '' : ` ${paint.dim(`(${arn[1] ?? ''})`)}`;
  const { expiration } = summary.credentials;
  let validity: string;
  if (expiration === undefined) {
    validity = summary.credentials.sessionToken === undefined ? 'long-term keys, no expiry' : 'no expiry given';
  } else {
    const left = expiration.getTime() - now.getTime();
    const leftText = `${timeLeft(left)} left`;
    validity = `valid until ${localTime(expiration, now)}, ${left < lowMs ? paint.yellow(leftText) : paint.green(leftText)}`;
  }
  return `${paint.bold(name)}${account} ${validity}${summary.cached ? paint.dim(', from the cache') : ''}\n`;
}
