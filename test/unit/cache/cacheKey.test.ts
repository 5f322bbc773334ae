import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { cacheKey } from '../../../src/cache/cacheKey.js';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('cacheKey', () => {
  it('is the sha256 hex of the canonical JSON', () => {
    assert.equal(cacheKey({ b: 1, a: 'x' }), sha256('{"a":"x","b":1}'));
    assert.match(cacheKey({}), /^[0-9a-f]{64}$/);
  });

  it('gives the same key whatever the order of object keys, at any depth', () => {
    const one = { roleArn: 'arn:aws:iam::1:role/A', source: { kind: 'static', accessKeyId: 'AKIA1' }, durationSeconds: 3600 };
    const two = { durationSeconds: 3600, source: { accessKeyId: 'AKIA1', kind: 'static' }, roleArn: 'arn:aws:iam::1:role/A' };
    assert.equal(cacheKey(one), cacheKey(two));
  });

  it('drops members whose value is undefined, so an absent option and an undefined one agree', () => {
    assert.equal(cacheKey({ roleArn: 'r', externalId: undefined }), cacheKey({ roleArn: 'r' }));
    assert.equal(cacheKey({ outer: { inner: undefined, x: 1 } }), cacheKey({ outer: { x: 1 } }));
  });

  it('tells apart values that differ in any member, type or array order', () => {
    const keys = [
      cacheKey({ roleArn: 'r', durationSeconds: 3600 }),
      cacheKey({ roleArn: 'r', durationSeconds: 900 }),
      cacheKey({ roleArn: 'r', durationSeconds: '3600' }),
      cacheKey({ roleArn: 'r', durationSeconds: null }),
      cacheKey({ roleArn: 'r' }),
      cacheKey(['a', 'b']),
      cacheKey(['b', 'a']),
      cacheKey({ 'a.b': 1 }),
      cacheKey({ a: { b: 1 } }),
    ];
    assert.equal(new Set(keys).size, keys.length);
  });

  it('keeps undefined inside an array as null, as JSON does', () => {
    assert.equal(cacheKey([1, undefined]), sha256('[1,null]'));
  });

  it('encodes a Date through toJSON, as JSON.stringify does', () => {
    assert.equal(cacheKey({ at: new Date('2026-11-28T17:00:00Z') }), sha256('{"at":"2026-11-28T17:00:00.000Z"}'));
  });

  it('encodes a __proto__ member as data', () => {
    const parts = JSON.parse('{"__proto__": {"x": 1}, "a": 2}') as unknown;
    assert.equal(cacheKey(parts), sha256('{"__proto__":{"x":1},"a":2}'));
  });

  it('refuses what JSON cannot carry unambiguously', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [{ f: () => 1 }, { n: Number.NaN }, { n: Infinity }, { b: 1n }, { s: Symbol('s') }, cyclic]) {
      assert.throws(() => cacheKey(value), TypeError);
    }
  });

  it('accepts the same object twice when it is not a cycle', () => {
    const shared = { a: 1 };
    assert.equal(cacheKey({ x: shared, y: shared }), sha256('{"x":{"a":1},"y":{"a":1}}'));
  });
});
