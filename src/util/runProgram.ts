import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

/** How a program run by runProgram ended, with what it printed. */
export type ProgramOutcome =
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'exit'; readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly stdout: string; readonly stderr: string };

export interface RunProgramOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly timeoutMs: number;
  /** Bytes kept: the first of stdout, the last of stderr; default 1 MiB. */
  readonly maxBytes?: number;
}

/** Collects up to maxBytes of a stream: the first bytes (stdout) or the last (stderr). */
function capture(stream: NodeJS.ReadableStream | null, keep: 'first' | 'last', maxBytes: number): () => string {
  let chunks: Buffer[] = [];
  let size = 0;
  stream?.on('data', (chunk: Buffer) => {
    if (keep === 'first' && size >= maxBytes) return;
    chunks.push(chunk);
    size += chunk.length;
    if (keep === 'last' && size > 2 * maxBytes) {
      const tail = Buffer.concat(chunks).subarray(-maxBytes);
      chunks = [tail];
      size = tail.length;
    }
  });
  return () => Buffer.concat(chunks).toString('utf8');
}

/**
 * Runs a program with its arguments as given (no shell: nothing in them is ever parsed as
 * shell syntax), with only the environment given, stdin closed, and collects stdout and
 * stderr. After `timeoutMs` it is killed with SIGKILL and the outcome is 'timeout' at once
 * (a grandchild still holding the pipes does not delay it). Never rejects: a program that
 * cannot be started is the outcome 'error'.
 */
export function runProgram(argv: readonly string[], options: RunProgramOptions): Promise<ProgramOutcome> {
  const [file, ...args] = argv;
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return new Promise((resolve) => {
    if (file === undefined) {
      resolve({ kind: 'error', error: new Error('empty command') });
      return;
    }
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.env)) if (value !== undefined) env[name] = value;
    let child: ChildProcess;
    try {
      child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    } catch (error) {
      // Thrown at once for arguments spawn refuses, such as a NUL character.
      resolve({ kind: 'error', error });
      return;
    }
    const stdout = capture(child.stdout, 'first', maxBytes);
    const stderr = capture(child.stderr, 'last', maxBytes);
    let settled = false;
    const settle = (outcome: ProgramOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      child.stdout?.destroy();
      child.stderr?.destroy();
      settle({ kind: 'timeout' });
    }, options.timeoutMs);
    child.once('error', (error) => {
      settle({ kind: 'error', error });
    });
    child.once('close', (code, signal) => {
      settle({ kind: 'exit', code, signal, stdout: stdout(), stderr: stderr() });
    });
  });
}
