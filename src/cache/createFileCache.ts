import { lstat, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireLock } from './acquireLock.js';
import type { LockOptions } from './acquireLock.js';
import { parseCacheEntry } from './cacheEntry.js';
import type { CacheEntry } from './cacheEntry.js';
import { checkCacheDir } from './checkCacheDir.js';
import { errorCode, readRegularFile } from './readRegularFile.js';
import { isTempFileName } from './tempFileName.js';
import { writeFileAtomic } from './writeFileAtomic.js';
import { parseShortcut } from './shortcut.js';
import type { Shortcut } from './shortcut.js';

/** Where the cache lives and how its locks behave. */
export interface FileCacheOptions {
  /** The cache directory, usually from `resolveCacheDir`. */
  readonly dir: string;
  /** The clock written into lock files (`createdAt`); default the system clock. Lock and
   * temporary-file ages are always measured against file mtimes with the system clock,
   * which is what the file system stamps them with. */
  readonly now?: () => Date;
  /** A lock whose heartbeat (mtime) is older than this is stale; default 60_000 ms: a holder killed on this host is noticed at once by its pid, so this only serves other hosts and reused pids, and must outlast a holder starved of CPU by dozens of parallel runs. */
  readonly lockStaleMs?: number;
  /** How often a waiter looks again; default 25 ms (±50% jitter). */
  readonly lockPollMs?: number;
  /** How long a waiter waits for a live holder at most; default 300_000 ms (an MFA prompt may take minutes). */
  readonly lockTimeoutMs?: number;
  /** How often the holder touches its lock; default 2_000 ms; must be under `lockStaleMs`. */
  readonly heartbeatMs?: number;
}

/** The on-disk credential cache shared by every assume process of the user. */
export interface CredentialCache {
  readonly dir: string;
  /** The entry for `key`, or undefined on a miss (absent, corrupt, symlinked, not ours). */
  read(key: string): Promise<CacheEntry | undefined>;
  /** Replaces the entry for `key` atomically (mode 0600), creating the directory (0700). */
  write(key: string, entry: CacheEntry): Promise<void>;
  /** Every valid entry, sorted by key; corrupt ones and temporary and lock files are skipped. */
  list(): Promise<{ readonly key: string; readonly entry: CacheEntry }[]>;
  /** Removes the entry for `key`; an absent one is fine. */
  remove(key: string): Promise<void>;
  /** The resolution shortcut stored under `key` (`<key>.plan`), or undefined (absent, corrupt, not ours). */
  readShortcut(key: string): Promise<Shortcut | undefined>;
  /** Stores a resolution shortcut atomically (0600). */
  writeShortcut(key: string, shortcut: Shortcut): Promise<void>;
  /**
   * Runs fn while holding the lock for key; one holder at a time across processes. While it
   * waits for another holder, `settled` (when given) is asked at every poll for the result
   * that holder is making (e.g. the cache entry); once it has one, that is returned and fn
   * never runs.
   */
  withLock<T>(key: string, fn: () => Promise<T>, settled?: () => Promise<T | undefined>): Promise<T>;
}

// Real entries are about 2 KiB; anything this big is not one of ours.
const MAX_ENTRY_BYTES = 1_048_576;
// A writer takes milliseconds between creating its temporary file and renaming it.
const STALE_TEMP_FILE_MS = 60_000;
// Keys become file names: no separator, no dot (so `<key>.json` and `<key>.lock` are unambiguous).
const KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;
const ENTRY_FILE = /^([A-Za-z0-9][A-Za-z0-9_-]{0,127})\.json$/;

/**
 * A credential cache in a directory: one `<key>.json` file per entry, `<key>.lock` files for
 * `withLock`, as described on `CredentialCache`.
 *
 * Reading never creates anything: a missing directory is a miss (and an empty list).
 * Whenever the directory exists it is checked first (see `checkCacheDir`): a symlink, a
 * non-directory, another user's directory or one writable by group or others is refused.
 * An entry that is absent, empty, corrupt, a symlink (never followed), not a regular file,
 * not owned by this user or readable by others is a miss. Writes are atomic (see
 * `writeFileAtomic`), so a writer killed at any point leaves the old entry or none.
 * Locks: see `acquireLock`.
 *
 * Keys are file names: 1 to 128 of `A-Z a-z 0-9 _ -` (a `cacheKey` is 64 hex digits).
 *
 * @throws (from every method) AssumeError `CACHE_UNSAFE` for an unsafe directory;
 *   TypeError for an invalid key. `write` also throws system errors (ENOSPC, ...);
 *   `withLock` throws `LOCK_TIMEOUT` (see `acquireLock`) and whatever fn throws.
 */
export function createFileCache(options: FileCacheOptions): CredentialCache {
  const { dir } = options;
  const lock: LockOptions = {
    staleMs: options.lockStaleMs ?? 60_000,
    pollMs: options.lockPollMs ?? 25,
    timeoutMs: options.lockTimeoutMs ?? 300_000,
    heartbeatMs: options.heartbeatMs ?? 2_000,
    now: options.now ?? (() => new Date()),
  };
  for (const [name, value] of Object.entries(lock)) {
    if (typeof value === 'number' && !(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`createFileCache: ${name} must be a positive number of milliseconds`);
    }
  }
  if (lock.heartbeatMs >= lock.staleMs) {
    throw new RangeError('createFileCache: heartbeatMs must be less than lockStaleMs, or a live lock would look stale');
  }

  return {
    dir,

    async read(key) {
      assertKey(key);
      if (!(await checkCacheDir(dir, { create: false }))) return undefined;
      return readEntry(join(dir, `${key}.json`));
    },

    async write(key, entry) {
      assertKey(key);
      const text = serializeEntry(key, entry);
      await checkCacheDir(dir, { create: true });
      await removeStaleTempFiles(dir);
      await writeFileAtomic(dir, `${key}.json`, text);
    },

    async list() {
      if (!(await checkCacheDir(dir, { create: false }))) return [];
      const entries: { key: string; entry: CacheEntry }[] = [];
      for (const name of (await readdir(dir)).sort()) {
        const key = ENTRY_FILE.exec(name)?.[1];
        if (key === undefined) continue;
        const entry = await readEntry(join(dir, name));
        if (entry !== undefined) entries.push({ key, entry });
      }
      return entries;
    },

    async remove(key) {
      assertKey(key);
      if (!(await checkCacheDir(dir, { create: false }))) return;
      await unlink(join(dir, `${key}.json`)).catch((error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error;
      });
    },

    async readShortcut(key) {
      assertKey(key);
      if (!(await checkCacheDir(dir, { create: false }))) return undefined;
      const text = await readOwnFile(join(dir, `${key}.plan`));
      return text === undefined ? undefined : parseShortcut(text);
    },

    async writeShortcut(key, shortcut) {
      assertKey(key);
      await checkCacheDir(dir, { create: true });
      await writeFileAtomic(dir, `${key}.plan`, `${JSON.stringify(shortcut)}\n`);
    },

    async withLock<T>(key: string, fn: () => Promise<T>, settled?: () => Promise<T | undefined>): Promise<T> {
      assertKey(key);
      await checkCacheDir(dir, { create: true });
      let found: T | undefined;
      const whileWaiting =
        settled === undefined
          ? undefined
          : async (): Promise<boolean> => {
              found = await settled();
              return found !== undefined;
            };
      const release = await acquireLock(join(dir, `${key}.lock`), lock, whileWaiting);
      if (release === undefined) return found as T;
      try {
        return await fn();
      } finally {
        await release();
      }
    },
  };
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || !KEY.test(key)) {
    throw new TypeError('credential cache: a key is 1 to 128 of A-Z a-z 0-9 _ - (see cacheKey)');
  }
}

/** The text of a file assume wrote (a regular file of this user's, 0600), or undefined for anything else. */
async function readOwnFile(path: string): Promise<string | undefined> {
  try {
    const read = await readRegularFile(path, MAX_ENTRY_BYTES);
    if (read.status !== 'ok') return undefined;
    // Written by assume, a file is this user's and 0600: anything else was put there.
    const uid = process.getuid?.();
    if (uid !== undefined && (read.stats.uid !== uid || (read.stats.mode & 0o077) !== 0)) return undefined;
    return read.text;
  } catch {
    // Unreadable (EACCES, EIO, ...): the worst a miss costs is one more STS call.
    return undefined;
  }
}

/** The entry at `path`, or undefined for anything that is not a valid entry of ours. */
async function readEntry(path: string): Promise<CacheEntry | undefined> {
  const text = await readOwnFile(path);
  return text === undefined ? undefined : parseCacheEntry(text);
}

/** The file text of an entry, with its fields in a fixed order and nothing else. */
function serializeEntry(key: string, entry: CacheEntry): string {
  const text = `${JSON.stringify({
    version: entry.version,
    kind: entry.kind,
    profile: entry.profile,
    roleArn: entry.roleArn,
    mfaSerial: entry.mfaSerial,
    issuedAt: entry.issuedAt,
    expiration: entry.expiration,
    accessKeyId: entry.accessKeyId,
    secretAccessKey: entry.secretAccessKey,
    sessionToken: entry.sessionToken,
    assumedRoleArn: entry.assumedRoleArn,
  })}\n`;
  // Never write what a read would refuse. The message names no field value: they are secrets.
  if (parseCacheEntry(text) === undefined) {
    throw new TypeError(`credential cache: refusing to write an invalid entry for key ${key}`);
  }
  return text;
}

/** Removes temporary files that writers killed mid-write left behind; best effort. */
async function removeStaleTempFiles(dir: string): Promise<void> {
  try {
    for (const name of await readdir(dir)) {
      if (!isTempFileName(name)) continue;
      const path = join(dir, name);
      const stats = await lstat(path).catch(() => undefined);
      if (stats !== undefined && Date.now() - stats.mtimeMs > STALE_TEMP_FILE_MS) {
        await unlink(path).catch(() => undefined);
      }
    }
  } catch {
    // Leftovers are harmless: they never match an entry.
  }
}
