import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startEmulator } from './emulator.js';
import type { Emulator, UserKeys } from './emulator.js';
import { rejectsWithStsError, stsClient } from './test-support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ROLE = 'arn:aws:iam::222222222222:role/reader';

describe('fault injection', () => {
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

  const identity = () => stsClient(emu, alice).send(new GetCallerIdentityCommand({}));

  const answered: Array<[string, 'throttle' | 'server-error' | 'unavailable', string, number, string]> = [
    ['throttles with 400 Throttling "Rate exceeded"', 'throttle', 'Throttling', 400, 'Rate exceeded'],
    [
      'fails with 500 InternalFailure',
      'server-error',
      'InternalFailure',
      500,
      'The request processing has failed because of an unknown error, exception or failure.',
    ],
    [
      'fails with 503 ServiceUnavailable',
      'unavailable',
      'ServiceUnavailable',
      503,
      'The request has failed due to a temporary failure of the server.',
    ],
  ];
  for (const [what, kind, code, status, message] of answered) {
    it(`${what} once, then answers normally`, async () => {
      emu.fault({ kind });
      await rejectsWithStsError(identity(), { code, status, message });
      assert.equal((await identity()).Arn, alice.arn);
      assert.deepEqual(
        emu.requests.map((r) => [r.fault, r.status, r.errorCode]),
        [
          [kind, status, code],
          [undefined, 200, undefined],
        ],
      );
    });
  }

  it('applies a fault to the next `times` requests of its action only', async () => {
    emu.fault({ action: 'AssumeRole', kind: 'throttle', times: 2 });
    assert.equal((await identity()).Arn, alice.arn);
    const assume = () => stsClient(emu, alice).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ff' }));
    await rejectsWithStsError(assume(), { code: 'Throttling', status: 400 });
    await rejectsWithStsError(assume(), { code: 'Throttling', status: 400 });
    assert.ok((await assume()).Credentials);
    assert.deepEqual(
      emu.requests.map((r) => [r.action, r.fault]),
      [
        ['GetCallerIdentity', undefined],
        ['AssumeRole', 'throttle'],
        ['AssumeRole', 'throttle'],
        ['AssumeRole', undefined],
      ],
    );
  });

  it('lets the SDK retry through a 500 when it may retry', async () => {
    emu.fault({ kind: 'server-error' });
    const result = await stsClient(emu, alice, { maxAttempts: 2 }).send(new GetCallerIdentityCommand({}));
    assert.equal(result.Arn, alice.arn);
    assert.equal(result.$metadata.attempts, 2);
    assert.equal(emu.count('GetCallerIdentity'), 2);
  });

  it('holds a slow answer past the client timeout, and answers a short delay normally', async () => {
    emu.fault({ kind: 'slow', delayMs: 5000 });
    await assert.rejects(
      stsClient(emu, alice, { requestTimeout: 100 }).send(new GetCallerIdentityCommand({})),
      (error: Error) => error.name === 'TimeoutError',
    );
    emu.fault({ kind: 'slow', delayMs: 20 });
    assert.equal((await identity()).Arn, alice.arn);
    assert.deepEqual(
      emu.requests.map((r) => r.fault),
      ['slow', 'slow'],
    );
  });

  it('drops the connection without an answer', async () => {
    emu.fault({ kind: 'drop' });
    await assert.rejects(identity(), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ECONNRESET');
      return true;
    });
    const [dropped] = emu.requests;
    assert.equal(dropped?.fault, 'drop');
    assert.equal(dropped.status, 0);
    assert.equal((await identity()).Arn, alice.arn);
  });

  it('answers 200 with XML the SDK cannot read', async () => {
    emu.fault({ kind: 'malformed' });
    await assert.rejects(identity(), (error: Error & { $metadata?: { httpStatusCode?: number } }) => {
      assert.equal(error.$metadata?.httpStatusCode, 200);
      assert.doesNotMatch(error.message, /AccessDenied|Throttling/);
      return true;
    });
    assert.deepEqual(
      emu.requests.map((r) => [r.fault, r.status]),
      [['malformed', 200]],
    );
  });

  it('forgets pending faults and the log on reset but keeps users and roles', async () => {
    emu.fault({ kind: 'throttle', times: 5 });
    await rejectsWithStsError(identity(), { code: 'Throttling', status: 400 });
    emu.reset();
    assert.equal(emu.count(), 0);
    assert.equal((await identity()).Arn, alice.arn);
    assert.equal(emu.count(), 1);
  });

  it('closes while a slow answer is pending', async () => {
    emu.fault({ kind: 'slow', delayMs: 60_000 });
    const pending = identity().then(
      () => 'answered',
      () => 'failed',
    );
    while (emu.count() === 0) await new Promise((resolve) => setImmediate(resolve));
    await emu.close();
    assert.equal(await pending, 'failed');
  });
});
