import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { startEmulator } from './emulator.js';
import type { Emulator } from './emulator.js';
import { startSsoFake } from './sso.js';
import type { SsoFake } from './sso.js';
import { stsClient } from './test-support.js';

const start = Date.parse('2026-03-01T09:00:00Z');
let clock = start;
const now = (): Date => new Date(clock);
let emulator: Emulator;
let fake: SsoFake;
let roleArn: string;

before(async () => {
  emulator = await startEmulator({ now });
  fake = await startSsoFake({ emulator });
  roleArn = fake.assign('123456789012', 'AdministratorAccess');
});

after(async () => {
  await fake.close();
  await emulator.close();
});

beforeEach(() => {
  fake.reset();
});

interface Answer {
  status: number;
  errorType: string | null;
  body: Record<string, unknown>;
}

async function answer(response: Response): Promise<Answer> {
  return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: (await response.json()) as Record<string, unknown> };
}

function getRoleCredentials(accessToken: string | undefined, accountId = '123456789012', roleName = 'AdministratorAccess'): Promise<Answer> {
  const query = new URLSearchParams({ role_name: roleName, account_id: accountId });
  return fetch(`${fake.url}/federation/credentials?${query.toString()}`, { headers: accessToken === undefined ? {} : { 'x-amz-sso_bearer_token': accessToken } }).then(answer);
}

function post(path: string, body: object): Promise<Answer> {
  return fetch(`${fake.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(answer);
}

/** RegisterClient + StartDeviceAuthorization, as `aws sso login` begins. */
async function startLogin(scopes?: string[]): Promise<{ clientId: string; clientSecret: string; deviceCode: string; userCode: string; interval: number }> {
  const client = await post('/client/register', { clientName: 'test', clientType: 'public', ...(scopes ? { scopes } : {}) });
  assert.equal(client.status, 200);
  const { clientId, clientSecret } = client.body as { clientId: string; clientSecret: string };
  const device = await post('/device_authorization', { clientId, clientSecret, startUrl: 'https://d-1234567890.awsapps.com/start' });
  assert.equal(device.status, 200);
  const { deviceCode, userCode, interval } = device.body as { deviceCode: string; userCode: string; interval: number };
  return { clientId, clientSecret, deviceCode, userCode, interval };
}

const deviceGrant = 'urn:ietf:params:oauth:grant-type:device_code';

describe('the fake IAM Identity Center portal (GetRoleCredentials)', () => {
  it('hands out role credentials that the STS emulator accepts, for GetCallerIdentity and a following AssumeRole', async () => {
    const { accessToken } = fake.issueToken();
    const got = await getRoleCredentials(accessToken);
    assert.equal(got.status, 200);
    const role = (got.body as { roleCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: number } }).roleCredentials;
    assert.equal(role.expiration, clock + 3600 * 1000, 'expiration is epoch milliseconds, one hour by default');
    const keys = { accessKeyId: role.accessKeyId, secretAccessKey: role.secretAccessKey, sessionToken: role.sessionToken };
    const identity = await stsClient(emulator, keys).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, `arn:aws:sts::123456789012:assumed-role/${roleArn.split('/').at(-1) ?? ''}/alice@example.com`);
    assert.match(roleArn, /^arn:aws:iam::123456789012:role\/aws-reserved\/sso\.amazonaws\.com\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}$/);

    emulator.addRole({ arn: 'arn:aws:iam::210987654321:role/deploy', trust: [roleArn] });
    const assumed = await stsClient(emulator, keys).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::210987654321:role/deploy', RoleSessionName: 'deploy' }));
    assert.equal(assumed.AssumedRoleUser?.Arn, 'arn:aws:sts::210987654321:assumed-role/deploy/deploy');
  });

  it('answers UnauthorizedException (401) without a token, with an unknown one, a revoked one and an expired one', async () => {
    const expected = { status: 401, errorType: 'UnauthorizedException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/', body: { message: 'Session token not found or invalid' } };
    assert.deepEqual(await getRoleCredentials(undefined), expected);
    assert.deepEqual(await getRoleCredentials('aoa-unknown'), expected);
    const revoked = fake.issueToken();
    fake.revokeToken(revoked.accessToken);
    assert.deepEqual(await getRoleCredentials(revoked.accessToken), expected);
    const short = fake.issueToken({ expiresInSeconds: 60 });
    clock += 60_000;
    assert.deepEqual(await getRoleCredentials(short.accessToken), expected);
    assert.deepEqual(
      fake.requests.map((r) => [r.operation, r.status, r.errorType, r.hasBearerToken]),
      [['GetRoleCredentials', 401, 'UnauthorizedException', false], ...Array.from({ length: 3 }, () => ['GetRoleCredentials', 401, 'UnauthorizedException', true])],
    );
  });

  it('answers ForbiddenException (403, "No access") for a role the user is not assigned, InvalidRequestException for a missing parameter', async () => {
    const { accessToken } = fake.issueToken();
    assert.deepEqual(await getRoleCredentials(accessToken, '123456789012', 'ReadOnly'), {
      status: 403,
      errorType: 'ForbiddenException:http://internal.amazon.com/coral/com.amazonaws.switchboard.portal/',
      body: { message: 'No access' },
    });
    assert.equal((await getRoleCredentials(accessToken, '', 'ReadOnly')).errorType?.split(':')[0], 'InvalidRequestException');
  });
});

describe('the fake SSO-OIDC', () => {
  it('runs the device authorization flow: pending until the user approves, then an access token and a refresh token', async () => {
    const login = await startLogin(['sso:account:access']);
    assert.match(login.userCode, /^[0-9A-F]{4}-[0-9A-F]{4}$/);
    assert.equal(login.interval, 1);
    const poll = (): Promise<Answer> => post('/token', { clientId: login.clientId, clientSecret: login.clientSecret, grantType: deviceGrant, deviceCode: login.deviceCode });
    assert.deepEqual(await poll(), { status: 400, errorType: 'AuthorizationPendingException', body: { error: 'authorization_pending', error_description: 'Authorization is still pending' } });
    clock += 1000;
    fake.approve(login.userCode);
    const token = await poll();
    assert.equal(token.status, 200);
    const { accessToken, refreshToken, expiresIn, tokenType } = token.body as { accessToken: string; refreshToken: string; expiresIn: number; tokenType: string };
    assert.deepEqual([typeof accessToken, typeof refreshToken, expiresIn, tokenType], ['string', 'string', 28800, 'Bearer']);
    assert.equal((await getRoleCredentials(accessToken)).status, 200);
    clock += 1000;
    assert.equal((await poll()).errorType, 'InvalidGrantException', 'a device code is good for one token');
  });

  it('answers SlowDownException to a client that polls faster than the interval, and then wants 5 s more', async () => {
    const login = await startLogin();
    const poll = (): Promise<Answer> => post('/token', { clientId: login.clientId, clientSecret: login.clientSecret, grantType: deviceGrant, deviceCode: login.deviceCode });
    assert.equal((await poll()).errorType, 'AuthorizationPendingException');
    assert.deepEqual(await poll(), { status: 400, errorType: 'SlowDownException', body: { error: 'slow_down', error_description: 'Client is polling too quickly' } });
    clock += 1000;
    assert.equal((await poll()).errorType, 'SlowDownException', '1 s is no longer enough');
    clock += 11_000;
    assert.equal((await poll()).errorType, 'AuthorizationPendingException');
  });

  it('answers AccessDeniedException when the user refuses, ExpiredTokenException once the device code expired', async () => {
    const denied = await startLogin();
    fake.deny(denied.userCode);
    assert.equal((await post('/token', { clientId: denied.clientId, clientSecret: denied.clientSecret, grantType: deviceGrant, deviceCode: denied.deviceCode })).errorType, 'AccessDeniedException');
    const late = await startLogin();
    clock += 600_000;
    assert.deepEqual(await post('/token', { clientId: late.clientId, clientSecret: late.clientSecret, grantType: deviceGrant, deviceCode: late.deviceCode }), {
      status: 400,
      errorType: 'ExpiredTokenException',
      body: { error: 'expired_token', error_description: 'Device code has expired' },
    });
  });

  it('gives no refresh token to a client registered without scopes (legacy login)', async () => {
    const login = await startLogin();
    fake.approve();
    clock += 1000;
    const token = await post('/token', { clientId: login.clientId, clientSecret: login.clientSecret, grantType: deviceGrant, deviceCode: login.deviceCode });
    assert.equal(token.status, 200);
    assert.equal(token.body.refreshToken, undefined);
  });

  it('refreshes with a refresh token, which then rotates: the old one is refused with InvalidGrantException', async () => {
    const issued = fake.issueToken();
    assert.ok(issued.refreshToken !== undefined);
    const refresh = (refreshToken: string): Promise<Answer> => post('/token', { clientId: issued.clientId, clientSecret: issued.clientSecret, grantType: 'refresh_token', refreshToken });
    const fresh = await refresh(issued.refreshToken);
    assert.equal(fresh.status, 200);
    assert.notEqual(fresh.body.accessToken, issued.accessToken);
    assert.equal((await getRoleCredentials(fresh.body.accessToken as string)).status, 200);
    assert.deepEqual(await refresh(issued.refreshToken), { status: 400, errorType: 'InvalidGrantException', body: { error: 'invalid_grant', error_description: 'Invalid refresh token provided' } });
    assert.equal((await refresh(fresh.body.refreshToken as string)).status, 200);
  });

  it('refuses a wrong client secret, an expired client, unknown scopes and grant types with AWS error types', async () => {
    const issued = fake.issueToken();
    assert.deepEqual(await post('/token', { clientId: issued.clientId, clientSecret: 'wrong', grantType: 'refresh_token', refreshToken: issued.refreshToken }), {
      status: 401,
      errorType: 'InvalidClientException',
      body: { error: 'invalid_client', error_description: 'Invalid client provided' },
    });
    assert.equal((await post('/token', { clientId: issued.clientId, clientSecret: issued.clientSecret, grantType: 'password' })).errorType, 'UnsupportedGrantTypeException');
    assert.equal((await post('/client/register', { clientName: 'x', clientType: 'public', scopes: ['s3:everything'] })).errorType, 'InvalidScopeException');
    assert.equal((await post('/client/register', { clientName: 'x', clientType: 'confidential' })).errorType, 'InvalidClientMetadataException');
    clock = issued.clientSecretExpiresAt.getTime();
    assert.equal((await post('/device_authorization', { clientId: issued.clientId, clientSecret: issued.clientSecret, startUrl: 'https://x' })).errorType, 'InvalidClientException');
  });
});

describe('the fake Identity Center faults', () => {
  it('throttles, fails, answers garbage and drops connections on request', async () => {
    const { accessToken } = fake.issueToken();
    fake.fault({ operation: 'GetRoleCredentials', kind: 'throttle' });
    fake.fault({ operation: 'GetRoleCredentials', kind: 'server-error' });
    fake.fault({ operation: 'GetRoleCredentials', kind: 'malformed' });
    fake.fault({ operation: 'GetRoleCredentials', kind: 'drop' });
    assert.deepEqual([(await getRoleCredentials(accessToken)).status, (await getRoleCredentials(accessToken)).status], [429, 500]);
    const malformed = await fetch(`${fake.url}/federation/credentials?role_name=AdministratorAccess&account_id=123456789012`, { headers: { 'x-amz-sso_bearer_token': accessToken } });
    assert.equal(malformed.status, 200);
    assert.equal(await malformed.text(), '{"roleCredentials":{"accessKeyId":"ASIA');
    await assert.rejects(getRoleCredentials(accessToken), TypeError);
    assert.equal((await getRoleCredentials(accessToken)).status, 200);
    assert.deepEqual(fake.requests.map((r) => r.fault), ['throttle', 'server-error', 'malformed', 'drop', undefined]);
  });
});
