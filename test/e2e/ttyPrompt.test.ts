// The MFA prompt on a real pseudo-terminal: test/fixtures/prompt/askCode.ts runs in a tmux
// pane with its stdout and stderr redirected to files, so whatever the pane shows came
// through /dev/tty. A wrapper shell records the exit status and the terminal's mode
// (`stty -g`) before and after. Needs tmux and util-linux's setsid.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openTmuxPane, pollUntil, shellQuote as quote, withExactEnv } from '../helpers/tmuxPane.js';

const askCode = fileURLToPath(new URL('../fixtures/prompt/askCode.js', import.meta.url));
const prompt = 'MFA code for arn:aws:iam::111111111111:mfa/dev (profile prod): ';
const retry = 'not a 6-digit code, try again';
const deadlineMs = 10_000;

/** How the program in the pane ended. */
interface Ended {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
  /** `stty -g` just before the program started and just after it ended. */
  readonly sttyBefore: string;
  readonly sttyAfter: string;
}

interface Pty {
  /** What the pane shows now, trailing blank lines dropped. */
  screen(): string;
  /** Types text literally (no key names). */
  type(text: string): void;
  /** Presses keys by tmux name: `Enter`, `C-c`, `C-d`. */
  press(...keys: string[]): void;
  /** Waits until the screen matches, or fails showing the screen. */
  waitForScreen(test: (screen: string) => boolean, what: string): Promise<string>;
  /** Waits until the program has ended. */
  waitForEnd(): Promise<Ended>;
}

/**
 * Runs `argv` in a fresh 100x12 tmux pane on a private server (its own socket, no config
 * file), hands it to `body`, and always kills the server and removes the files after.
 */
async function withPty(argv: readonly string[], body: (pty: Pty) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'assume-tty-'));
  // Trapping SIGINT (rather than ignoring it) keeps the wrapper alive through Ctrl-C to record the
  // status, while the program gets the default action: a caught signal is reset on exec.
  const wrapper = join(dir, 'run.sh');
  writeFileSync(
    wrapper,
    [
      'trap : INT',
      'before=$(stty -g)',
      `"$@" >${quote(join(dir, 'stdout'))} 2>${quote(join(dir, 'stderr'))}`,
      'status=$?',
      'after=$(stty -g)',
      `printf '%s\\n%s\\n' "$before" "$after" >${quote(join(dir, 'stty'))}`,
      `echo "$status" >${quote(join(dir, 'status.new'))} && mv ${quote(join(dir, 'status.new'))} ${quote(join(dir, 'status'))}`,
      // Keep the pane, and its last screen, until the server is killed.
      'exec sleep 600',
      '',
    ].join('\n'),
  );
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, SHELL: '/bin/sh', TERM: 'xterm' };
  const pane = openTmuxPane(withExactEnv(env, ['/bin/sh', wrapper, ...argv]), { columns: 100, rows: 12 });
  const screen = (): string => pane.screen();
  const poll = <T>(probe: () => T | undefined | Promise<T | undefined>, failure: () => string): Promise<T> => pollUntil(probe, failure, deadlineMs, 20);
  const pty: Pty = {
    screen,
    type: pane.type,
    press: pane.press,
    waitForScreen: (test, what) =>
      poll(
        async () => {
          const shown = await pane.screenAsync();
          return test(shown) ? shown : undefined;
        },
        () => `timed out waiting for ${what}; the terminal shows:\n${screen()}`,
      ),
    waitForEnd: async () => {
      const status = await poll(
        () => (existsSync(join(dir, 'status')) ? readFileSync(join(dir, 'status'), 'utf8') : undefined),
        () => `timed out waiting for the program to end; the terminal shows:\n${screen()}`,
      );
      const [sttyBefore = '', sttyAfter = ''] = readFileSync(join(dir, 'stty'), 'utf8').split('\n');
      return {
        status: Number(status),
        stdout: readFileSync(join(dir, 'stdout'), 'utf8'),
        stderr: readFileSync(join(dir, 'stderr'), 'utf8'),
        sttyBefore,
        sttyAfter,
      };
    },
  };
  try {
    await body(pty);
  } finally {
    pane.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

describe('createTtyMfaPrompt on a terminal', { concurrency: true }, () => {
  it('asks on the terminal, asks again after a typo, and the code alone reaches stdout', async () => {
    await withPty([process.execPath, askCode], async (pty) => {
      await pty.waitForScreen((s) => s.endsWith(prompt.trimEnd()), 'the prompt');
      pty.type('12345');
      pty.press('Enter');
      await pty.waitForScreen((s) => s.includes(`${prompt}12345\n${retry}\n${prompt.trimEnd()}`), 'the retry message and a second prompt');
      pty.type('123456');
      pty.press('Enter');
      const ended = await pty.waitForEnd();
      assert.deepEqual({ status: ended.status, stdout: ended.stdout, stderr: ended.stderr }, { status: 0, stdout: '123456\n', stderr: '' });
      assert.equal(pty.screen(), `${prompt}12345\n${retry}\n${prompt}123456`);
    });
  });

  it('ends as SIGINT does on Ctrl-C (status 130) and leaves the terminal in its normal mode', async () => {
    await withPty([process.execPath, askCode], async (pty) => {
      await pty.waitForScreen((s) => s.endsWith(prompt.trimEnd()), 'the prompt');
      pty.type('12');
      pty.press('C-c');
      const ended = await pty.waitForEnd();
      assert.deepEqual({ status: ended.status, stdout: ended.stdout, stderr: ended.stderr }, { status: 130, stdout: '', stderr: '' });
      assert.notEqual(ended.sttyBefore, '');
      assert.equal(ended.sttyAfter, ended.sttyBefore);
      assert.equal(pty.screen(), `${prompt}12^C`);
    });
  });

  it('refuses with MFA_REQUIRED on Ctrl-D (end of input)', async () => {
    await withPty([process.execPath, askCode], async (pty) => {
      await pty.waitForScreen((s) => s.endsWith(prompt.trimEnd()), 'the prompt');
      pty.press('C-d');
      const ended = await pty.waitForEnd();
      assert.equal(ended.status, 6);
      assert.equal(ended.stdout, '');
      assert.equal(
        ended.stderr,
        'MFA_REQUIRED: no MFA code entered for arn:aws:iam::111111111111:mfa/dev (profile "prod"): end of input on /dev/tty\n',
      );
    });
  });

  it('refuses with MFA_REQUIRED after three answers that are not 6 digits', async () => {
    await withPty([process.execPath, askCode], async (pty) => {
      for (const [i, answer] of ['12345', '1234567', 'abcdef'].entries()) {
        await pty.waitForScreen((s) => count(s, prompt.trimEnd()) === i + 1 && s.endsWith(prompt.trimEnd()), `prompt ${i + 1}`);
        pty.type(answer);
        pty.press('Enter');
      }
      const ended = await pty.waitForEnd();
      assert.equal(ended.status, 6);
      assert.equal(ended.stdout, '');
      assert.equal(ended.stderr, 'MFA_REQUIRED: no valid MFA code after 3 attempts for arn:aws:iam::111111111111:mfa/dev (profile "prod")\n');
      assert.equal(count(pty.screen(), retry), 2);
      assert.ok(pty.screen().endsWith(`${prompt}abcdef\nnot a 6-digit code`), pty.screen());
    });
  });

  it('fails at once with MFA_REQUIRED under setsid, with no controlling terminal, and shows nothing', async () => {
    await withPty(['setsid', '-w', process.execPath, askCode], async (pty) => {
      const ended = await pty.waitForEnd();
      assert.equal(ended.status, 6);
      assert.equal(ended.stdout, '');
      assert.equal(
        ended.stderr,
        'MFA_REQUIRED: the role needs an MFA code from arn:aws:iam::111111111111:mfa/dev (profile "prod") and there is no terminal to ask on (/dev/tty: no controlling terminal)\n',
      );
      assert.equal(pty.screen(), '');
    });
  });
});
