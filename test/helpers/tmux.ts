import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/**
 * A program running in a real pseudo-terminal: a tmux session on a private server, for
 * tests that must type at a prompt and read what the terminal shows.
 */
export interface TmuxSession {
  /** What the terminal shows now. */
  capture(): string;
  /** Types text, then Enter. */
  type(text: string): void;
  /** Waits until the screen matches, or throws with the screen after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(): void;
}

function tmux(socket: string, args: string[]): string {
  const result = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`tmux ${args[0] ?? ''} failed: ${result.stderr}`);
  return result.stdout;
}

/** Starts `command` (run by sh) in a new 200x50 tmux session with the given environment. */
export function startTmux(command: string, env: Record<string, string>): TmuxSession {
  const socket = `assume-test-${randomBytes(6).toString('hex')}`;
  const exports = Object.entries(env)
    .map(([name, value]) => `${name}='${value.replace(/'/g, "'\\''")}'`)
    .join(' ');
  tmux(socket, ['new-session', '-d', '-s', 'test', '-x', '200', '-y', '50', `env -i ${exports} sh -c '${command.replace(/'/g, "'\\''")}'; sleep 600`]);
  const capture = (): string => tmux(socket, ['capture-pane', '-p', '-t', 'test', '-S', '-200']);
  return {
    capture,
    type: (text) => {
      tmux(socket, ['send-keys', '-t', 'test', '-l', text]);
      tmux(socket, ['send-keys', '-t', 'test', 'Enter']);
    },
    waitFor: async (pattern, timeoutMs = 15_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const screen = capture();
        if (pattern.test(screen)) return screen;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; the screen shows:\n${screen}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    kill: () => {
      spawnSync('tmux', ['-L', socket, 'kill-server']);
    },
  };
}
