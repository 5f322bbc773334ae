import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * An interactive bash in a real pseudo-terminal (a tmux pane on a private server), for tests
 * that type at a shell and at full-screen prompts: keys by tmux name (`Up`, `Enter`, `C-c`,
 * `Escape`), the screen as text or with its colors. Needs tmux.
 */
export interface TmuxShell {
  /** Types a command line literally, then Enter. */
  run(line: string): void;
  /** Types text literally (no key names, no Enter). */
  type(text: string): void;
  /** Presses keys by tmux name: `Enter`, `Down`, `C-c`, `Escape`. */
  press(...keys: string[]): void;
  /** What the pane shows now, trailing blanks dropped; with `colors`, with its SGR escape sequences. */
  screen(options?: { colors?: boolean }): string;
  /** Waits until `test` accepts the screen, and returns it; fails showing the screen after `timeoutMs` (default 30 s). */
  waitFor(test: RegExp | ((screen: string) => boolean), what: string, timeoutMs?: number): Promise<string>;
  /** Kills the tmux server and everything in it. */
  kill(): void;
}

/** The prompt the shell shows: set by the test, so the screen is predictable. */
export const shellPrompt = 'test$ ';

/**
 * Starts `bash --norc --noprofile -i` in a new `columns`x`rows` pane (default 120x30) with
 * exactly `env` (plus TERM=xterm), PS1 = shellPrompt and no history file (bash would write one
 * into HOME when killed, racing the test's cleanup), and waits for its first prompt.
 */
export async function startTmuxShell(env: Record<string, string>, size: { columns?: number; rows?: number } = {}): Promise<TmuxShell> {
  const socket = `assume-shell-${randomBytes(6).toString('hex')}`;
  const tmuxEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm' };
  const tmux = (...args: string[]): string => {
    const result = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: tmuxEnv });
    if (result.error !== undefined) throw result.error;
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const quote = (word: string): string => `'${word.replace(/'/g, `'\\''`)}'`;
  const assignments = Object.entries({ TERM: 'xterm', ...env, PS1: shellPrompt, HISTFILE: '' }).map(([name, value]) => quote(`${name}=${value}`));
  const command = ['env', '-i', ...assignments, 'bash', '--norc', '--noprofile', '-i'].join(' ');
  tmux('new-session', '-d', '-s', 'shell', '-x', String(size.columns ?? 120), '-y', String(size.rows ?? 30), command);
  // The server leaves its socket file behind when killed.
  const socketPath = tmux('display-message', '-p', '-t', 'shell', '#{socket_path}').trim();
  const screen = (options: { colors?: boolean } = {}): string => tmux('capture-pane', '-p', ...(options.colors === true ? ['-e'] : []), '-t', 'shell').replace(/\s+$/, '');
  const shell: TmuxShell = {
    run: (line) => {
      tmux('send-keys', '-t', 'shell', '-l', line);
      tmux('send-keys', '-t', 'shell', 'Enter');
    },
    type: (text) => tmux('send-keys', '-t', 'shell', '-l', text),
    press: (...keys) => tmux('send-keys', '-t', 'shell', ...keys),
    screen,
    waitFor: async (test, what, timeoutMs = 30_000) => {
      const accepts = typeof test === 'function' ? test : (text: string) => test.test(text);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const shown = screen();
        if (accepts(shown)) return shown;
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}; the terminal shows:\n${shown}`);
        await delay(50);
      }
    },
    kill: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server'], { env: tmuxEnv });
      if (socketPath !== '') rmSync(socketPath, { force: true });
    },
  };
  try {
    await shell.waitFor((shown) => shown.endsWith(shellPrompt.trimEnd()), 'the first shell prompt');
  } catch (error) {
    shell.kill();
    throw error;
  }
  return shell;
}
