import { constants } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { tempFileName } from './tempFileName.js';

const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Writes `dir/name` atomically, with mode 0600: the text goes to a new temporary file in
 * the same directory (`O_CREAT | O_EXCL | O_NOFOLLOW`, so nothing planted there is
 * followed or reused), is flushed to disk, and is renamed over `name`. A reader sees the
 * old file or the new one, never a part of it; a writer killed on the way leaves at most
 * a temporary file (see `tempFileName`). Renaming replaces a symlink at `name` itself,
 * never the file it points to.
 *
 * @throws the system error (ENOSPC, EACCES, EISDIR, ...); the temporary file is removed
 */
export async function writeFileAtomic(dir: string, name: string, text: string): Promise<void> {
  const temp = join(dir, tempFileName(name));
  const handle = await open(temp, CREATE_FLAGS, 0o600);
  try {
    try {
      // The umask may have taken the owner's bits too; 0600 exactly, as it was asked.
      await handle.chmod(0o600);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, name));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dir);
}

/** Flushes the rename itself to disk; best effort, as some file systems refuse it. */
async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The entry is in place either way; only its durability across a power cut is at stake.
  }
}
