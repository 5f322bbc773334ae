import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { startEmulator } from './emulator.js';
import type { Emulator, UserKeys } from './emulator.js';
import { cliKeys, keysOf, rejectsWithStsError, runAwsCli, stsClient } from './test-support.js';
import type { Keys } from './test-support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const TARGET = '222222222222';
/** Trusts tagging and source identity. */
const TAGGED = `arn:aws:iam::${TARGET}:role/tagged`;
/** Trusts neither sts:TagSession nor sts:SetSourceIdentity. */
const PLAIN = `arn:aws:iam::${TARGET}:role/plain`;
/** Reached from TAGGED by role chaining; trusts tagging and source identity. */
const NEXT = `arn:aws:iam::${TARGET}:role/next`;
/** Reached from TAGGED; trusts tagging only. */
const NEXT_NO_SOURCE = `arn:aws:iam::${TARGET}:role/next-no-source`;
const POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

describe('AssumeRole session parameters', () => {
  let emu: Emulator;
  let alice: UserKeys;

  beforeEach(async () => {
    emu = await startEmulator();
    alice = emu.addUser({ name: 'alice' });
    emu.addRole({ arn: TAGGED, trust: [alice.arn], allowTagSession: true, allowSetSourceIdentity: true });
    emu.addRole({ arn: PLAIN, trust: [alice.arn] });
    emu.addRole({ arn: NEXT, trust: [TAGGED], allowTagSession: true, allowSetSourceIdentity: true });
    emu.addRole({ arn: NEXT_NO_SOURCE, trust: [TAGGED], allowTagSession: true });
  });
  afterEach(async () => {
    await emu.close();
  });

  function assume(keys: Keys, input: Partial<AssumeRoleCommandInput> & { RoleArn: string }) {
    return stsClient(emu, keys).send(new AssumeRoleCommand({ RoleSessionName: 'test', ...input }));
  }
  function sessionOf(result: { Credentials?: { AccessKeyId?: string | undefined } | undefined }) {
    const info = emu.sessionInfo(result.Credentials?.AccessKeyId ?? '');
    assert.ok(info, 'the issued key is a role session');
    return info;
  }

  it('keeps tags, transitive keys, source identity and session policies on the session', async () => {
    const result = await assume(alice, {
      RoleArn: TAGGED,
      RoleSessionName: 'tagged',
      Tags: [
        { Key: 'Project', Value: 'Blue Team' },
        { Key: 'cost-center', Value: '' },
      ],
      TransitiveTagKeys: ['Project'],
      SourceIdentity: 'alice@example.com',
      Policy: POLICY,
      PolicyArns: [{ arn: READ_ONLY }],
    });
    assert.deepEqual(sessionOf(result), {
      arn: `arn:aws:sts::${TARGET}:assumed-role/tagged/tagged`,
      tags: [
        { key: 'Project', value: 'Blue Team' },
        { key: 'cost-center', value: '' },
      ],
      transitiveTagKeys: ['Project'],
      sourceIdentity: 'alice@example.com',
      policy: POLICY,
      policyArns: [READ_ONLY],
    });
    assert.equal(emu.requests[0]?.params['Tags.member.1.Key'], 'Project');
  });

  it('keeps nothing on a session assumed without them, and knows no session for a user key', async () => {
    const result = await assume(alice, { RoleArn: PLAIN });
    assert.deepEqual(sessionOf(result), {
      arn: `arn:aws:sts::${TARGET}:assumed-role/plain/test`,
      tags: [],
      transitiveTagKeys: [],
      sourceIdentity: undefined,
      policy: undefined,
      policyArns: [],
    });
    assert.equal(emu.sessionInfo(alice.accessKeyId), undefined);
    assert.equal(emu.sessionInfo('ASIANOTAKEY000000000'), undefined);
  });

  it('accepts a session policy alone without sts:TagSession or sts:SetSourceIdentity', async () => {
    const result = await assume(alice, { RoleArn: PLAIN, Policy: POLICY, PolicyArns: [{ arn: READ_ONLY }] });
    assert.equal(sessionOf(result).policy, POLICY);
  });

  it('refuses tags when the trust policy does not allow sts:TagSession', async () => {
    await rejectsWithStsError(assume(alice, { RoleArn: PLAIN, Tags: [{ Key: 'team', Value: 'blue' }] }), {
      code: 'AccessDenied',
      status: 403,
      message: `User: ${alice.arn} is not authorized to perform: sts:TagSession on resource: ${PLAIN}`,
    });
  });

  it('refuses a source identity when the trust policy does not allow sts:SetSourceIdentity', async () => {
    await rejectsWithStsError(assume(alice, { RoleArn: PLAIN, SourceIdentity: 'alice' }), {
      code: 'AccessDenied',
      status: 403,
      message: `User: ${alice.arn} is not authorized to perform: sts:SetSourceIdentity on resource: ${PLAIN}`,
    });
  });

  const tags = (count: number) => Array.from({ length: count }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
  // `sdkName`: the exception the SDK turns a modeled error code into.
  const refusals: { name: string; input: Partial<AssumeRoleCommandInput>; code: string; sdkName?: string; message: string | RegExp }[] = [
    {
      name: 'two tag keys that differ only in case',
      input: { Tags: [{ Key: 'Team', Value: 'a' }, { Key: 'team', Value: 'b' }] },
      code: 'InvalidParameterValue',
      message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    },
    {
      name: 'a transitive key that is not one of the tags',
      input: { Tags: [{ Key: 'team', Value: 'a' }], TransitiveTagKeys: ['project'] },
      code: 'InvalidParameterValue',
      message: 'The specified transitive tag key must be included in the requested tags.',
    },
    {
      name: '51 tags',
      input: { Tags: tags(51) },
      code: 'ValidationError',
      message: "1 validation error detected: Value null at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
    },
    {
      name: 'a tag key of 129 characters',
      input: { Tags: [{ Key: 'k'.repeat(129), Value: 'v' }] },
      code: 'ValidationError',
      message: /at 'tags\.1\.member\.key' failed to satisfy constraint: Member must have length less than or equal to 128$/,
    },
    {
      name: 'a tag value of 257 characters',
      input: { Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] },
      code: 'ValidationError',
      message: /at 'tags\.1\.member\.value' failed to satisfy constraint: Member must have length less than or equal to 256$/,
    },
    {
      name: 'a tag value with a character outside the tag pattern',
      input: { Tags: [{ Key: 'k', Value: 'a;b' }] },
      code: 'ValidationError',
      message: String.raw`1 validation error detected: Value 'a;b' at 'tags.1.member.value' failed to satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`,
    },
    {
      name: 'a source identity of one character',
      input: { SourceIdentity: 'a' },
      code: 'ValidationError',
      message: "1 validation error detected: Value 'a' at 'sourceIdentity' failed to satisfy constraint: Member must have length greater than or equal to 2",
    },
    {
      name: 'a source identity with a space',
      input: { SourceIdentity: 'alice smith' },
      code: 'ValidationError',
      message: /at 'sourceIdentity' failed to satisfy constraint: Member must satisfy regular expression pattern: \[\\w\+=,\.@-\]\*$/,
    },
    {
      name: "a source identity in the reserved 'aws:' prefix",
      input: { SourceIdentity: 'aws:alice' },
      code: 'ValidationError',
      // ':' is outside the pattern, so the pattern refuses it first, as AWS's validation layer would.
      message: /at 'sourceIdentity' failed to satisfy constraint/,
    },
    {
      name: 'a session policy of 2049 characters',
      input: { Policy: `{"a":"${'x'.repeat(2041)}"}` },
      code: 'ValidationError',
      message: /at 'policy' failed to satisfy constraint: Member must have length less than or equal to 2048$/,
    },
    {
      name: 'a session policy that is not JSON',
      input: { Policy: '{"Version":' },
      code: 'MalformedPolicyDocument',
      sdkName: 'MalformedPolicyDocumentException',
      message: 'The policy is not in the valid JSON format.',
    },
    {
      name: 'a session policy that is JSON but not an object',
      input: { Policy: '["s3:*"]' },
      code: 'MalformedPolicyDocument',
      sdkName: 'MalformedPolicyDocumentException',
      message: 'The policy is not in the valid JSON format.',
    },
    {
      name: '11 policy ARNs',
      input: { PolicyArns: Array.from({ length: 11 }, () => ({ arn: READ_ONLY })) },
      code: 'ValidationError',
      message: "1 validation error detected: Value null at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10",
    },
    {
      name: 'a policy ARN that names no managed policy',
      input: { PolicyArns: [{ arn: 'arn:aws:iam::222222222222:role/not-a-policy' }] },
      code: 'ValidationError',
      message: 'Invalid ARN: arn:aws:iam::222222222222:role/not-a-policy is not a managed policy ARN',
    },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.name}`, async () => {
      await rejectsWithStsError(assume(alice, { RoleArn: TAGGED, ...refusal.input }), {
        code: refusal.sdkName ?? refusal.code,
        status: 400,
        message: refusal.message,
      });
      assert.equal(emu.requests.at(-1)?.errorCode, refusal.code);
    });
  }

  describe('role chaining', () => {
    async function first(input: Partial<AssumeRoleCommandInput> = {}): Promise<Keys> {
      const result = await assume(alice, {
        RoleArn: TAGGED,
        RoleSessionName: 'hop1',
        Tags: [
          { Key: 'Project', Value: 'blue' },
          { Key: 'scratch', Value: 'x' },
        ],
        TransitiveTagKeys: ['Project'],
        ...input,
      });
      return keysOf(result.Credentials);
    }

    it('passes the transitive tags on to the next session, and only those', async () => {
      const second = await assume(await first(), { RoleArn: NEXT, RoleSessionName: 'hop2', Tags: [{ Key: 'stage', Value: 'two' }] });
      const info = sessionOf(second);
      assert.deepEqual(info.tags, [
        { key: 'Project', value: 'blue' },
        { key: 'stage', value: 'two' },
      ]);
      assert.deepEqual(info.transitiveTagKeys, ['Project']);
    });

    it('keeps the transitive tags through a hop that passes no tags, even to a role without sts:TagSession', async () => {
      emu.addRole({ arn: `arn:aws:iam::${TARGET}:role/untagged`, trust: [TAGGED] });
      const second = await assume(await first(), { RoleArn: `arn:aws:iam::${TARGET}:role/untagged` });
      assert.deepEqual(sessionOf(second).tags, [{ key: 'Project', value: 'blue' }]);
    });

    it('refuses a tag whose key is a transitive tag of the calling session, ignoring case', async () => {
      await rejectsWithStsError(assume(await first(), { RoleArn: NEXT, Tags: [{ Key: 'project', Value: 'red' }] }), {
        code: 'InvalidParameterValue',
        status: 400,
        message: "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
      });
    });

    it('accepts a tag whose key is a non-transitive tag of the calling session', async () => {
      const second = await assume(await first(), { RoleArn: NEXT, Tags: [{ Key: 'scratch', Value: 'y' }] });
      assert.deepEqual(sessionOf(second).tags, [
        { key: 'Project', value: 'blue' },
        { key: 'scratch', value: 'y' },
      ]);
    });

    it('inherits the source identity, and accepts the same one set again', async () => {
      const keys = await first({ SourceIdentity: 'alice' });
      assert.equal(sessionOf(await assume(keys, { RoleArn: NEXT })).sourceIdentity, 'alice');
      assert.equal(sessionOf(await assume(keys, { RoleArn: NEXT, SourceIdentity: 'alice' })).sourceIdentity, 'alice');
    });

    it('refuses a different source identity than the calling session has', async () => {
      const keys = await first({ SourceIdentity: 'alice' });
      await rejectsWithStsError(assume(keys, { RoleArn: NEXT, SourceIdentity: 'mallory' }), {
        code: 'AccessDenied',
        status: 403,
        message: /^User: arn:aws:sts::222222222222:assumed-role\/tagged\/hop1 is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::222222222222:role\/next/,
      });
    });

    it('refuses to carry a source identity on to a role whose trust does not allow sts:SetSourceIdentity', async () => {
      const keys = await first({ SourceIdentity: 'alice' });
      await rejectsWithStsError(assume(keys, { RoleArn: NEXT_NO_SOURCE }), {
        code: 'AccessDenied',
        status: 403,
        message: `User: arn:aws:sts::${TARGET}:assumed-role/tagged/hop1 is not authorized to perform: sts:SetSourceIdentity on resource: ${NEXT_NO_SOURCE}`,
      });
      // Without a source identity on the calling session the same role is fine.
      assert.ok((await assume(await first(), { RoleArn: NEXT_NO_SOURCE })).Credentials);
    });

    it('does not pass session policies on', async () => {
      const keys = await first({ Policy: POLICY, PolicyArns: [{ arn: READ_ONLY }] });
      const info = sessionOf(await assume(keys, { RoleArn: NEXT }));
      assert.equal(info.policy, undefined);
      assert.deepEqual(info.policyArns, []);
    });
  });

  it('takes tags, transitive keys and a source identity from the AWS CLI v2', async () => {
    const result = await runAwsCli(emu, alice, [
      'sts',
      'assume-role',
      '--role-arn',
      TAGGED,
      '--role-session-name',
      'cli',
      '--tags',
      'Key=Project,Value=blue',
      'Key=team,Value=core',
      '--transitive-tag-keys',
      'Project',
      '--source-identity',
      'alice',
      '--policy-arns',
      `arn=${READ_ONLY}`,
    ]);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    const info = emu.sessionInfo(cliKeys(result.stdout).accessKeyId);
    assert.ok(info);
    assert.deepEqual(info.tags, [
      { key: 'Project', value: 'blue' },
      { key: 'team', value: 'core' },
    ]);
    assert.deepEqual(info.transitiveTagKeys, ['Project']);
    assert.equal(info.sourceIdentity, 'alice');
    assert.deepEqual(info.policyArns, [READ_ONLY]);
  });
});
