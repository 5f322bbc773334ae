import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AssumeError } from '../../../src/errors.js';
import { assumeRole } from '../../../src/sts/assumeRole.js';
import type { AssumeRoleRequest, StsCallOptions } from '../../../src/sts/types.js';
import { startEmulator } from '../../emulator/emulator.js';
import type { Emulator, UserKeys } from '../../emulator/emulator.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const TAGGED = 'arn:aws:iam::222222222222:role/tagged';
const PLAIN = 'arn:aws:iam::222222222222:role/plain';
const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::private-bucket/*"}]}';

describe('assumeRole with session parameters', () => {
  let emu: Emulator;
  let alice: UserKeys;
  let options: StsCallOptions;

  beforeEach(async () => {
    emu = await startEmulator();
    alice = emu.addUser({ name: 'alice' });
    emu.addRole({ arn: TAGGED, trust: [alice.arn], allowTagSession: true, allowSetSourceIdentity: true });
    emu.addRole({ arn: PLAIN, trust: [alice.arn] });
    options = {
      target: { region: 'us-east-1', useFipsEndpoint: false, endpoint: { value: emu.url, from: { kind: 'flag', name: '--endpoint-url' } } },
      timeoutMs: 5000,
      maxAttempts: 1,
    };
  });
  afterEach(async () => {
    await emu.close();
  });

  const assume = (request: Partial<AssumeRoleRequest>) => assumeRole(alice, { roleArn: TAGGED, roleSessionName: 'unit', profile: 'tagged', ...request }, options);

  it('sends tags, transitive tag keys, source identity and session policies, and the session carries them', async () => {
    const result = await assume({
      tags: [
        { key: 'Project', value: 'blue' },
        { key: 'team', value: 'core' },
      ],
      transitiveTagKeys: ['Project'],
      sourceIdentity: 'alice@example.com',
      policy: POLICY,
      policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::222222222222:policy/Boundary'],
    });
    assert.deepEqual(emu.sessionInfo(result.credentials.accessKeyId), {
      arn: 'arn:aws:sts::222222222222:assumed-role/tagged/unit',
      tags: [
        { key: 'Project', value: 'blue' },
        { key: 'team', value: 'core' },
      ],
      transitiveTagKeys: ['Project'],
      sourceIdentity: 'alice@example.com',
      policy: POLICY,
      policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::222222222222:policy/Boundary'],
    });
  });

  it('sends no session parameter members when the request has none, or only empty lists', async () => {
    await assume({ roleArn: PLAIN, tags: [], transitiveTagKeys: [], policyArns: [] });
    const names = Object.keys(emu.requests[0]?.params ?? {});
    assert.deepEqual(
      names.filter((name) => /^(Tags|TransitiveTagKeys|SourceIdentity|Policy|PolicyArns)/.test(name)),
      [],
    );
  });

  it('reports a role that does not trust sts:TagSession with a hint to allow it', async () => {
    await assert.rejects(assume({ roleArn: PLAIN, tags: [{ key: 'team', value: 'core' }] }), (error: unknown) => {
      assert.ok(error instanceof AssumeError);
      assert.equal(error.code, 'STS_ACCESS_DENIED');
      assert.match(error.message, /^access denied assuming arn:aws:iam::222222222222:role\/plain \(profile "tagged"\): User: .* sts:TagSession on resource/);
      assert.match(error.hint ?? '', /must allow sts:TagSession/);
      return true;
    });
  });

  it('reports a malformed session policy without quoting it', async () => {
    const broken = `{"Statement": "${'x'.repeat(2100)}"}`;
    for (const policy of [broken, '{"Statement": [ private-bucket']) {
      await assert.rejects(assume({ policy }), (error: unknown) => {
        assert.ok(error instanceof AssumeError);
        assert.equal(error.code, 'STS_INVALID_REQUEST');
        assert.ok(!error.message.includes(policy), error.message);
        assert.ok(!error.message.includes('private-bucket'), error.message);
        assert.match(error.hint ?? '', /session policy/);
        return true;
      });
    }
  });
});
