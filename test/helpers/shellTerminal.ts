import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * An interactive shell in a real pseudo-terminal: a tmux session on a private server (its
 * own socket, no tmux config), for tests that type into bash, zsh or fish, press Tab, and
 * read the screen. Unlike test/helpers/tmux.ts it types without Enter and presses keys by
 * name, which completion needs.
 */
export interface ShellTerminal {
  /** What the terminal shows, with its scrollback, trailing blank lines dropped. */
  screen(): string;
  /** Types text literally, without Enter. */
  type(text: string): void;
  /** Presses keys by tmux name: `Enter`, `Tab`, `C-c`, `C-u`. */
  press(...keys: string[]): void;
  /** Types a line and presses Enter. */
  run(line: string): void;
  /**
   * Waits until the screen matches, or throws showing the screen; returns the match. With
   * `after`, only what follows the last line that is exactly `after` counts.
   */
  waitFor(pattern: RegExp, options?: { readonly after?: string; readonly timeoutMs?: number }): Promise<RegExpExecArray>;
  /** Kills the tmux server, and the shell with it. */
  kill(): void;
}

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Starts `argv` (a shell and its flags) in a new 160x50 tmux session whose environment is
 * exactly `env`. Call kill() when done, in a finally.
 */
export function startShellTerminal(argv: readonly string[], env: Record<string, string>): ShellTerminal {
  const socket = `assume-shell-${randomBytes(6).toString('hex')}`;
  const tmux = (...args: string[]): string => {
    const result = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8', env: { PATH: env.PATH ?? '/usr/bin:/bin', TERM: 'xterm' } });
    if (result.error !== undefined) throw result.error;
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const assignments = Object.entries(env).map(([name, value]) => quote(`${name}=${value}`));
  tmux('new-session', '-d', '-s', 'shell', '-x', '160', '-y', '50', `env -i ${assignments.join(' ')} ${argv.map(quote).join(' ')}; exec sleep 600`);
  const screen = (): string => tmux('capture-pane', '-p', '-J', '-t', 'shell', '-S', '-500').replace(/\s+$/, '');
  const press = (...keys: string[]): void => {
    tmux('send-keys', '-t', 'shell', ...keys);
  };
  const type = (text: string): void => {
    tmux('send-keys', '-t', 'shell', '-l', text);
  };
  return {
    screen,
    type,
    press,
    run: (line) => {
      type(line);
      press('Enter');
    },
    waitFor: async (pattern, { after, timeoutMs = 30_000 } = {}) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const shown = screen();
        const lines = shown.split('\n');
        const from = after === undefined ? -1 : lines.lastIndexOf(after);
        const match = after !== undefined && from === -1 ? null : pattern.exec(lines.slice(from + 1).join('\n'));
        if (match !== null) return match;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; the terminal shows:\n${shown}`);
        await delay(50);
      }
    },
    kill: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
    },
  };
}
