/**
 * One cached set of temporary credentials, as stored in `<key>.json`, and the rules for
 * trusting it: `parseCacheEntry` (is it well formed) and `isFresh` (is it still worth using).
 */

/** A cached set of temporary credentials with what `assume cache list/clear` shows of it. */
export interface CacheEntry {
  readonly version: 1;
  readonly kind: 'role' | 'mfa-session';
  /** The profile that asked for it, for `assume cache list/clear`. */
  readonly profile?: string;
  readonly roleArn?: string;
  readonly mfaSerial?: string;
  /** When assume received the credentials, RFC 3339. */
  readonly issuedAt: string;
  /** When STS says they expire, RFC 3339. */
  readonly expiration: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly assumedRoleArn?: string;
}

const REQUIRED_STRINGS = ['issuedAt', 'expiration', 'accessKeyId', 'secretAccessKey', 'sessionToken'] as const;
const OPTIONAL_STRINGS = ['profile', 'roleArn', 'mfaSerial', 'assumedRoleArn'] as const;
const KNOWN_KEYS: ReadonlySet<string> = new Set(['version', 'kind', ...REQUIRED_STRINGS, ...OPTIONAL_STRINGS]);

/**
 * Parses the text of a cache entry file, strictly: a JSON object with `version` 1, a known
 * `kind`, every required field a non-empty string, every optional field absent or a
 * non-empty string, no other member, and `issuedAt` before `expiration`, both valid
 * RFC 3339 date-times.
 *
 * Anything else (empty, truncated, not JSON, text after the JSON, a missing or mistyped
 * field, an impossible date, another version) gives `undefined`: a broken entry is a cache
 * miss, never an error, and never half-used. The result holds only the known fields.
 */
export function parseCacheEntry(text: string): CacheEntry | undefined {
  const record = parseJsonObject(text);
  if (record === undefined) return undefined;
  if (!Object.keys(record).every((key) => KNOWN_KEYS.has(key))) return undefined;
  if (record.version !== 1) return undefined;
  if (record.kind !== 'role' && record.kind !== 'mfa-session') return undefined;
  for (const key of REQUIRED_STRINGS) {
    if (!isNonEmptyString(record[key])) return undefined;
  }
  for (const key of OPTIONAL_STRINGS) {
    if (Object.hasOwn(record, key) && !isNonEmptyString(record[key])) return undefined;
  }
  const entry = record as unknown as CacheEntry;
  const issuedAt = parseRfc3339(entry.issuedAt);
  const expiration = parseRfc3339(entry.expiration);
  if (issuedAt === undefined || expiration === undefined || expiration <= issuedAt) return undefined;
  return {
    version: 1,
    kind: entry.kind,
    ...(entry.profile === undefined ? {} : { profile: entry.profile }),
    ...(entry.roleArn === undefined ? {} : { roleArn: entry.roleArn }),
    ...(entry.mfaSerial === undefined ? {} : { mfaSerial: entry.mfaSerial }),
    issuedAt: entry.issuedAt,
    expiration: entry.expiration,
    accessKeyId: entry.accessKeyId,
    secretAccessKey: entry.secretAccessKey,
    sessionToken: entry.sessionToken,
    ...(entry.assumedRoleArn === undefined ? {} : { assumedRoleArn: entry.assumedRoleArn }),
  };
}

/**
 * Whether a cached entry is still worth handing out at `now`.
 *
 * It is fresh while more than a margin remains before `expiration`, where the margin is
 * `minRemainingMs`, but never more than half the session's length (`expiration - issuedAt`):
 * so credentials are renewed before callers would run out, yet a session shorter than
 * twice the margin is still used for its first half (a 15-minute session with a 20-minute
 * margin is fresh for 7.5 minutes) instead of never being a cache hit at all.
 *
 * An entry whose dates do not parse is never fresh.
 */
export function isFresh(entry: CacheEntry, now: Date, minRemainingMs: number): boolean {
  const issuedAt = Date.parse(entry.issuedAt);
  const expiration = Date.parse(entry.expiration);
  const margin = Math.min(minRemainingMs, (expiration - issuedAt) / 2);
  return expiration - now.getTime() > margin;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

// RFC 3339 section 5.6 date-time, with the upper-case T and Z that assume writes.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;

/** Milliseconds since the epoch of an RFC 3339 date-time, or undefined when it is not one. */
function parseRfc3339(text: string): number | undefined {
  const match = RFC3339.exec(text);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const offsetHours = match[9] === undefined ? 0 : Number(match[9]);
  const offsetMinutes = match[10] === undefined ? 0 : Number(match[10]);
  // Date.parse rolls 2026-02-30 over to March 2; refuse impossible fields instead.
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The JSON object `text` holds, or undefined for anything else (not JSON, an array, null, a string...). */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  return data === null || typeof data !== 'object' || Array.isArray(data) ? undefined : (data as Record<string, unknown>);
}
