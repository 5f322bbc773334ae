import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactKeyId, redactKeyIds } from '../../../src/util/redact.js';

describe('redactKeyIds', () => {
  it('shows a key id as ****WXYZ', () => {
    assert.equal(redactKeyId('AKIAIOSFODNN7EXAMPLE'), '****MPLE');
  });

  it('redacts anything shaped like an access key id, long-term or temporary, and leaves the rest', () => {
    assert.equal(
      redactKeyIds("Credential should be scoped to a valid region, got 'AKIAIOSFODNN7EXAMPLE/20261128/us-east-1/sts/aws4_request'"),
      "Credential should be scoped to a valid region, got '****MPLE/20261128/us-east-1/sts/aws4_request'",
    );
    assert.equal(redactKeyIds('key ASIA1234567890ABCDEF expired; role AROA1234567890ABCDEFG'), 'key ****CDEF expired; role ****DEFG');
    assert.equal(redactKeyIds('nothing to hide: arn:aws:iam::123456789012:role/Admin'), 'nothing to hide: arn:aws:iam::123456789012:role/Admin');
  });

  it('redacts a known key id exactly as written, even when it does not look like one', () => {
    assert.equal(redactKeyIds("got 'AKIAxxxxxxxx/yyyyyyy/20261128/us-east-1'", ['AKIAxxxxxxxx/yyyyyyy']), "got '****yyyy/20261128/us-east-1'");
  });
});
