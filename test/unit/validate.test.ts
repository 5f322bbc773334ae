import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDuration } from '../../src/resolve/validate.js';
import { suggestNames } from '../../src/util/suggest.js';

describe('parseDuration', () => {
  const cases: [string, number | undefined][] = [
    ['3600', 3600], ['900s', 900], ['15m', 900], ['1h', 3600], ['1h30m', 5400], ['2h0m10s', 7210], ['', undefined], ['1x', undefined], ['h', undefined], ['-5', undefined], ['0', 0],
  ];
  for (const [text, expected] of cases) {
    it(`reads "${text}" as ${String(expected)}`, () => {
      assert.equal(parseDuration(text), expected);
    });
  }
});

describe('suggestNames', () => {
  it('suggests close names, closest first, at most three', () => {
    assert.deepEqual(suggestNames('prod-admn', ['prod-admin', 'prod-read', 'dev-admin', 'staging']), ['prod-admin']);
    assert.deepEqual(suggestNames('stagng', ['stage', 'prod', 'staging', 'stg-1', 'stagnant']), ['staging', 'stage']);
  });
  it('suggests a name that contains what was typed', () => {
    assert.deepEqual(suggestNames('billing', ['acme-billing-admin', 'other']), ['acme-billing-admin']);
  });
  it('suggests nothing when nothing is close', () => {
    assert.deepEqual(suggestNames('zzzz', ['prod', 'dev']), []);
  });
  it('answers at once beside a name of a megabyte, either way round (found by the config fuzz: 600 ms each)', () => {
    const huge = `prod${'x'.repeat(1_048_576)}`;
    const start = performance.now();
    assert.deepEqual(suggestNames('nope', ['prod', huge]), []);
    assert.deepEqual(suggestNames('prod', [huge, 'prd']), ['prd', huge]);
    assert.deepEqual(suggestNames(huge, ['prod', 'dev']), ['prod']);
    const ms = performance.now() - start;
    assert.ok(ms < 100, `${ms.toFixed(0)} ms`);
  });
});
