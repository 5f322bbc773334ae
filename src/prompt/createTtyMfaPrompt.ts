import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { isatty, ReadStream } from 'node:tty';
import { AssumeError } from '../errors.js';
import { showControlChars } from './showControlChars.js';
import type { MfaCodeProvider, MfaCodeRequest } from './types.js';
import { terminalOpenFailures } from './terminalOpenFailures.js';

/** Options of createTtyMfaPrompt. */
export interface TtyMfaPromptOptions {
  /** The terminal to ask on. Default `/dev/tty`, the controlling terminal. */
  readonly ttyPath?: string | undefined;
  /** How many answers to read before giving up. Default 3. */
  readonly attempts?: number | undefined;
}

const sixDigits = /^[0-9]{6}$/;

const noTerminalHint = 'Pass --token-code 123456, or set mfa_process in the profile.';

/**
 * An MFA code provider that asks on the terminal, never on stdout or stderr: those carry
 * the credentials and the messages, and are captured when assume runs as a
 * `credential_process` or under `eval "$(assume ...)"`.
 *
 * Each call opens `ttyPath` (reading and writing) only then, writes a prompt naming the
 * device and the profile (`MFA code for arn:aws:iam::111111111111:mfa/dev (profile prod): `),
 * reads one line and trims it. Exactly 6 digits are accepted; anything else is answered
 * with `not a 6-digit code, try again` and asked again, up to `attempts` answers. The
 * terminal is closed before the call settles, so the process can exit.
 *
 * The terminal stays in its normal (cooked, echoing) mode: the line discipline edits and
 * echoes the line (an MFA code is single-use, so echo is harmless), and Ctrl-C sends
 * SIGINT, which ends the process as it normally would (exit status 130).
 *
 * Reads no environment variables.
 *
 * @throws RangeError when `attempts` is not a positive integer
 * @returns a provider that rejects with AssumeError `MFA_REQUIRED` when the terminal cannot be
 *   opened (no controlling terminal, as in CI: at once, never waiting), on end of input
 *   (Ctrl-D), when it cannot be read or written, or after `attempts` answers that are not 6 digits
 */
export function createTtyMfaPrompt(options: TtyMfaPromptOptions = {}): MfaCodeProvider {
  const ttyPath = options.ttyPath ?? '/dev/tty';
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`attempts must be a positive integer, got ${attempts}`);
  }
  return async (request) => {
    const terminal = openTerminal(ttyPath, request);
    try {
      return await askCode(terminal, request, attempts);
    } finally {
      terminal.close();
    }
  };
}

/** The device and profile as shown to the user, control characters escaped. */
function describeDevice(request: MfaCodeRequest): string {
  const device = showControlChars(request.mfaSerial);
  return request.profile === undefined ? device : `${device} (profile ${showControlChars(request.profile)})`;
}

/** The device and profile as named in error messages. */
function describeRequest(request: MfaCodeRequest): string {
  const device = showControlChars(request.mfaSerial);
  return request.profile === undefined ? device : `${device} (profile "${showControlChars(request.profile)}")`;
}

async function askCode(terminal: Terminal, request: MfaCodeRequest, attempts: number): Promise<string> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    terminal.write(`MFA code for ${describeDevice(request)}: `);
    const line = await terminal.readLine();
    if (line === undefined) {
      // End the prompt's line, so whatever the terminal shows next starts on a line of its own.
      terminal.write('\n');
      throw new AssumeError('MFA_REQUIRED', `no MFA code entered for ${describeRequest(request)}: end of input on ${terminal.path}`, {
        hint: noTerminalHint,
      });
    }
    const code = line.trim();
    if (sixDigits.test(code)) return code;
    terminal.write(attempt < attempts ? 'not a 6-digit code, try again\n' : 'not a 6-digit code\n');
  }
  throw new AssumeError('MFA_REQUIRED', `no valid MFA code after ${attempts} attempts for ${describeRequest(request)}`, {
    hint: 'Type the 6 digits the MFA device shows, or pass --token-code 123456.',
  });
}

/** One open terminal: a line reader on one descriptor, blocking writes on another. */
interface Terminal {
  readonly path: string;
  /** Writes text; throws AssumeError MFA_REQUIRED when the terminal cannot be written. */
  write(text: string): void;
  /** The next line without its newline; undefined at end of input. */
  readLine(): Promise<string | undefined>;
  /** Stops reading and closes both descriptors. Idempotent. */
  close(): void;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/** A system error's code (`EIO`), else the error's message. */
function reasonOf(error: unknown): string {
  return errorCode(error) ?? (error instanceof Error ? error.message : 'unknown error');
}

function openTerminal(path: string, request: MfaCodeRequest): Terminal {
  let readFd: number | undefined;
  let writeFd: number | undefined;
  let input: ReadStream;
  try {
    // O_NONBLOCK: a ttyPath that is a FIFO must not block the open waiting for a writer.
    // O_NOCTTY: opening a terminal never makes it our controlling terminal.
    readFd = openSync(path, constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
    if (!isatty(readFd)) throw Object.assign(new Error(`${path} is not a terminal`), { code: 'ENOTTY' });
    // A second descriptor for writing: libuv makes the reading one non-blocking, and the prompt is
    // written with plain blocking writes.
    writeFd = openSync(path, constants.O_WRONLY | constants.O_NOCTTY);
    input = new ReadStream(readFd);
  } catch (error) {
    for (const fd of [readFd, writeFd]) if (fd !== undefined) closeQuietly(fd);
    const code = errorCode(error);
    const reason = code === undefined ? reasonOf(error) : (terminalOpenFailures[code] ?? code);
    throw new AssumeError(
      'MFA_REQUIRED',
      `the role needs an MFA code from ${describeRequest(request)} and there is no terminal to ask on (${path}: ${reason})`,
      { hint: noTerminalHint, cause: error },
    );
  }
  // From here the ReadStream owns readFd and closes it when destroyed.
  const output = writeFd;
  const { readLine } = lineReader(input, path, request);
  return {
    path,
    readLine,
    write(text) {
      writeAll(output, text, path, request);
    },
    close: closeOnce(() => {
      input.destroy();
      closeQuietly(output);
    }),
  };
}

function closeOnce(close: () => void): () => void {
  let closed = false;
  return () => {
    if (closed) return;
    closed = true;
    close();
  };
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Already unusable; nothing more to release.
  }
}

function writeAll(fd: number, text: string, path: string, request: MfaCodeRequest): void {
  const bytes = Buffer.from(text, 'utf8');
  try {
    for (let offset = 0; offset < bytes.length; ) offset += writeSync(fd, bytes, offset);
  } catch (error) {
    throw new AssumeError('MFA_REQUIRED', `cannot ask for the MFA code from ${describeRequest(request)}: writing to ${path} failed (${reasonOf(error)})`, {
      hint: noTerminalHint,
      cause: error,
    });
  }
}

/**
 * Reads lines from the terminal. In the terminal's normal (canonical) mode the kernel hands
 * over a whole line at a time, after Enter; Ctrl-D on an empty line reads as end of input.
 */
function lineReader(input: ReadStream, path: string, request: MfaCodeRequest): Pick<Terminal, 'readLine'> {
  let buffered = '';
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
  };
  input.setEncoding('utf8');
  input.on('data', (chunk: string) => {
    buffered += chunk;
    notify();
  });
  input.on('end', () => {
    ended = true;
    notify();
  });
  input.on('error', (error) => {
    failure = error;
    notify();
  });

  async function readLine(): Promise<string | undefined> {
    for (;;) {
      const newline = buffered.indexOf('\n');
      if (newline >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        return line;
      }
      if (failure !== undefined) {
        throw new AssumeError('MFA_REQUIRED', `cannot read the MFA code for ${describeRequest(request)} from ${path} (${reasonOf(failure)})`, {
          hint: noTerminalHint,
          cause: failure,
        });
      }
      if (ended) {
        // Text typed and then Ctrl-D twice: the last line, without a newline.
        const line = buffered;
        buffered = '';
        return line === '' ? undefined : line;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  }
  return { readLine };
}
