import { openTmuxPane, pollUntil, withExactEnv } from './tmuxPane.js';

/**
 * An interactive shell in a real pseudo-terminal (test/helpers/tmuxPane.ts), for tests that type into bash, zsh or fish, press Tab, and
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

/**
 * Starts `argv` (a shell and its flags) in a new 160x50 pane whose environment is exactly
 * `env`. Call kill() when done, in a finally.
 */
export function startShellTerminal(argv: readonly string[], env: Record<string, string>): ShellTerminal {
  const pane = openTmuxPane(`${withExactEnv(env, argv)}; exec sleep 600`, { columns: 160, rows: 50 });
  const screen = (): string => pane.screen({ join: true, scrollback: 500 });
  return {
    screen,
    type: pane.type,
    press: pane.press,
    run: (line) => {
      pane.type(line);
      pane.press('Enter');
    },
    waitFor: ({ source, flags }, { after, timeoutMs = 30_000 } = {}) => {
      const pattern = new RegExp(source, flags);
      return pollUntil(
        async () => {
          const lines = (await pane.screenAsync({ join: true, scrollback: 500 })).split('\n');
          const from = after === undefined ? -1 : lines.lastIndexOf(after);
          if (after !== undefined && from === -1) return undefined;
          return pattern.exec(lines.slice(from + 1).join('\n')) ?? undefined;
        },
        () => `timed out waiting for ${String(pattern)}; the terminal shows:\n${screen()}`,
        timeoutMs,
      );
    },
    kill: pane.kill,
  };
}
