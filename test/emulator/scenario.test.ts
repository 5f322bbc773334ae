import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { startEmulator } from './emulator.js';
import { applyScenario, parseScenario } from './scenario.js';
import { stsClient } from './test-support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SCENARIO = JSON.stringify({
  users: [
    { name: 'alice', accessKeyId: 'AKIAALICE00000000000', secretAccessKey: 'alice-secret', mfa: { code: '123456' } },
    { name: 'bob', accountId: '333333333333' },
  ],
  roles: [
    {
      arn: 'arn:aws:iam::222222222222:role/admin',
      trust: ['arn:aws:iam::111111111111:user/alice'],
      externalId: 'ext-1',
      requireMfa: true,
      maxSessionDuration: 7200,
    },
  ],
});

describe('parseScenario', () => {
  it('reads users and roles in the shapes addUser and addRole take', () => {
    assert.deepEqual(parseScenario(SCENARIO), {
      users: [
        { name: 'alice', accessKeyId: 'AKIAALICE00000000000', secretAccessKey: 'alice-secret', mfa: { code: '123456' } },
        { name: 'bob', accountId: '333333333333' },
      ],
      roles: [
        {
          arn: 'arn:aws:iam::222222222222:role/admin',
          trust: ['arn:aws:iam::111111111111:user/alice'],
          externalId: 'ext-1',
          requireMfa: true,
          maxSessionDuration: 7200,
        },
      ],
    });
  });

  it('reads an empty object as no users and no roles', () => {
    assert.deepEqual(parseScenario('{}'), { users: [], roles: [] });
  });

  const broken: Array<[string, string, RegExp]> = [
    ['text that is not JSON', '{users:', /^s\.json: not valid JSON \(/],
    ['users that are not a list', '{"users": {}}', /^s\.json: users must be an array$/],
    ['a user without a name', '{"users": [{"accountId": "1"}]}', /^s\.json: users\[0\]\.name is required$/],
    ['a trust entry that is not a string', '{"roles": [{"arn": "a", "trust": [1]}]}', /^s\.json: roles\[0\]\.trust\[0\] must be a string$/],
    ['a requireMfa that is not a boolean', '{"roles": [{"arn": "a", "trust": [], "requireMfa": "yes"}]}', /^s\.json: roles\[0\]\.requireMfa must be true or false$/],
  ];
  for (const [what, text, message] of broken) {
    it(`refuses ${what} and names the field`, () => {
      assert.throws(() => parseScenario(text, 's.json'), { message });
    });
  }
});

describe('applyScenario', () => {
  it('creates the users and roles and returns each user with its keys', async () => {
    const emu = await startEmulator();
    try {
      const users = applyScenario(emu, parseScenario(SCENARIO));
      assert.deepEqual(users[0], {
        name: 'alice',
        accessKeyId: 'AKIAALICE00000000000',
        secretAccessKey: 'alice-secret',
        arn: 'arn:aws:iam::111111111111:user/alice',
      });
      assert.equal(users[1]?.arn, 'arn:aws:iam::333333333333:user/bob');
      assert.match(users[1].accessKeyId, /^AKIA[A-Z0-9]{16}$/);
      const result = await stsClient(emu, users[0]).send(
        new AssumeRoleCommand({
          RoleArn: 'arn:aws:iam::222222222222:role/admin',
          RoleSessionName: 'scenario',
          ExternalId: 'ext-1',
          SerialNumber: 'arn:aws:iam::111111111111:mfa/alice',
          TokenCode: '123456',
          DurationSeconds: 7200,
        }),
      );
      assert.equal(result.AssumedRoleUser?.Arn, 'arn:aws:sts::222222222222:assumed-role/admin/scenario');
    } finally {
      await emu.close();
    }
  });

  it('refuses a role ARN IAM would not accept', async () => {
    const emu = await startEmulator();
    try {
      assert.throws(() => applyScenario(emu, { users: [], roles: [{ arn: 'arn:aws:iam::1:role/x', trust: [] }] }), /not a role ARN/);
    } finally {
      await emu.close();
    }
  });
});
