import { randomBytes } from 'node:crypto';

/**
 * A unique name for a temporary file beside `name` in the same directory:
 * `.<name>.<pid>.<random>.tmp`. It starts with a dot and ends in `.tmp`, so it never
 * matches an entry (`<key>.json`) or a lock (`<key>.lock`), and `isTempFileName` knows it
 * for cleanup.
 */
export function tempFileName(name: string): string {
  return `.${name}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** Whether a directory entry's name is one that `tempFileName` makes. */
export function isTempFileName(name: string): boolean {
  return /^\..+\.\d+\.[0-9a-f]{12}\.tmp$/.test(name);
}
