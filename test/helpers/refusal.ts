import assert from 'node:assert/strict';
import { AssumeError } from '../../src/errors.js';

/**
 * Asserts that `fn` throws an AssumeError with `code`, a message matching `message` and a hint;
 * the sync form of `rejection`.
 */
export function refusal(fn: () => unknown, code: string, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof AssumeError, `expected an AssumeError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    assert.ok(error.hint !== undefined && error.hint.length > 0, 'every refusal carries a hint');
    return true;
  });
}
