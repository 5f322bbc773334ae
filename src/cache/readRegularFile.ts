import { constants, type Stats } from 'node:fs';
import { lstat, open } from 'node:fs/promises';

/** What `readRegularFile` found at a path. */
export type RegularFileRead =
  | { readonly status: 'missing' }
  /** A symlink, directory, FIFO, socket or device: never opened, or never read. */
  | { readonly status: 'notFile' }
  | { readonly status: 'tooLarge'; readonly stats: Stats }
  /** Not valid UTF-8. */
  | { readonly status: 'notText'; readonly stats: Stats }
  | { readonly status: 'ok'; readonly text: string; readonly stats: Stats };

// O_NOFOLLOW: a symlink planted at the path is refused by the kernel, not followed.
// O_NONBLOCK: a FIFO swapped in after the lstat cannot block the open.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Reads a small regular file without following a symlink: `lstat` first, then open with
 * `O_NOFOLLOW | O_NONBLOCK`, then `fstat` the open file, so what is read is the regular
 * file that was checked, whatever is swapped in meanwhile. `stats` are those of the file
 * read (its mode, owner, inode and mtime).
 *
 * @param maxBytes a file longer than this is not read (`tooLarge`)
 * @throws the system error for anything but a missing file or a non-file (EACCES, EIO,
 *   EMFILE, ...)
 */
export async function readRegularFile(path: string, maxBytes: number): Promise<RegularFileRead> {
  let before: Stats;
  try {
    before = await lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return { status: 'missing' };
    throw error;
  }
  if (!before.isFile()) return { status: 'notFile' };
  let handle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT') return { status: 'missing' };
    if (code === 'ELOOP') return { status: 'notFile' };
    throw error;
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return { status: 'notFile' };
    if (stats.size > maxBytes) return { status: 'tooLarge', stats };
    // One byte more than the size, to notice a file that grew since the fstat: what is
    // then read is a prefix, which the caller's strict parsing refuses.
    const buffer = Buffer.alloc(stats.size + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) return { status: 'tooLarge', stats };
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(buffer.subarray(0, length));
    } catch {
      return { status: 'notText', stats };
    }
    return { status: 'ok', text, stats };
  } finally {
    await handle.close();
  }
}

/** The `code` of a Node.js system error, or undefined. */
export function errorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
