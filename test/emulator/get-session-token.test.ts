import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import type { GetSessionTokenCommandInput } from '@aws-sdk/client-sts';
import { startEmulator } from './emulator.js';
import type { Emulator, UserKeys } from './emulator.js';
import { cliKeys, keysOf, rejectsWithStsError, runAwsCli, stsClient } from './test-support.js';
import type { Keys } from './test-support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ADMIN = 'arn:aws:iam::222222222222:role/admin';
const MFA_CODE = '246810';

describe('GetSessionToken', () => {
  let emu: Emulator;
  let alice: UserKeys;
  let start: number;
  const at = (seconds: number): Date => new Date(start + seconds * 1000);

  beforeEach(async () => {
    start = Math.floor(Date.now() / 1000) * 1000;
    const clock = new Date(start);
    emu = await startEmulator({ now: () => clock });
    // The default serial: arn:aws:iam::111111111111:mfa/alice.
    alice = emu.addUser({ name: 'alice', mfa: { code: MFA_CODE } });
    emu.addRole({ arn: ADMIN, trust: [alice.arn], requireMfa: true });
  });
  afterEach(async () => {
    await emu.close();
  });

  function getSessionToken(keys: Keys, input: GetSessionTokenCommandInput = {}) {
    return stsClient(emu, keys).send(new GetSessionTokenCommand(input));
  }

  it('issues session credentials for twelve hours by default that act as the user', async () => {
    const result = await getSessionToken(alice);
    assert.match(result.Credentials?.AccessKeyId ?? '', /^ASIA[A-Z0-9]{16}$/);
    assert.deepEqual(result.Credentials?.Expiration, at(43200));
    const identity = await stsClient(emu, keysOf(result.Credentials)).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, 'arn:aws:iam::111111111111:user/alice');
    assert.equal(identity.Account, '111111111111');
    assert.match(identity.UserId ?? '', /^AIDA[A-Z0-9]{17}$/);
  });

  it('keeps DurationSeconds within 900..129600', async () => {
    assert.deepEqual((await getSessionToken(alice, { DurationSeconds: 129600 })).Credentials?.Expiration, at(129600));
    await rejectsWithStsError(getSessionToken(alice, { DurationSeconds: 129601 }), {
      code: 'ValidationError',
      status: 400,
      message:
        "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
    });
    await rejectsWithStsError(getSessionToken(alice, { DurationSeconds: 899 }), {
      code: 'ValidationError',
      status: 400,
      message:
        "1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900",
    });
  });

  it('gives the session MFA context with a valid code, which then opens an MFA role', async () => {
    const session = await getSessionToken(alice, { SerialNumber: 'arn:aws:iam::111111111111:mfa/alice', TokenCode: MFA_CODE });
    const role = await stsClient(emu, keysOf(session.Credentials)).send(
      new AssumeRoleCommand({ RoleArn: ADMIN, RoleSessionName: 'mfa-session' }),
    );
    assert.equal(role.AssumedRoleUser?.Arn, 'arn:aws:sts::222222222222:assumed-role/admin/mfa-session');
  });

  it('gives a session without MFA no way into an MFA role', async () => {
    const session = await getSessionToken(alice);
    await rejectsWithStsError(
      stsClient(emu, keysOf(session.Credentials)).send(new AssumeRoleCommand({ RoleArn: ADMIN, RoleSessionName: 'plain' })),
      {
        code: 'AccessDenied',
        status: 403,
        message: `User: ${alice.arn} is not authorized to perform: sts:AssumeRole on resource: ${ADMIN}`,
      },
    );
  });

  it('refuses a wrong MFA code', async () => {
    await rejectsWithStsError(
      getSessionToken(alice, { SerialNumber: 'arn:aws:iam::111111111111:mfa/alice', TokenCode: '000000' }),
      { code: 'AccessDenied', status: 403, message: 'MultiFactorAuthentication failed with invalid MFA one time pass code. ' },
    );
  });

  it('refuses session credentials, from GetSessionToken or AssumeRole, with 403 AccessDenied', async () => {
    const session = keysOf((await getSessionToken(alice)).Credentials);
    await rejectsWithStsError(getSessionToken(session), {
      code: 'AccessDenied',
      status: 403,
      message: 'Cannot call GetSessionToken with session credentials',
    });
    const role = await stsClient(emu, alice).send(
      new AssumeRoleCommand({ RoleArn: ADMIN, RoleSessionName: 'rr', SerialNumber: 'arn:aws:iam::111111111111:mfa/alice', TokenCode: MFA_CODE }),
    );
    await rejectsWithStsError(getSessionToken(keysOf(role.Credentials)), {
      code: 'AccessDenied',
      status: 403,
      message: 'Cannot call GetSessionToken with session credentials',
    });
  });

  it('answers the AWS CLI v2 with credentials it can use', async () => {
    const result = await runAwsCli(emu, alice, ['sts', 'get-session-token', '--duration-seconds', '900']);
    assert.equal(result.code, 0);
    const parsed = JSON.parse(result.stdout) as { Credentials: { Expiration: string } };
    assert.equal(parsed.Credentials.Expiration, at(900).toISOString().replace('.000Z', '+00:00'));
    const identity = await stsClient(emu, cliKeys(result.stdout)).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, alice.arn);
  });
});
