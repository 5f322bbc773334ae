import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quote } from '../../../src/util/quote.js';

describe('quote', () => {
  it('quotes a one-line value as JSON', () => {
    assert.equal(quote('arn:aws:iam::1:role/x'), '"arn:aws:iam::1:role/x"');
    assert.equal(quote('a "b" \\ c\t'), '"a \\"b\\" \\\\ c\\t"');
  });

  it('shows only the first line: a continuation line may be another setting, even a secret', () => {
    assert.equal(quote('arn:aws:iam::1:role/x\naws_secret_access_key = SECRETSECRET'), '"arn:aws:iam::1:role/x" (and 1 more line, not shown)');
    assert.equal(quote('a\r\nb\u2028c'), '"a" (and 2 more lines, not shown)');
  });

  it('cuts a long value', () => {
    assert.equal(quote('x'.repeat(1_000_000), 10), `"${'x'.repeat(10)}..."`);
  });
});
