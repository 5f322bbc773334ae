import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createTtyMfaPrompt } from '../../../src/prompt/createTtyMfaPrompt.js';
import { rejection } from '../../helpers/rejection.js';

// Asking on a real terminal is driven under a pseudo-terminal in test/e2e/ttyPrompt.test.ts.

const request = { mfaSerial: 'arn:aws:iam::111111111111:mfa/dev', profile: 'prod-admin' };

describe('createTtyMfaPrompt', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assume-tty-prompt-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses at once with MFA_REQUIRED when the terminal cannot be opened', async () => {
    const ttyPath = join(dir, 'no-such-tty');
    const error = await rejection(createTtyMfaPrompt({ ttyPath })(request));
    assert.equal(error.code, 'MFA_REQUIRED');
    assert.equal(
      error.message,
      `the role needs an MFA code from arn:aws:iam::111111111111:mfa/dev (profile "prod-admin") and there is no terminal to ask on (${ttyPath}: no such file)`,
    );
    assert.equal(error.hint, 'Pass --token-code 123456, or set mfa_process in the profile.');
  });

  it('refuses a path that is not a terminal: a file, a directory, a FIFO without a writer', async () => {
    const file = join(dir, 'file');
    await writeFile(file, '123456\n');
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    for (const [ttyPath, reason] of [
      [file, 'not a terminal'],
      [dir, 'not a terminal'],
      [fifo, 'not a terminal'],
    ] as const) {
      const error = await rejection(createTtyMfaPrompt({ ttyPath })({ mfaSerial: 'serial' }));
      assert.equal(error.code, 'MFA_REQUIRED');
      assert.equal(error.message, `the role needs an MFA code from serial and there is no terminal to ask on (${ttyPath}: ${reason})`);
    }
  });

  it('opens nothing until called', () => {
    assert.doesNotThrow(() => createTtyMfaPrompt({ ttyPath: join(dir, 'no-such-tty') }));
  });

  it('escapes control characters from the config in its messages', async () => {
    const error = await rejection(createTtyMfaPrompt({ ttyPath: join(dir, 'none') })({ mfaSerial: 'a\u001b]0;x\u0007b', profile: 'p\nq' }));
    assert.match(error.message, /from a\\u001b\]0;x\\u0007b \(profile "p\\u000aq"\)/);
  });

  it('refuses an attempts count that is not a positive integer', () => {
    for (const attempts of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => createTtyMfaPrompt({ attempts }), RangeError);
    }
  });
});
