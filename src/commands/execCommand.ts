import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { CredentialsOutput } from '../credentials.js';
import { AssumeError } from '../errors.js';
import type { Env } from '../resolve/resolvePlan.js';
import { credentialVariables } from '../output/variables.js';

/** How a child ended: its exit code, or the signal that killed it. */
export type ExitStatus = { readonly code: number } | { readonly signal: NodeJS.Signals };

/** Signals assume passes on to the child while it runs. */
const forwardedSignals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/**
 * The child's environment: the caller's, without stale profile and token variables, with
 * the new credentials. Nothing secret goes into the arguments.
 */
export function childEnvironment(base: Env, output: CredentialsOutput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) if (value !== undefined) env[name] = value;
  const { set, unset } = credentialVariables(output);
  for (const name of unset) Reflect.deleteProperty(env, name);
  for (const [name, value] of set) env[name] = value;
  return env;
}

/**
 * Runs `command` with the credentials in its environment, stdio inherited, and passes
 * signals sent to assume on to it. Resolves with how it ended.
 * @throws AssumeError EXEC_FAILED when the command cannot be started
 */
export function execCommand(command: readonly string[], env: Record<string, string>): Promise<ExitStatus> {
  const [file, ...args] = command;
  if (file === undefined) return Promise.reject(new AssumeError('USAGE', 'nothing to run after --'));
  return new Promise((resolve, reject) => {
    // Listen before spawning: the command may run (and its parent be signalled) before spawn()
    // returns on a loaded machine, and a signal with no listener would kill assume and orphan
    // the command. Signals are handled on the event loop, so the child is known by the time one is.
    const started: { child?: ChildProcess } = {};
    const forward = (signal: NodeJS.Signals): void => {
      started.child?.kill(signal);
    };
    const stopForwarding = (): void => {
      for (const signal of forwardedSignals) process.removeListener(signal, forward);
    };
    for (const signal of forwardedSignals) process.on(signal, forward);
    const child = spawn(file, args, { env, stdio: 'inherit' });
    started.child = child;
    child.once('error', (error: NodeJS.ErrnoException) => {
      stopForwarding();
      const reason = error.code === 'ENOENT' ? 'command not found' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(
        new AssumeError('EXEC_FAILED', `cannot run "${file}": ${reason}`, {
          cause: error,
          hint: 'Check the command name and that it is on PATH.',
        }),
      );
    });
    child.once('exit', (code, signal) => {
      stopForwarding();
      resolve(signal !== null ? { signal } : { code: code ?? 1 });
    });
  });
}
