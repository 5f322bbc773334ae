import assert from 'node:assert/strict';
import { AssumeError } from '../../src/errors.js';

/** The AssumeError a promise rejects with; fails the test when it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<AssumeError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AssumeError, `expected an AssumeError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a rejection');
}
