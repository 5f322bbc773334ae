import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCredentialProcess } from '../../../src/output/formatCredentialProcess.js';

describe('formatCredentialProcess', () => {
  it('prints temporary credentials as one line of credential_process JSON, without the region', () => {
    assert.equal(
      formatCredentialProcess({
        credentials: {
          accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN==',
          expiration: new Date('2026-11-28T17:36:45.678Z'),
        },
        region: 'eu-west-1',
      }),
      '{"Version":1,"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","SessionToken":"IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN==","Expiration":"2026-11-28T17:36:45Z"}\n',
    );
  });

  it('leaves out SessionToken and Expiration for static keys', () => {
    assert.equal(
      formatCredentialProcess({ credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret' } }),
      '{"Version":1,"AccessKeyId":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"secret"}\n',
    );
  });

  it('stays on one line whatever the values hold', () => {
    const value = 'a\nb\r\u2028';
    const text = formatCredentialProcess({ credentials: { accessKeyId: value, secretAccessKey: value, sessionToken: value } });
    assert.equal(text.indexOf('\n'), text.length - 1);
    assert.deepEqual(JSON.parse(text), { Version: 1, AccessKeyId: value, SecretAccessKey: value, SessionToken: value });
  });
});
