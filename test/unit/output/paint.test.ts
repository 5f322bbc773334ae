import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import { paintAt } from '../../../src/output/paint.js';

describe('paintAt: the success line painted without loading chalk', () => {
  it('writes the very bytes chalk writes, at every level', () => {
    for (const level of [0, 1, 2, 3] as const) {
      const chalk = new Chalk({ level });
      const paint = paintAt(level);
      for (const name of ['bold', 'dim', 'green', 'yellow'] as const) {
        assert.equal(paint[name]('prod-admin 59m'), chalk[name]('prod-admin 59m'), `${name} at level ${level}`);
      }
    }
  });
});
