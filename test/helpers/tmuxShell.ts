import { openTmuxPane, pollUntil, withExactEnv } from './tmuxPane.js';

/**
 * An interactive bash in a real pseudo-terminal (test/helpers/tmuxPane.ts), for tests
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
  const command = withExactEnv({ TERM: 'xterm', ...env, PS1: shellPrompt, HISTFILE: '' }, ['bash', '--norc', '--noprofile', '-i']);
  const pane = openTmuxPane(command, { columns: size.columns ?? 120, rows: size.rows ?? 30 });
  const screen = (options: { colors?: boolean } = {}): string => pane.screen(options);
  const shell: TmuxShell = {
    run: (line) => {
      pane.type(line);
      pane.press('Enter');
    },
    type: pane.type,
    press: pane.press,
    screen,
    waitFor: (test, what, timeoutMs = 30_000) => {
      const accepts = typeof test === 'function' ? test : (text: string) => test.test(text);
      return pollUntil(
        async () => {
          const shown = await pane.screenAsync();
          return accepts(shown) ? shown : undefined;
        },
        () => `timed out waiting for ${what}; the terminal shows:\n${screen()}`,
        timeoutMs,
      );
    },
    kill: pane.kill,
  };
  try {
    await shell.waitFor((shown) => shown.endsWith(shellPrompt.trimEnd()), 'the first shell prompt');
  } catch (error) {
    shell.kill();
    throw error;
  }
  return shell;
}
