import { openTmuxPane, pollUntil, withExactEnv } from './tmuxPane.js';

/**
 * A program running in a real pseudo-terminal (test/helpers/tmuxPane.ts), for tests that
 * must type at a prompt and read what the terminal shows.
 */
export interface TmuxSession {
  /** What the terminal shows now, with 200 lines of scrollback. */
  capture(): string;
  /** Types text, then Enter. */
  type(text: string): void;
  /** Waits until the screen matches, or throws with the screen after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(): void;
}

/** Starts `command` (run by sh) in a new 200x50 pane with exactly the given environment. */
export function startTmux(command: string, env: Record<string, string>): TmuxSession {
  const pane = openTmuxPane(`${withExactEnv(env, ['sh', '-c', command])}; sleep 600`, { columns: 200, rows: 50 });
  const capture = (): string => pane.screen({ scrollback: 200 });
  return {
    capture,
    type: (text) => {
      pane.type(text);
      pane.press('Enter');
    },
    waitFor: (pattern, timeoutMs = 15_000) =>
      pollUntil(
        async () => {
          const screen = await pane.screenAsync({ scrollback: 200 });
          return pattern.test(screen) ? screen : undefined;
        },
        () => `timed out waiting for ${String(pattern)}; the screen shows:\n${capture()}`,
        timeoutMs,
      ),
    kill: pane.kill,
  };
}
