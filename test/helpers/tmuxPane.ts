import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
  /** What the pane shows, trailing blanks dropped; `colors` keeps SGR sequences, `scrollback` adds that many lines above, `join` joins wrapped lines. */
  readonly screen: (options?: { readonly colors?: boolean; readonly scrollback?: number; readonly join?: boolean }) => string;
  /** Types text literally (no key names, no Enter). */
  readonly type: (text: string) => void;
  /** Presses keys by tmux name: `Enter`, `Tab`, `Down`, `C-c`, `Escape`. */
  readonly press: (...keys: string[]) => void;
  /** Kills the server and all in it, and removes its socket file (tmux leaves it behind). */
  readonly kill: () => void;
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
  return {
    screen: ({ colors = false, scrollback = 0, join = false } = {}) =>
      tmux('capture-pane', '-p', ...(colors ? ['-e'] : []), ...(join ? ['-J'] : []), ...(scrollback > 0 ? ['-S', String(-scrollback)] : []), '-t', 'pane').replace(/\s+$/, ''),
    type: (text) => void tmux('send-keys', '-t', 'pane', '-l', text),
    press: (...keys) => void tmux('send-keys', '-t', 'pane', ...keys),
    kill: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { env: tmuxEnv });
      if (socketPath !== '') rmSync(socketPath, { force: true });
    },
  };
}

/** Polls `probe` every 20 ms until it gives a value; fails with `failure()` after `timeoutMs`. */
export async function pollUntil<T>(probe: () => T | undefined, failure: () => string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) assert.fail(failure());
    await delay(20);
  }
}
