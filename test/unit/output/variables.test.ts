import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAssumeError } from '../../../src/errors.js';
import { formatExpiration } from '../../../src/output/formatExpiration.js';
import { credentialVariables } from '../../../src/output/variables.js';

describe('credentialVariables', () => {
  it('sets keys, token, expiration and both region variables, and unsets the stale profile variables', () => {
    assert.deepEqual(
      credentialVariables({
        credentials: { accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'TK', expiration: new Date('2026-11-28T17:36:45.999Z') },
        region: 'eu-west-1',
      }),
      {
        unset: ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN'],
        set: [
          ['AWS_ACCESS_KEY_ID', 'AK'],
          ['AWS_SECRET_ACCESS_KEY', 'SK'],
          ['AWS_SESSION_TOKEN', 'TK'],
          ['AWS_CREDENTIAL_EXPIRATION', '2026-11-28T17:36:45Z'],
          ['AWS_REGION', 'eu-west-1'],
          ['AWS_DEFAULT_REGION', 'eu-west-1'],
        ],
      },
    );
  });

  it('unsets the session token and expiration when the credentials have none, and sets no region when none is known', () => {
    assert.deepEqual(credentialVariables({ credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' } }), {
      unset: ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION'],
      set: [
        ['AWS_ACCESS_KEY_ID', 'AK'],
        ['AWS_SECRET_ACCESS_KEY', 'SK'],
      ],
    });
  });
});

describe('formatExpiration', () => {
  const cases: [string, string][] = [
    ['2026-11-28T17:36:45.000Z', '2026-11-28T17:36:45Z'],
    ['2026-11-28T17:36:45.999Z', '2026-11-28T17:36:45Z'],
    ['2026-11-28T19:36:45.500+02:00', '2026-11-28T17:36:45Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00Z'],
  ];
  for (const [input, expected] of cases) {
    it(`writes ${input} as ${expected}, in UTC and without milliseconds`, () => {
      assert.equal(formatExpiration(new Date(input)), expected);
    });
  }

  it('refuses an invalid date and a year RFC 3339 cannot hold, as an internal error', () => {
    for (const date of [new Date(Number.NaN), new Date(Date.UTC(10000, 0, 1)), new Date(Date.UTC(-1, 0, 1))]) {
      assert.throws(() => formatExpiration(date), (error: unknown) => isAssumeError(error) && error.code === 'INTERNAL');
    }
  });
});
