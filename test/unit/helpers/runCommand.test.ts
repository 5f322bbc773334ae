import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCommand } from '../../helpers/runAssume.js';

describe('runCommand (the helper every e2e test spawns through)', () => {
  it('reports a command that exits without reading its input, instead of failing on EPIPE', async () => {
    // 4 MiB is far more than a pipe holds, so the write is still going when `true` has exited.
    for (let round = 0; round < 5; round++) {
      const result = await runCommand('/bin/true', [], {}, { input: 'x'.repeat(4 * 1024 * 1024) });
      assert.equal(result.code, 0);
      assert.equal(result.stdout, '');
    }
  });
});
