import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AssumeError } from '../../../src/errors.js';
import { openTerminal } from '../../../src/picker/openTerminal.js';

describe('openTerminal', () => {
  it('refuses a file that is not a terminal with a usage error that says how to name a profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'assume-picker-'));
    try {
      const file = join(dir, 'not-a-tty');
      writeFileSync(file, '');
      assert.throws(
        () => openTerminal(file),
        (error: unknown) =>
          error instanceof AssumeError &&
          error.code === 'USAGE' &&
          error.exitCode === 2 &&
          error.message === `no profile given, and no terminal to pick one on (${file}: not a terminal)` &&
          /assume PROFILE/.test(error.hint ?? '') &&
          /AWS_PROFILE/.test(error.hint ?? ''),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a missing device in the usage error', () => {
    assert.throws(
      () => openTerminal('/nonexistent/tty'),
      (error: unknown) => error instanceof AssumeError && error.code === 'USAGE' && error.message === 'no profile given, and no terminal to pick one on (/nonexistent/tty: no such file)',
    );
  });
});
