import type { Stats } from 'node:fs';
import { chmod, lstat, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AssumeError } from '../errors.js';
import { errorCode } from './readRegularFile.js';

/**
 * Makes sure the cache directory is safe to read credentials from and write them to: a
 * real directory (not a symlink), owned by the current user, and not writable by group or
 * others. Anyone who could write there could plant credentials of their choosing, or a
 * link that makes assume write secrets elsewhere; so, like ssh with `~/.ssh`, assume
 * refuses such a directory rather than fixing or ignoring it.
 *
 * With `create`, a missing directory is created with mode 0700 (its missing parents with
 * the default mode) and then checked; without it, a missing directory returns false and
 * nothing is created.
 *
 * @returns true when the directory exists (and is safe), false when it is missing
 * @throws AssumeError `CACHE_UNSAFE` naming the path and the problem; the system error when
 *   the directory cannot be inspected or created
 */
export async function checkCacheDir(dir: string, options: { readonly create: boolean }): Promise<boolean> {
  let stats = await lstatOrUndefined(dir);
  if (stats === undefined) {
    if (!options.create) return false;
    await mkdir(dirname(dir), { recursive: true });
    try {
      await mkdir(dir, { mode: 0o700 });
      // The umask can only take bits away; this also undoes an umask that took the owner's.
      await chmod(dir, 0o700);
    } catch (error) {
      // Another assume created it first: check theirs like any other.
      if (errorCode(error) !== 'EEXIST') throw error;
    }
    stats = await lstat(dir);
  }
  assertSafe(dir, stats);
  return true;
}

function assertSafe(dir: string, stats: Stats): void {
  const elsewhere = 'or set XDG_CACHE_HOME to an absolute path of a directory of your own.';
  if (stats.isSymbolicLink()) {
    throw new AssumeError('CACHE_UNSAFE', `the credential cache directory ${dir} is a symbolic link`, {
      hint: `Remove the link (assume creates the directory itself, with mode 0700), ${elsewhere}`,
    });
  }
  if (!stats.isDirectory()) {
    throw new AssumeError('CACHE_UNSAFE', `the credential cache directory ${dir} is not a directory`, {
      hint: `Move that file away, ${elsewhere}`,
    });
  }
  // Windows has no uids and no POSIX modes to check.
  const uid = process.getuid?.();
  if (uid === undefined) return;
  if (stats.uid !== uid) {
    throw new AssumeError('CACHE_UNSAFE', `the credential cache directory ${dir} is owned by uid ${stats.uid}, not by you (uid ${uid})`, {
      hint: `Remove it (assume creates it again), ${elsewhere}`,
    });
  }
  if ((stats.mode & 0o022) !== 0) {
    const mode = (stats.mode & 0o7777).toString(8).padStart(4, '0');
    throw new AssumeError('CACHE_UNSAFE', `the credential cache directory ${dir} is writable by group or others (mode ${mode})`, {
      hint: `Run \`chmod 700 ${shellQuote(dir)}\`, ${elsewhere}`,
    });
  }
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

/** The path as one shell word, for a command in a hint. */
function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
}
