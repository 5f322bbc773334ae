/**
 * The SSO token cache as the AWS CLI v2 (botocore) and the SDKs share it: one JSON file per
 * sso-session (or legacy start URL) under ~/.aws/sso/cache, and, next to them, the OIDC
 * client registrations `aws sso login` reuses.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorCode } from '../../cache/readRegularFile.js';
import { writeFileAtomic } from '../../cache/writeFileAtomic.js';

/** The fields of a token file, as botocore writes them (dates as `formatCacheTime` makes them). */
export interface SsoTokenFields {
  startUrl?: string;
  region?: string;
  accessToken: string;
  expiresAt: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  refreshToken?: string;
  /** Fields other tools wrote; kept when the token is refreshed. */
  [other: string]: unknown;
}

/** A token read from the cache. */
export interface SsoToken {
  /** Every field of the file, to write back with a refreshed token. */
  readonly fields: SsoTokenFields;
  readonly accessToken: string;
  readonly expiresAt: Date;
}

export type SsoTokenRead =
  | { readonly status: 'missing' }
  /** Not JSON, no accessToken, or an expiresAt that is not a time. */
  | { readonly status: 'invalid'; readonly why: string }
  | { readonly status: 'ok'; readonly token: SsoToken };

/** A registered OIDC client, as botocore caches it (`expiresAt` is the client secret's expiry). */
export interface SsoRegistration {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly expiresAt: Date;
  readonly scopes?: readonly string[] | undefined;
}

/** ~/.aws/sso/cache: a fixed place, as in the AWS CLI and the SDKs (no variable moves it). */
export function ssoCacheDir(homeDir: string): string {
  return join(homeDir, '.aws', 'sso', 'cache');
}

/**
 * The name (without `.json`) of a token file: the SHA-1 hex of the sso-session name, or of
 * the start URL for the legacy keys in a profile (botocore's `SSOTokenLoader`).
 */
export function tokenCacheKey(startUrl: string, session: string | undefined): string {
  return createHash('sha1').update(session ?? startUrl, 'utf8').digest('hex');
}

/**
 * The name (without `.json`) of a client registration file, botocore's
 * `SSOTokenFetcher._registration_cache_key`: the SHA-1 of Python's
 * `json.dumps({tool, startUrl, region, scopes, session_name}, sort_keys=True)`, `tool` being
 * 'botocore' so the AWS CLI and assume reuse each other's registration.
 */
export function registrationCacheKey(startUrl: string, ssoRegion: string, scopes: readonly string[] | undefined, session: string | undefined): string {
  const text = pythonJson([
    ['region', ssoRegion],
    ['scopes', scopes ?? null],
    ['session_name', session ?? null],
    ['startUrl', startUrl],
    ['tool', 'botocore'],
  ]);
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

/** Python's `json.dumps` of a flat object with keys already sorted: ", " and ": " separators, non-ASCII escaped. */
function pythonJson(entries: readonly (readonly [string, string | readonly string[] | null])[]): string {
  const value = (v: string | readonly string[] | null): string => (Array.isArray(v) ? `[${v.map(pythonString).join(', ')}]` : v === null ? 'null' : pythonString(v as string));
  return `{${entries.map(([key, v]) => `${pythonString(key)}: ${value(v)}`).join(', ')}}`;
}

/** A JSON string as Python writes it with ensure_ascii: like JSON.stringify, plus \uXXXX for DEL and beyond. */
function pythonString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A time as botocore writes it in these files: `2026-11-28T17:36:45Z` (UTC, whole seconds). */
export function formatCacheTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Reads a time of a cache file: ISO 8601, and the `...UTC` suffix early AWS CLI v2 versions wrote. */
export function parseCacheTime(value: unknown): Date | undefined {
  if (typeof value !== 'string') return undefined;
  const date = new Date(value.replace(/UTC$/, 'Z'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Reads the token file `dir/key.json`, following a symlink as the AWS CLI does.
 * @throws the system error for anything but a missing file (EACCES, EISDIR, ...)
 */
export async function loadSsoToken(dir: string, key: string): Promise<SsoTokenRead> {
  const object = await readJsonObject(join(dir, `${key}.json`));
  if (object === 'missing') return { status: 'missing' };
  if (object === undefined) return { status: 'invalid', why: 'is not a JSON object' };
  const { accessToken } = object;
  if (typeof accessToken !== 'string' || accessToken === '') return { status: 'invalid', why: 'has no accessToken' };
  const expiresAt = parseCacheTime(object.expiresAt);
  if (expiresAt === undefined) return { status: 'invalid', why: 'has no valid expiresAt' };
  return { status: 'ok', token: { fields: { ...object, accessToken, expiresAt: String(object.expiresAt) }, accessToken, expiresAt } };
}

/** Writes the token file `dir/key.json` atomically, mode 0600, creating the folders (0700) as needed. */
export async function saveSsoToken(dir: string, key: string, fields: SsoTokenFields): Promise<void> {
  await writeCacheFile(dir, key, fields);
}

/**
 * Reads the client registration `dir/key.json`; undefined when missing or not one (botocore
 * also treats an unreadable entry as absent and registers again).
 * @throws the system error for anything but a missing file
 */
export async function loadRegistration(dir: string, key: string): Promise<SsoRegistration | undefined> {
  const object = await readJsonObject(join(dir, `${key}.json`));
  if (object === 'missing' || object === undefined) return undefined;
  const { clientId, clientSecret, scopes } = object;
  const expiresAt = parseCacheTime(object.expiresAt);
  if (typeof clientId !== 'string' || typeof clientSecret !== 'string' || clientId === '' || clientSecret === '' || expiresAt === undefined) return undefined;
  const validScopes = Array.isArray(scopes) && scopes.every((s) => typeof s === 'string') ? scopes : undefined;
  return { clientId, clientSecret, expiresAt, scopes: validScopes };
}

/** Writes a client registration as botocore does: clientId, clientSecret, expiresAt, and scopes when there are any. */
export async function saveRegistration(dir: string, key: string, registration: SsoRegistration): Promise<void> {
  await writeCacheFile(dir, key, {
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    expiresAt: formatCacheTime(registration.expiresAt),
    ...(registration.scopes !== undefined && registration.scopes.length > 0 ? { scopes: registration.scopes } : {}),
  });
}

async function writeCacheFile(dir: string, key: string, value: object): Promise<void> {
  // botocore creates the folders with the default mode; these hold bearer tokens, so 0700.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(dir, `${key}.json`, JSON.stringify(value));
}

async function readJsonObject(path: string): Promise<Record<string, unknown> | 'missing' | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
