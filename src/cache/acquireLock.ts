import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import type { Stats } from 'node:fs';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { hostname as osHostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AssumeError } from '../errors.js';
import { errorCode, readRegularFile } from './readRegularFile.js';
import { tempFileName } from './tempFileName.js';

/** How `acquireLock` waits, steals and keeps a lock; all in milliseconds. */
export interface LockOptions {
  /** A lock whose mtime is older than this is stale. */
  readonly staleMs: number;
  /** How often a waiter looks again (with ±50% jitter). */
  readonly pollMs: number;
  /** How long a waiter waits at most before `LOCK_TIMEOUT`. */
  readonly timeoutMs: number;
  /** How often the holder refreshes the lock's mtime; must be well under `staleMs`. */
  readonly heartbeatMs: number;
  /** The clock for the lock's `createdAt` (informational only). */
  readonly now: () => Date;
}

/** The content of a lock file (and of a steal mutex). */
interface LockRecord {
  readonly pid: number;
  readonly hostname: string;
  readonly token: string;
  readonly createdAt: string;
}

/** A lock file as a waiter saw it. */
interface Seen {
  readonly stats: Stats;
  /** Undefined while its creator has not written it yet, or when it is garbage. */
  readonly record: LockRecord | undefined;
  /** Changes when the file is replaced, refreshed by a heartbeat, or rewritten. */
  readonly identity: string;
}

// A steal mutex lives for a few file operations; one older than this was left behind.
const MAX_STEAL_MUTEX_AGE_MS = 5_000;
const MAX_LOCK_BYTES = 4_096;
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Takes the lock file `lockPath`, shared by every process on the machine (and, by mtime
 * alone, on other machines sharing the directory); resolves to the function that releases it.
 *
 * Taking it is creating it with `O_CREAT | O_EXCL` (mode 0600), holding
 * `{ pid, hostname, token, createdAt }`. While held, its mtime is refreshed every
 * `heartbeatMs` through the open file (an unref'd timer, so it never keeps the process
 * alive). Releasing removes it, only if it still holds this holder's token.
 *
 * A waiter polls every `pollMs` (jittered). The lock is stale when its pid is dead on this
 * host (or a zombie) or its mtime is older than `staleMs`. A stale lock is removed under a
 * short-lived `<lock>.steal` mutex (itself `O_EXCL`), after checking that it is still the
 * same lock in the same stale state; then every waiter races to create it again, and one
 * wins. Not re-entrant: taking a lock this process already holds waits for itself.
 *
 * While it waits, `whileWaiting` (when given) is asked at every poll whether the wait is
 * still needed; when it says no, acquireLock returns undefined without taking the lock.
 *
 * @throws AssumeError `LOCK_TIMEOUT` after `timeoutMs` of waiting, with a hint naming the
 *   lock file; `CACHE_UNSAFE` when something other than a regular file is at `lockPath`;
 *   the system error when the lock cannot be created for another reason than EEXIST
 */
export async function acquireLock(
  lockPath: string,
  options: LockOptions,
  whileWaiting?: () => Promise<boolean>,
): Promise<(() => Promise<void>) | undefined> {
  const host = osHostname();
  const token = randomBytes(16).toString('hex');
  const text = recordText(token, host, options.now());
  const started = performance.now();
  let holder: LockRecord | undefined;
  for (;;) {
    const handle = await createExclusive(lockPath, text);
    if (handle !== undefined) return startHolding(lockPath, handle, token, options.heartbeatMs);
    const seen = await inspect(lockPath);
    if (seen === undefined) continue;
    if (await isStale(seen, host, options.staleMs)) {
      if (await steal(lockPath, seen, host, options)) continue;
    }
    holder = seen.record ?? holder;
    // What the holder is making may already be there: then there is no need to wait for the lock.
    if (whileWaiting !== undefined && (await whileWaiting())) return undefined;
    const waited = performance.now() - started;
    if (waited >= options.timeoutMs) throw timeoutError(lockPath, options.timeoutMs, holder);
    await sleep(Math.min(options.pollMs * (0.5 + Math.random()), options.timeoutMs - waited));
  }
}

/** Creates `path` exclusively with `text` in it, or returns undefined when it exists. */
async function createExclusive(path: string, text: string): Promise<FileHandle | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, CREATE_FLAGS, 0o600);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return undefined;
    throw error;
  }
  try {
    // Exactly 0600 whatever the umask, so that every waiter of this user can read it.
    await handle.chmod(0o600);
    await handle.writeFile(text, 'utf8');
  } catch (error) {
    await handle.close().catch(() => undefined);
    await unlink(path).catch(() => undefined);
    throw error;
  }
  return handle;
}

function startHolding(lockPath: string, handle: FileHandle, token: string, heartbeatMs: number): () => Promise<void> {
  // Touching the open file, not the path: a holder whose lock was stolen never refreshes
  // the thief's.
  const heartbeat = setInterval(() => {
    const now = new Date();
    handle.utimes(now, now).catch(() => undefined);
  }, heartbeatMs);
  heartbeat.unref();
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    try {
      await removeIfOwn(lockPath, token);
    } catch {
      // Left behind, the lock is stale as soon as this process is gone.
    } finally {
      await handle.close().catch(() => undefined);
    }
  };
}

/** Removes `path` if it still holds `token`. */
async function removeIfOwn(path: string, token: string): Promise<void> {
  const seen = await inspect(path);
  if (seen?.record?.token !== token) return;
  await unlink(path).catch((error: unknown) => {
    if (errorCode(error) !== 'ENOENT') throw error;
  });
}

/** Reads a lock file; undefined when it is gone. */
async function inspect(path: string): Promise<Seen | undefined> {
  const read = await readRegularFile(path, MAX_LOCK_BYTES);
  if (read.status === 'missing') return undefined;
  if (read.status === 'notFile') {
    throw new AssumeError('CACHE_UNSAFE', `the credential cache lock ${path} is not a regular file`, {
      hint: `Remove ${path}; assume creates its locks itself.`,
    });
  }
  const record = read.status === 'ok' ? parseRecord(read.text) : undefined;
  const { stats } = read;
  return { stats, record, identity: `${stats.dev}:${stats.ino}:${stats.mtimeMs}:${record?.token ?? ''}` };
}

async function isStale(seen: Seen, host: string, staleMs: number): Promise<boolean> {
  if (Date.now() - seen.stats.mtimeMs > staleMs) return true;
  // A pid means something only on the host that wrote it.
  return seen.record !== undefined && seen.record.hostname === host && !(await isProcessAlive(seen.record.pid));
}

/**
 * Removes the stale lock `seen` under the steal mutex. Returns true when the lock may have
 * changed (try to take it at once), false when another waiter is stealing it (wait a poll).
 */
async function steal(lockPath: string, seen: Seen, host: string, options: LockOptions): Promise<boolean> {
  const mutexPath = `${lockPath}.steal`;
  const mutexToken = randomBytes(16).toString('hex');
  const mutex = await createExclusive(mutexPath, recordText(mutexToken, host, options.now()));
  if (mutex === undefined) {
    const other = await inspect(mutexPath);
    if (other === undefined) return true;
    if (!(await isStale(other, host, Math.min(options.staleMs, MAX_STEAL_MUTEX_AGE_MS)))) return false;
    await removeIfUnchanged(mutexPath, other);
    return true;
  }
  try {
    // Judged stale before we held the mutex: another waiter may have replaced it since.
    const again = await inspect(lockPath);
    if (again !== undefined && again.identity === seen.identity && (await isStale(again, host, options.staleMs))) {
      await removeIfUnchanged(lockPath, again);
    }
    return true;
  } finally {
    await mutex.close().catch(() => undefined);
    await removeIfOwn(mutexPath, mutexToken).catch(() => undefined);
  }
}

/**
 * Removes `path` if it is still the file `seen`. Renaming it aside first is atomic; if what
 * was taken turns out to be a newer file, it is linked back (unless yet another was created).
 */
async function removeIfUnchanged(path: string, seen: Seen): Promise<void> {
  const aside = join(dirname(path), tempFileName(basename(path)));
  try {
    await rename(path, aside);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return;
    throw error;
  }
  try {
    const moved = await inspect(aside);
    if (moved !== undefined && moved.identity !== seen.identity) {
      await link(aside, path).catch(() => undefined);
    }
  } finally {
    await unlink(aside).catch(() => undefined);
  }
}

/** Whether a process of this host is alive; a zombie (dead, not yet reaped) is not. */
async function isProcessAlive(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive, but another user's.
    return errorCode(error) !== 'ESRCH';
  }
  try {
    // Linux: the state follows the parenthesized command name, which may itself hold ')'.
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return true;
  }
}

function recordText(token: string, host: string, now: Date): string {
  const record: LockRecord = { pid: process.pid, hostname: host, token, createdAt: now.toISOString() };
  return `${JSON.stringify(record)}\n`;
}

function parseRecord(text: string): LockRecord | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (data === null || typeof data !== 'object') return undefined;
  const { pid, hostname, token, createdAt } = data as Record<string, unknown>;
  // A pid of 0 or below would make kill(pid, 0) test a process group.
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (typeof hostname !== 'string' || typeof token !== 'string' || token === '' || typeof createdAt !== 'string') return undefined;
  return { pid, hostname, token, createdAt };
}

function timeoutError(lockPath: string, timeoutMs: number, holder: LockRecord | undefined): AssumeError {
  const by = holder === undefined ? '' : ` (held by pid ${holder.pid} on ${holder.hostname} since ${holder.createdAt})`;
  return new AssumeError('LOCK_TIMEOUT', `gave up after ${formatMs(timeoutMs)} waiting for the credential cache lock ${lockPath}${by}`, {
    hint: `Another assume is still getting these credentials (perhaps waiting for an MFA code). If none is running, delete ${lockPath}.`,
  });
}

function formatMs(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${Math.round(ms / 1_000)} s`;
}
