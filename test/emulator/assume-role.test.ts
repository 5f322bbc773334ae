import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { startEmulator } from './emulator.js';
import type { Emulator, UserKeys } from './emulator.js';
import { cliKeys, errorOf, keysOf, rawRequest, rejectsWithStsError, runAwsCli, stsClient } from './test-support.js';
import type { Keys } from './test-support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ACCOUNT = '111111111111';
const TARGET = '222222222222';
const READER = `arn:aws:iam::${TARGET}:role/reader`;
const ADMIN = `arn:aws:iam::${TARGET}:role/admin`;
const PARTNER = `arn:aws:iam::${TARGET}:role/partner`;
const DEPLOYER = `arn:aws:iam::${TARGET}:role/ci/deployer`;
const AUDITOR = `arn:aws:iam::${TARGET}:role/auditor`;
const PUBLIC = `arn:aws:iam::${TARGET}:role/public`;
const MFA_SERIAL = `arn:aws:iam::${ACCOUNT}:mfa/alice`;
const MFA_CODE = '123456';

function notAuthorized(caller: string, role: string): string {
  return `User: ${caller} is not authorized to perform: sts:AssumeRole on resource: ${role}`;
}

describe('AssumeRole', () => {
  let emu: Emulator;
  let alice: UserKeys;
  let bob: UserKeys;
  let mallory: UserKeys;

  // A stopped clock near real time (botocore signs with the real one), 250 ms past a whole second.
  let start: number;
  const at = (seconds: number): Date => new Date(start + seconds * 1000);

  beforeEach(async () => {
    start = Math.floor(Date.now() / 1000) * 1000;
    const clock = new Date(start + 250);
    emu = await startEmulator({ now: () => clock });
    alice = emu.addUser({ name: 'alice', mfa: { serial: MFA_SERIAL, code: MFA_CODE } });
    bob = emu.addUser({ name: 'bob' });
    mallory = emu.addUser({ name: 'mallory', accountId: '999999999999' });
    emu.addRole({ arn: READER, trust: [alice.arn, bob.arn] });
    emu.addRole({ arn: ADMIN, trust: [alice.arn, bob.arn, READER], requireMfa: true, maxSessionDuration: 43200 });
    emu.addRole({ arn: PARTNER, trust: [`arn:aws:iam::${ACCOUNT}:root`], externalId: 'ext-123' });
    emu.addRole({ arn: DEPLOYER, trust: [READER, alice.arn], maxSessionDuration: 43200 });
    emu.addRole({ arn: AUDITOR, trust: [ADMIN, READER], requireMfa: true });
    emu.addRole({ arn: PUBLIC, trust: ['*'] });
  });
  afterEach(async () => {
    await emu.close();
  });

  function assume(keys: Keys, input: Partial<AssumeRoleCommandInput> & { RoleArn: string }): ReturnType<typeof send> {
    return send(keys, { RoleSessionName: 'test', ...input });
  }
  async function send(keys: Keys, input: AssumeRoleCommandInput) {
    return stsClient(emu, keys).send(new AssumeRoleCommand(input));
  }
  async function whoAmI(keys: Keys): Promise<string | undefined> {
    return (await stsClient(emu, keys).send(new GetCallerIdentityCommand({}))).Arn;
  }

  it('issues AWS-shaped credentials that expire after the default hour and names the assumed role', async () => {
    const result = await assume(alice, { RoleArn: READER, RoleSessionName: 'alice@example.com' });
    const credentials = result.Credentials;
    assert.ok(credentials);
    assert.match(credentials.AccessKeyId ?? '', /^ASIA[A-Z0-9]{16}$/);
    assert.match(credentials.SecretAccessKey ?? '', /^[A-Za-z0-9+/]{40}$/);
    assert.ok((credentials.SessionToken?.length ?? 0) > 300);
    // AWS drops the fraction of a second.
    assert.deepEqual(credentials.Expiration, at(3600));
    assert.match(result.AssumedRoleUser?.AssumedRoleId ?? '', /^AROA[A-Z0-9]{17}:alice@example\.com$/);
    assert.equal(result.AssumedRoleUser?.Arn, `arn:aws:sts::${TARGET}:assumed-role/reader/alice@example.com`);
  });

  it('answers GetCallerIdentity for the role session as AWS does', async () => {
    const result = await assume(alice, { RoleArn: READER, RoleSessionName: 'who' });
    const identity = await stsClient(emu, keysOf(result.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, `arn:aws:sts::${TARGET}:assumed-role/reader/who`);
    assert.equal(identity.Account, TARGET);
    assert.equal(identity.UserId, result.AssumedRoleUser?.AssumedRoleId);
  });

  it('chains two hops with the issued keys, naming the role without its path', async () => {
    const first = await assume(alice, { RoleArn: READER, RoleSessionName: 'hop1' });
    const second = await assume(keysOf(first.Credentials), { RoleArn: DEPLOYER, RoleSessionName: 'hop2' });
    assert.equal(second.AssumedRoleUser?.Arn, `arn:aws:sts::${TARGET}:assumed-role/deployer/hop2`);
    assert.equal(await whoAmI(keysOf(second.Credentials)), `arn:aws:sts::${TARGET}:assumed-role/deployer/hop2`);
    const hops = emu.requests.filter((r) => r.action === 'AssumeRole');
    assert.deepEqual(
      hops.map((r) => [r.accessKeyId, r.hasSessionToken, r.params.RoleArn]),
      [
        [alice.accessKeyId, false, READER],
        [first.Credentials?.AccessKeyId, true, DEPLOYER],
      ],
    );
  });

  it('chains two hops through the AWS CLI v2 with the keys it printed', async () => {
    const first = await runAwsCli(emu, bob, ['sts', 'assume-role', '--role-arn', READER, '--role-session-name', 'cli1']);
    assert.equal(first.stderr, '');
    assert.equal(first.code, 0);
    const second = await runAwsCli(emu, cliKeys(first.stdout), [
      'sts',
      'assume-role',
      '--role-arn',
      DEPLOYER,
      '--role-session-name',
      'cli2',
    ]);
    assert.equal(second.code, 0);
    const identity = await runAwsCli(emu, cliKeys(second.stdout), ['sts', 'get-caller-identity']);
    assert.equal(identity.code, 0);
    assert.equal((JSON.parse(identity.stdout) as { Arn: string }).Arn, `arn:aws:sts::${TARGET}:assumed-role/deployer/cli2`);
  });

  it('refuses through the AWS CLI v2 with the exact AccessDenied message', async () => {
    const result = await runAwsCli(emu, mallory, ['sts', 'assume-role', '--role-arn', READER, '--role-session-name', 'x1']);
    assert.equal(result.code, 254);
    assert.equal(
      result.stderr.trim(),
      `An error occurred (AccessDenied) when calling the AssumeRole operation: ${notAuthorized(mallory.arn, READER)}`,
    );
  });

  it('lets the account root, "*" and a role ARN in the trust list admit the principals they name', async () => {
    assert.ok((await assume(bob, { RoleArn: PARTNER, ExternalId: 'ext-123' })).Credentials);
    assert.ok((await assume(mallory, { RoleArn: PUBLIC })).Credentials);
    const reader = await assume(bob, { RoleArn: READER });
    assert.ok((await assume(keysOf(reader.Credentials), { RoleArn: DEPLOYER })).Credentials);
  });

  it('refuses with 403 AccessDenied when the role does not exist', async () => {
    const missing = `arn:aws:iam::${TARGET}:role/missing`;
    await rejectsWithStsError(assume(alice, { RoleArn: missing }), {
      code: 'AccessDenied',
      status: 403,
      message: notAuthorized(alice.arn, missing),
    });
  });

  it('refuses with 403 AccessDenied when the trust list does not name the caller', async () => {
    await rejectsWithStsError(assume(mallory, { RoleArn: READER }), {
      code: 'AccessDenied',
      status: 403,
      message: notAuthorized('arn:aws:iam::999999999999:user/mallory', READER),
    });
    await rejectsWithStsError(assume(mallory, { RoleArn: PARTNER, ExternalId: 'ext-123' }), {
      code: 'AccessDenied',
      status: 403,
      message: notAuthorized(mallory.arn, PARTNER),
    });
  });

  it('names an untrusted role session by its assumed-role ARN', async () => {
    const session = await assume(bob, { RoleArn: PUBLIC, RoleSessionName: 'pub' });
    await rejectsWithStsError(assume(keysOf(session.Credentials), { RoleArn: READER }), {
      code: 'AccessDenied',
      status: 403,
      message: notAuthorized(`arn:aws:sts::${TARGET}:assumed-role/public/pub`, READER),
    });
  });

  it('refuses a malformed role ARN with 400 ValidationError', async () => {
    await rejectsWithStsError(assume(alice, { RoleArn: 'arn:aws:iam::2222:role/reader' }), {
      code: 'ValidationError',
      status: 400,
      message: 'Request ARN is invalid',
    });
    await rejectsWithStsError(assume(alice, { RoleArn: 'reader' }), {
      code: 'ValidationError',
      status: 400,
      message:
        "1 validation error detected: Value 'reader' at 'roleArn' failed to satisfy constraint: Member must have length greater than or equal to 20",
    });
  });

  const badSessionNames: Array<[string, string | undefined, string]> = [
    ['a slash', 'team/alice', String.raw`Member must satisfy regular expression pattern: [\w+=,.@-]*`],
    ['a space', 'alice smith', String.raw`Member must satisfy regular expression pattern: [\w+=,.@-]*`],
    ['one character', 'a', 'Member must have length greater than or equal to 2'],
    ['65 characters', 'a'.repeat(65), 'Member must have length less than or equal to 64'],
  ];
  for (const [what, name, constraint] of badSessionNames) {
    it(`refuses a RoleSessionName with ${what} with AWS's validation message`, async () => {
      await rejectsWithStsError(assume(alice, { RoleArn: READER, RoleSessionName: name }), {
        code: 'ValidationError',
        status: 400,
        message: `1 validation error detected: Value '${name ?? ''}' at 'roleSessionName' failed to satisfy constraint: ${constraint}`,
      });
    });
  }

  it('refuses a request without RoleSessionName as AWS does', async () => {
    const response = await rawRequest(emu, alice, { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: READER });
    assert.equal(response.status, 400);
    assert.deepEqual(errorOf(response.text), {
      code: 'ValidationError',
      message: "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null",
    });
  });

  it('lists every violation when several members are invalid', async () => {
    await rejectsWithStsError(assume(alice, { RoleArn: READER, RoleSessionName: 'a b', DurationSeconds: 60 }), {
      code: 'ValidationError',
      status: 400,
      message:
        "2 validation errors detected: Value 'a b' at 'roleSessionName' failed to satisfy constraint: " +
        String.raw`Member must satisfy regular expression pattern: [\w+=,.@-]*; ` +
        "Value '60' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    });
  });

  it('keeps DurationSeconds within 900..43200', async () => {
    await rejectsWithStsError(assume(alice, { RoleArn: READER, DurationSeconds: 899 }), {
      code: 'ValidationError',
      status: 400,
      message:
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    });
    await rejectsWithStsError(assume(alice, { RoleArn: DEPLOYER, DurationSeconds: 43201 }), {
      code: 'ValidationError',
      status: 400,
      message:
        "1 validation error detected: Value '43201' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200",
    });
    const shortest = await assume(alice, { RoleArn: READER, DurationSeconds: 900 });
    assert.deepEqual(shortest.Credentials?.Expiration, at(900));
  });

  it("refuses a DurationSeconds above the role's MaxSessionDuration and grants up to it", async () => {
    await rejectsWithStsError(assume(alice, { RoleArn: READER, DurationSeconds: 3601 }), {
      code: 'ValidationError',
      status: 400,
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
    const longest = await assume(alice, { RoleArn: DEPLOYER, DurationSeconds: 43200 });
    assert.deepEqual(longest.Credentials?.Expiration, at(43200));
  });

  it('caps a role-chained session at one hour even when the role allows twelve', async () => {
    const first = await assume(alice, { RoleArn: READER });
    const chained = keysOf(first.Credentials);
    await rejectsWithStsError(assume(chained, { RoleArn: DEPLOYER, DurationSeconds: 3601 }), {
      code: 'ValidationError',
      status: 400,
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
    const hour = await assume(chained, { RoleArn: DEPLOYER, DurationSeconds: 3600 });
    assert.ok(hour.Credentials);
    const direct = await assume(alice, { RoleArn: DEPLOYER, DurationSeconds: 7200 });
    assert.ok(direct.Credentials);
  });

  it('requires the ExternalId the role names and refuses a missing or wrong one with AccessDenied', async () => {
    await rejectsWithStsError(assume(bob, { RoleArn: PARTNER }), {
      code: 'AccessDenied',
      status: 403,
      message: notAuthorized(bob.arn, PARTNER),
    });
    await rejectsWithStsError(assume(bob, { RoleArn: PARTNER, ExternalId: 'ext-124' }), {
      code: 'AccessDenied',
      status: 403,
      message: notAuthorized(bob.arn, PARTNER),
    });
    const granted = await assume(bob, { RoleArn: PARTNER, ExternalId: 'ext-123' });
    assert.equal(granted.AssumedRoleUser?.Arn, `arn:aws:sts::${TARGET}:assumed-role/partner/test`);
  });

  it('validates the ExternalId format', async () => {
    await rejectsWithStsError(assume(bob, { RoleArn: PARTNER, ExternalId: 'ext 123' }), {
      code: 'ValidationError',
      status: 400,
      message:
        "1 validation error detected: Value 'ext 123' at 'externalId' failed to satisfy constraint: " +
        String.raw`Member must satisfy regular expression pattern: [\w+=,.@:\/-]*`,
    });
    await rejectsWithStsError(assume(bob, { RoleArn: PARTNER, ExternalId: 'e' }), {
      code: 'ValidationError',
      status: 400,
      message:
        "1 validation error detected: Value 'e' at 'externalId' failed to satisfy constraint: Member must have length greater than or equal to 2",
    });
  });

  it('admits a caller into an MFA role with the right code from its own device', async () => {
    const result = await assume(alice, { RoleArn: ADMIN, SerialNumber: MFA_SERIAL, TokenCode: MFA_CODE });
    assert.equal(result.AssumedRoleUser?.Arn, `arn:aws:sts::${TARGET}:assumed-role/admin/test`);
  });

  it('refuses an MFA role without MFA with the plain not-authorized message', async () => {
    await rejectsWithStsError(assume(alice, { RoleArn: ADMIN }), {
      code: 'AccessDenied',
      status: 403,
      message: notAuthorized(alice.arn, ADMIN),
    });
  });

  it('refuses a wrong MFA code with AWS\'s one-time-pass-code message', async () => {
    await rejectsWithStsError(assume(alice, { RoleArn: ADMIN, SerialNumber: MFA_SERIAL, TokenCode: '654321' }), {
      code: 'AccessDenied',
      status: 403,
      message: 'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
    });
  });

  it("refuses an MFA serial that is not the caller's device", async () => {
    await rejectsWithStsError(
      assume(bob, { RoleArn: ADMIN, SerialNumber: MFA_SERIAL, TokenCode: MFA_CODE }),
      { code: 'AccessDenied', status: 403, message: 'MultiFactorAuthentication failed, unable to validate MFA code.' },
    );
  });

  it('checks an MFA code even for a role that does not require one', async () => {
    await rejectsWithStsError(assume(alice, { RoleArn: READER, SerialNumber: MFA_SERIAL, TokenCode: '000000' }), {
      code: 'AccessDenied',
      status: 403,
      message: 'MultiFactorAuthentication failed with invalid MFA one time pass code. ',
    });
  });

  it('validates the format of TokenCode', async () => {
    await rejectsWithStsError(assume(alice, { RoleArn: ADMIN, SerialNumber: MFA_SERIAL, TokenCode: '12345' }), {
      code: 'ValidationError',
      status: 400,
      message:
        "1 validation error detected: Value '12345' at 'tokenCode' failed to satisfy constraint: Member must have length greater than or equal to 6",
    });
  });

  it('admits a GetSessionToken session that carries MFA into an MFA role without a code', async () => {
    const session = await stsClient(emu, alice).send(
      new GetSessionTokenCommand({ SerialNumber: MFA_SERIAL, TokenCode: MFA_CODE }),
    );
    const result = await assume(keysOf(session.Credentials), { RoleArn: ADMIN });
    assert.equal(result.AssumedRoleUser?.Arn, `arn:aws:sts::${TARGET}:assumed-role/admin/test`);
  });

  it('keeps MFA context on a role session assumed with MFA, so its next hop into an MFA role succeeds', async () => {
    const withMfa = await assume(alice, { RoleArn: ADMIN, SerialNumber: MFA_SERIAL, TokenCode: MFA_CODE });
    const next = await assume(keysOf(withMfa.Credentials), { RoleArn: AUDITOR });
    assert.equal(next.AssumedRoleUser?.Arn, `arn:aws:sts::${TARGET}:assumed-role/auditor/test`);
    const withoutMfa = await assume(alice, { RoleArn: READER, RoleSessionName: 'plain' });
    await rejectsWithStsError(assume(keysOf(withoutMfa.Credentials), { RoleArn: AUDITOR }), {
      code: 'AccessDenied',
      status: 403,
      message: notAuthorized(`arn:aws:sts::${TARGET}:assumed-role/reader/plain`, AUDITOR),
    });
  });
});
