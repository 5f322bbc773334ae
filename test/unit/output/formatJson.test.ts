import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatJson } from '../../../src/output/formatJson.js';
import { temporary } from '../../helpers/credentialsFixtures.js';


describe('formatJson', () => {
  it('prints temporary credentials with a region as pretty JSON with a trailing newline', () => {
    assert.equal(
      formatJson(temporary),
      [
        '{',
        '  "AccessKeyId": "ASIAIOSFODNN7EXAMPLE",',
        '  "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",',
        '  "SessionToken": "IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN==",',
        '  "Expiration": "2026-11-28T17:36:45Z",',
        '  "Region": "eu-west-1"',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('leaves out SessionToken, Expiration and Region when they are absent', () => {
    assert.equal(
      formatJson({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' } }),
      '{\n  "AccessKeyId": "AKIAIOSFODNN7EXAMPLE",\n  "SecretAccessKey": "secret"\n}\n',
    );
  });

  it('holds any value exactly, NUL and lone surrogates included', () => {
    const value = '\0\n"\\\u2028\ud800é😀 $(x)';
    const parsed: unknown = JSON.parse(formatJson({ credentials: { accessKeyId: value, secretAccessKey: value, sessionToken: value }, region: value }));
    assert.deepEqual(parsed, { AccessKeyId: value, SecretAccessKey: value, SessionToken: value, Region: value });
  });
});
