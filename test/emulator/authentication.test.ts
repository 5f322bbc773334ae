import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startEmulator } from './emulator.js';
import type { Emulator, UserKeys } from './emulator.js';
import { errorOf, keysOf, rawRequest, rejectsWithStsError, runAwsCli, stsClient } from './test-support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const SIGNATURE_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
const INVALID_TOKEN = 'The security token included in the request is invalid.';
const ROLE = 'arn:aws:iam::222222222222:role/reader';
const IDENTITY = { Action: 'GetCallerIdentity', Version: '2011-06-15' };

describe('authentication', () => {
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

  async function assumeReader(): Promise<{ keys: ReturnType<typeof keysOf>; expiration: Date }> {
    const result = await stsClient(emu, alice).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'auth-test' }));
    assert.ok(result.Credentials?.Expiration);
    return { keys: keysOf(result.Credentials), expiration: result.Credentials.Expiration };
  }

  it('accepts a request signed by the AWS JS SDK v3 and names the user', async () => {
    const identity = await stsClient(emu, alice).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, 'arn:aws:iam::111111111111:user/alice');
    assert.equal(identity.Account, '111111111111');
    assert.match(identity.UserId ?? '', /^AIDA[A-Z0-9]{17}$/);
  });

  it('accepts a request signed by botocore through the AWS CLI v2 and names the user', async () => {
    const result = await runAwsCli(emu, alice, ['sts', 'get-caller-identity']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    const identity = JSON.parse(result.stdout) as { Arn: string; Account: string; UserId: string };
    assert.equal(identity.Arn, alice.arn);
    assert.equal(identity.Account, '111111111111');
    assert.equal(emu.requests[0]?.userAgent?.startsWith('aws-cli/2.'), true);
  });

  it('accepts the same parameters in a GET query string', async () => {
    const response = await rawRequest(emu, alice, IDENTITY, { method: 'GET' });
    assert.equal(response.status, 200);
    assert.match(response.text, /<Arn>arn:aws:iam::111111111111:user\/alice<\/Arn>/);
  });

  it('answers with AWS XML, the request id in a header and the emulator clock in Date', async () => {
    const t = new Date('2026-03-01T12:00:00Z');
    const fixed = await startEmulator({ now: () => t });
    try {
      const bob = fixed.addUser({ name: 'bob', accountId: '333333333333' });
      const response = await rawRequest(fixed, bob, IDENTITY);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'text/xml');
      assert.equal(response.headers.get('date'), 'Sun, 01 Mar 2026 12:00:00 GMT');
      const requestId = response.headers.get('x-amzn-requestid') ?? '';
      assert.match(requestId, /^[0-9a-f-]{36}$/);
      const userId = /<UserId>(AIDA[A-Z0-9]{17})<\/UserId>/.exec(response.text)?.[1] ?? '';
      assert.equal(
        response.text,
        '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          `<Arn>arn:aws:iam::333333333333:user/bob</Arn><UserId>${userId}</UserId><Account>333333333333</Account>` +
          `</GetCallerIdentityResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>` +
          '</GetCallerIdentityResponse>\n',
      );
    } finally {
      await fixed.close();
    }
  });

  it('refuses a request without an Authorization header with 403 MissingAuthenticationToken', async () => {
    const response = await rawRequest(emu, undefined, IDENTITY);
    assert.equal(response.status, 403);
    assert.deepEqual(errorOf(response.text), {
      code: 'MissingAuthenticationToken',
      message: 'Request is missing Authentication Token',
    });
    assert.match(response.text, /^<ErrorResponse xmlns="https:\/\/sts.amazonaws.com\/doc\/2011-06-15\/"><Error><Type>Sender<\/Type>/);
  });

  it('refuses an Authorization header without a Signature with 403 IncompleteSignature', async () => {
    const response = await rawRequest(emu, alice, IDENTITY, {
      tamper: (request) => {
        request.headers.authorization = (request.headers.authorization ?? '').replace(/, Signature=.*$/, '');
      },
    });
    assert.equal(response.status, 403);
    assert.equal(errorOf(response.text).code, 'IncompleteSignature');
    assert.match(errorOf(response.text).message ?? '', /^Authorization header requires 'Signature' parameter\. Authorization=AWS4-HMAC-SHA256 /);
  });

  it('refuses an unknown access key with 403 InvalidClientTokenId, through the SDK and the AWS CLI', async () => {
    const stranger = { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x'.repeat(40) };
    await rejectsWithStsError(stsClient(emu, stranger).send(new GetCallerIdentityCommand({})), {
      code: 'InvalidClientTokenId',
      status: 403,
      message: INVALID_TOKEN,
    });
    const cli = await runAwsCli(emu, stranger, ['sts', 'get-caller-identity']);
    assert.equal(cli.code, 254);
    assert.equal(
      cli.stderr.trim(),
      `An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: ${INVALID_TOKEN}`,
    );
  });

  it('refuses a signature made with the wrong secret with 403 SignatureDoesNotMatch, through the SDK and the AWS CLI', async () => {
    // Change the last character (to one it is not: a random secret may already end in X).
    const last = alice.secretAccessKey.endsWith('X') ? 'Y' : 'X';
    const forged = { accessKeyId: alice.accessKeyId, secretAccessKey: `${alice.secretAccessKey.slice(0, -1)}${last}` };
    await rejectsWithStsError(stsClient(emu, forged).send(new GetCallerIdentityCommand({})), {
      code: 'SignatureDoesNotMatch',
      status: 403,
      message: SIGNATURE_MISMATCH,
    });
    const cli = await runAwsCli(emu, forged, ['sts', 'get-caller-identity']);
    assert.equal(cli.code, 254);
    assert.equal(
      cli.stderr.trim(),
      `An error occurred (SignatureDoesNotMatch) when calling the GetCallerIdentity operation: ${SIGNATURE_MISMATCH}`,
    );
    assert.deepEqual(
      emu.requests.map((r) => [r.status, r.errorCode]),
      [
        [403, 'SignatureDoesNotMatch'],
        [403, 'SignatureDoesNotMatch'],
      ],
    );
  });

  it('refuses a body changed after signing', async () => {
    const response = await rawRequest(emu, alice, IDENTITY, {
      tamper: (request) => {
        request.body += '&Extra=1';
      },
    });
    assert.equal(response.status, 403);
    assert.deepEqual(errorOf(response.text), { code: 'SignatureDoesNotMatch', message: SIGNATURE_MISMATCH });
  });

  it('checks user-agent when the client signed it and ignores it when it did not', async () => {
    const signedAgent = await rawRequest(emu, alice, IDENTITY, {
      headers: { 'user-agent': 'tester/1.0' },
      signableHeaders: ['user-agent'],
    });
    assert.equal(signedAgent.status, 200);
    const changedSignedAgent = await rawRequest(emu, alice, IDENTITY, {
      headers: { 'user-agent': 'tester/1.0' },
      signableHeaders: ['user-agent'],
      tamper: (request) => {
        request.headers['user-agent'] = 'tester/2.0';
      },
    });
    assert.equal(changedSignedAgent.status, 403);
    const changedUnsignedAgent = await rawRequest(emu, alice, IDENTITY, {
      headers: { 'user-agent': 'tester/1.0' },
      tamper: (request) => {
        request.headers['user-agent'] = 'tester/2.0';
      },
    });
    assert.equal(changedUnsignedAgent.status, 200);
  });

  it('refuses a client clock 10 minutes behind with AWS\'s "Signature expired" message, through the SDK and the AWS CLI', async () => {
    const t = new Date('2026-03-01T12:00:00Z');
    const fixed = await startEmulator({ now: () => t });
    try {
      const bob = fixed.addUser({ name: 'bob' });
      const behind = stsClient(fixed, bob, { clockOffsetMs: t.getTime() - 10 * 60_000 - Date.now() });
      await rejectsWithStsError(behind.send(new GetCallerIdentityCommand({})), {
        code: 'SignatureDoesNotMatch',
        status: 403,
        message: 'Signature expired: 20260301T115000Z is now earlier than 20260301T115500Z (20260301T120000Z - 5 min.)',
      });
    } finally {
      await fixed.close();
    }
    const ahead = await startEmulator({ now: () => new Date(Date.now() + 10 * 60_000) });
    try {
      const carol = ahead.addUser({ name: 'carol' });
      const cli = await runAwsCli(ahead, carol, ['sts', 'get-caller-identity']);
      assert.equal(cli.code, 254);
      assert.match(
        cli.stderr.trim(),
        /^An error occurred \(SignatureDoesNotMatch\) when calling the GetCallerIdentity operation: Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
      );
    } finally {
      await ahead.close();
    }
  });

  it('refuses a client clock 10 minutes ahead with "Signature not yet current"', async () => {
    const t = new Date('2026-03-01T12:00:00Z');
    const fixed = await startEmulator({ now: () => t });
    try {
      const bob = fixed.addUser({ name: 'bob' });
      const response = await rawRequest(fixed, bob, IDENTITY, { signingDate: new Date('2026-03-01T12:10:00Z') });
      assert.equal(response.status, 403);
      assert.deepEqual(errorOf(response.text), {
        code: 'SignatureDoesNotMatch',
        message: 'Signature not yet current: 20260301T121000Z is still later than 20260301T120500Z (20260301T120000Z + 5 min.)',
      });
      const withinSkew = await rawRequest(fixed, bob, IDENTITY, { signingDate: new Date('2026-03-01T12:04:59Z') });
      assert.equal(withinSkew.status, 200);
    } finally {
      await fixed.close();
    }
  });

  it('lets the SDK correct its clock from the Date header and succeed on its retry, as against AWS', async () => {
    emu.advance(10 * 60_000);
    const behind = stsClient(emu, alice, { maxAttempts: 2, clockOffsetMs: 0 });
    const identity = await behind.send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, alice.arn);
    assert.equal(identity.$metadata.attempts, 2);
    assert.deepEqual(
      emu.requests.map((r) => [r.status, r.errorCode]),
      [
        [403, 'SignatureDoesNotMatch'],
        [200, undefined],
      ],
    );
  });

  it('refuses a session key sent without its token, or with another token, with 403 InvalidClientTokenId', async () => {
    const { keys } = await assumeReader();
    const withoutToken = { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey };
    await rejectsWithStsError(stsClient(emu, withoutToken).send(new GetCallerIdentityCommand({})), {
      code: 'InvalidClientTokenId',
      status: 403,
      message: INVALID_TOKEN,
    });
    const otherToken = { ...keys, sessionToken: `${keys.sessionToken ?? ''}x` };
    await rejectsWithStsError(stsClient(emu, otherToken).send(new GetCallerIdentityCommand({})), {
      code: 'InvalidClientTokenId',
      status: 403,
      message: INVALID_TOKEN,
    });
  });

  it('refuses a long-term key sent with a session token with 403 InvalidClientTokenId', async () => {
    await rejectsWithStsError(stsClient(emu, { ...alice, sessionToken: 'IQoJb3JpZ2luX2VjEnotmine' }).send(new GetCallerIdentityCommand({})), {
      code: 'InvalidClientTokenId',
      status: 403,
    });
  });

  it('refuses a session once advance() moves the clock past its expiry with 400 ExpiredToken', async () => {
    const { keys, expiration } = await assumeReader();
    emu.advance(expiration.getTime() - emu.now().getTime() - 1000);
    const lastSecond = await stsClient(emu, keys).send(new GetCallerIdentityCommand({}));
    assert.equal(lastSecond.Arn, 'arn:aws:sts::222222222222:assumed-role/reader/auth-test');
    emu.advance(1000);
    await rejectsWithStsError(stsClient(emu, keys).send(new GetCallerIdentityCommand({})), {
      code: 'ExpiredToken',
      status: 400,
      message: 'The security token included in the request is expired',
    });
  });

  it('refuses to move an injected clock', async () => {
    const fixed = await startEmulator({ now: () => new Date('2026-03-01T12:00:00Z') });
    try {
      assert.throws(() => {
        fixed.advance(1000);
      }, /advance\(\) moves the built-in clock only/);
    } finally {
      await fixed.close();
    }
  });

  it('answers an unknown action or version with 400 InvalidAction', async () => {
    const unknown = await rawRequest(emu, alice, { Action: 'ListRoles', Version: '2011-06-15' });
    assert.equal(unknown.status, 400);
    assert.deepEqual(errorOf(unknown.text), {
      code: 'InvalidAction',
      message: 'Could not find operation ListRoles for version 2011-06-15',
    });
    const oldVersion = await rawRequest(emu, alice, { Action: 'GetCallerIdentity', Version: '2010-01-01' });
    assert.equal(oldVersion.status, 400);
    assert.deepEqual(errorOf(oldVersion.text), {
      code: 'InvalidAction',
      message: 'Could not find operation GetCallerIdentity for version 2010-01-01',
    });
  });

  it('logs each request with its action, key, token, signing region, parameters, status, error and user agent', async () => {
    const { keys } = await assumeReader();
    emu.reset();
    await stsClient(emu, keys, { region: 'eu-central-1' }).send(new GetCallerIdentityCommand({}));
    await rejectsWithStsError(stsClient(emu, alice).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'x' })), {
      code: 'ValidationError',
      status: 400,
    });
    assert.equal(emu.count(), 2);
    assert.equal(emu.count('GetCallerIdentity'), 1);
    assert.equal(emu.count('GetSessionToken'), 0);
    const [identity, assume] = emu.requests;
    assert.ok(identity && assume);
    assert.deepEqual(
      { ...identity, time: undefined, userAgent: undefined },
      {
        time: undefined,
        method: 'POST',
        action: 'GetCallerIdentity',
        accessKeyId: keys.accessKeyId,
        hasSessionToken: true,
        signingRegion: 'eu-central-1',
        params: IDENTITY,
        status: 200,
        userAgent: undefined,
      },
    );
    assert.match(identity.userAgent ?? '', /^aws-sdk-js\/3\./);
    assert.equal(assume.accessKeyId, alice.accessKeyId);
    assert.equal(assume.hasSessionToken, false);
    assert.deepEqual(assume.params, { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE, RoleSessionName: 'x' });
    assert.equal(assume.status, 400);
    assert.equal(assume.errorCode, 'ValidationError');
  });
});
