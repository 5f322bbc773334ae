import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Credentials } from '../../src/credentials.js';
import { AssumeError } from '../../src/errors.js';
import { executePlan } from '../../src/execute.js';
import { resolvePlan } from '../../src/resolve/resolvePlan.js';
import type { AssumeRoleRequest, RoleAssumer } from '../../src/sts/types.js';
import { configFrom } from '../helpers/config.js';

const config = configFrom(`
[profile base]
aws_access_key_id = AKIABASE000000000001
aws_secret_access_key = base-secret

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/me

[profile deep]
role_arn = arn:aws:iam::333333333333:role/Deep
source_profile = admin
role_session_name = deep-session
`);

/** A fake STS that records each call and answers with keys named after the role. */
function recordingAssumer(): { calls: { source: Credentials; request: AssumeRoleRequest }[]; assumeRole: RoleAssumer } {
  const calls: { source: Credentials; request: AssumeRoleRequest }[] = [];
  return {
    calls,
    assumeRole: (source, request) => {
      calls.push({ source, request });
      const name = request.roleArn.split('/').pop() ?? '';
      return Promise.resolve({
        credentials: { accessKeyId: `ASIA${name}`, secretAccessKey: `secret-${name}`, sessionToken: `token-${name}`, expiration: new Date('2026-11-28T18:00:00Z') },
      });
    },
  };
}

const now = (): Date => new Date('2026-11-28T17:00:00Z');

describe('executePlan', () => {
  it('calls AssumeRole hop by hop, each with the previous credentials', async () => {
    const fake = recordingAssumer();
    const plan = resolvePlan(config, {}, { profile: 'deep', tokenCode: '123456' });
    const result = await executePlan(plan, { assumeRole: fake.assumeRole, now, timeoutMs: 1000, maxAttempts: 1 });
    assert.deepEqual(
      fake.calls.map((c) => [c.source.accessKeyId, c.request.roleArn, c.request.roleSessionName, c.request.serialNumber, c.request.tokenCode]),
      [
        ['AKIABASE000000000001', 'arn:aws:iam::222222222222:role/Admin', 'assume-1795885200', 'arn:aws:iam::111111111111:mfa/me', '123456'],
        ['ASIAAdmin', 'arn:aws:iam::333333333333:role/Deep', 'deep-session', undefined, undefined],
      ],
    );
    assert.equal(result.credentials.accessKeyId, 'ASIADeep');
  });

  it('returns static keys untouched when the plan has no hops', async () => {
    const fake = recordingAssumer();
    const result = await executePlan(resolvePlan(config, {}, { profile: 'base' }), { assumeRole: fake.assumeRole, now, timeoutMs: 1000, maxAttempts: 1 });
    assert.equal(fake.calls.length, 0);
    assert.deepEqual(result.credentials, { accessKeyId: 'AKIABASE000000000001', secretAccessKey: 'base-secret', sessionToken: undefined });
  });

  it('refuses an MFA hop without a code before making any call', async () => {
    const fake = recordingAssumer();
    await assert.rejects(
      executePlan(resolvePlan(config, {}, { profile: 'deep' }), { assumeRole: fake.assumeRole, now, timeoutMs: 1000, maxAttempts: 1 }),
      (error: unknown) => error instanceof AssumeError && error.code === 'MFA_REQUIRED' && /arn:aws:iam::111111111111:mfa\/me/.test(error.message) && /--token-code/.test(error.hint ?? ''),
    );
    assert.equal(fake.calls.length, 0);
  });
});
