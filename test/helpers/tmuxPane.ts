import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * One pane of a real pseudo-terminal: a tmux session on a private server (its own socket,
 * no config file), for every test that types at a terminal and reads what it shows. The
 * helpers built on it (test/helpers/tmux.ts, shellTerminal.ts, tmuxShell.ts and the MFA
 * prompt's test) differ only in what they start and how they wait.
 */
export interface TmuxPane {
  /** What the pane shows, trailing blanks dropped (see ScreenOptions). */
  readonly screen: (options?: ScreenOptions) => string;
  /**
   * The same, without blocking: what every wait polls with, since a test's emulator answers
   * from the test's own event loop, which spawnSync would stall (a picker test's STS calls
   * timed out while three tests polled tmux synchronously).
   */
  readonly screenAsync: (options?: ScreenOptions) => Promise<string>;
  /** Types text literally (no key names, no Enter). */
  readonly type: (text: string) => void;
  /** Presses keys by tmux name: `Enter`, `Tab`, `Down`, `C-c`, `Escape`. */
  readonly press: (...keys: string[]) => void;
  /** Kills the server and all in it, and removes its socket file (tmux leaves it behind). */
  readonly kill: () => void;
}

/** How to capture the pane: `colors` keeps SGR sequences, `scrollback` adds that many lines above, `join` joins wrapped lines. */
export interface ScreenOptions {
  readonly colors?: boolean;
  readonly scrollback?: number;
  readonly join?: boolean;
}

/** A word for sh, in single quotes. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `env -i 'NAME=value' ... argv...` as one sh command line: argv with exactly `env`. */
export function withExactEnv(env: Record<string, string>, argv: readonly string[]): string {
  return ['env', '-i', ...Object.entries(env).map(([name, value]) => shellQuote(`${name}=${value}`)), ...argv.map(shellQuote)].join(' ');
}

/** Starts `command` (a sh command line) in a new `columns`x`rows` pane. Call kill() when done, in a finally. */
export function openTmuxPane(command: string, size: { readonly columns: number; readonly rows: number }): TmuxPane {
  const socket = `assume-pane-${randomBytes(6).toString('hex')}`;
  const tmuxEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm' };
  const tmux = (...args: string[]): string => {
    const result = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: tmuxEnv });
    if (result.error !== undefined) throw result.error;
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  tmux('new-session', '-d', '-s', 'pane', '-x', String(size.columns), '-y', String(size.rows), command);
  const socketPath = tmux('display-message', '-p', '-t', 'pane', '#{socket_path}').trim();
  const captureArgs = ({ colors = false, scrollback = 0, join = false }: ScreenOptions = {}): string[] => [
    'capture-pane',
    '-p',
    ...(colors ? ['-e'] : []),
    ...(join ? ['-J'] : []),
    ...(scrollback > 0 ? ['-S', String(-scrollback)] : []),
    '-t',
    'pane',
  ];
  return {
    screen: (options) => tmux(...captureArgs(options)).replace(/\s+$/, ''),
    screenAsync: (options) =>
      new Promise((resolve, reject) => {
        execFile('tmux', ['-L', socket, '-f', '/dev/null', ...captureArgs(options)], { encoding: 'utf8', env: tmuxEnv }, (error, stdout) => {
          if (error !== null) reject(new Error(`tmux capture-pane failed: ${error.message}`));
          else resolve(stdout.replace(/\s+$/, ''));
        });
      }),
    type: (text) => void tmux('send-keys', '-t', 'pane', '-l', text),
    press: (...keys) => void tmux('send-keys', '-t', 'pane', ...keys),
    kill: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { env: tmuxEnv });
      if (socketPath !== '') rmSync(socketPath, { force: true });
    },
  };
}

/** Polls `probe` every `intervalMs` (default 50) until it gives a value; fails with `failure()` after `timeoutMs`. */
export async function pollUntil<T>(probe: () => T | undefined | Promise<T | undefined>, failure: () => string | Promise<string>, timeoutMs: number, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(await failure());
    await delay(intervalMs);
  }
}
