import { closeSync, constants, openSync } from 'node:fs';
import { isatty, ReadStream, WriteStream } from 'node:tty';
import { AssumeError } from '../errors.js';
import { terminalOpenFailures } from '../prompt/terminalOpenFailures.js';

/** The controlling terminal, opened for a prompt to draw on. */
export interface Terminal {
  readonly input: ReadStream;
  readonly output: WriteStream;
  /** Closes both streams (and their descriptors), so the process can exit. Idempotent. */
  close(): void;
}

/**
 * Opens `path` (default `/dev/tty`, the controlling terminal) twice, for reading and for
 * writing, as a tty.ReadStream and a tty.WriteStream: the picker draws there and never on
 * stdout or stderr, which `eval "$(assume)"` and `2>log` capture. O_NOCTTY: opening it never
 * makes it our controlling terminal.
 *
 * @throws AssumeError USAGE when it cannot be opened (no controlling terminal: under
 *   `setsid`, in CI) or is not a terminal; the hint says how to name a profile instead
 */
export function openTerminal(path = '/dev/tty'): Terminal {
  let readFd: number | undefined;
  let writeFd: number | undefined;
  try {
    readFd = openSync(path, constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
    if (!isatty(readFd)) throw Object.assign(new Error(`${path} is not a terminal`), { code: 'ENOTTY' });
    writeFd = openSync(path, constants.O_WRONLY | constants.O_NOCTTY);
  } catch (error) {
    for (const fd of [readFd, writeFd]) if (fd !== undefined) closeQuietly(fd);
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === undefined ? (error as Error).message : (terminalOpenFailures[code] ?? code);
    throw new AssumeError('USAGE', `no profile given, and no terminal to pick one on (${path}: ${reason})`, {
      hint: 'Name the profile: assume PROFILE, or export AWS_PROFILE=PROFILE (assume ls lists the profiles).',
      cause: error,
    });
  }
  // From here each stream owns its descriptor and closes it when destroyed.
  const input = new ReadStream(readFd);
  const output = new WriteStream(writeFd);
  let closed = false;
  return {
    input,
    output,
    close() {
      if (closed) return;
      closed = true;
      input.destroy();
      output.destroy();
    },
  };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already unusable; nothing more to release.
  }
}
