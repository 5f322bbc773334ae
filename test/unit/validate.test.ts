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
});
