import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { issuedSecretsIn } from '../emulator/issuedSecrets.js';

/** The real command, as a user runs it. */
export const assumeBin = fileURLToPath(new URL('../../../bin/assume', import.meta.url));

export interface RunResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Spawns a command with exactly the environment given, feeds it `input` and collects what it
 * printed. The child runs in a new session (setsid), without a controlling terminal, as in
 * CI: nothing can prompt on the terminal of whoever runs the tests.
 */
export function runCommand(file: string, args: readonly string[], env: Record<string, string>, options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 60_000, detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      // Every run of every test: no secret an emulator of this process handed out may be on stderr.
      const leaked = issuedSecretsIn(stderr);
      if (leaked.length > 0) {
        reject(new Error(`a secret the emulator issued is on the stderr of ${[file, ...args].join(' ')}: ...${leaked.map((secret) => secret.slice(-4)).join(', ')}\n${stderr.split(leaked[0] ?? '').join('<SECRET>')}`));
        return;
      }
      resolve({ code, signal, stdout, stderr });
    });
    // A command that exits without reading its input (a refusal, say) closes the pipe first:
    // EPIPE then says nothing about the command, and must not fail the test.
    child.stdin.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') reject(error);
    });
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Spawns bin/assume with exactly the environment given (plus PATH), so no variable of the
 * machine running the tests leaks in.
 */
export function runAssume(args: readonly string[], env: Record<string, string>, options: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return runCommand(process.execPath, [assumeBin, ...args], { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, options);
}
