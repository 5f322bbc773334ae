import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator } from './emulator.js';
import type { Emulator, IssuedCredentials } from './emulator.js';

let emu: Emulator;
const roleArn = 'arn:aws:iam::222222222222:role/Console';

before(async () => {
  emu = await startEmulator();
  emu.addRole({ arn: roleArn, trust: ['*'] });
});
after(async () => {
  await emu.close();
});
beforeEach(() => {
  emu.reset();
});

interface Session {
  sessionId: string;
  sessionKey: string;
  sessionToken?: string;
}

function sessionOf(credentials: IssuedCredentials): Session {
  return { sessionId: credentials.accessKeyId, sessionKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken };
}

async function getSigninToken(session: unknown, extra: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const url = new URL(emu.federationUrl);
  url.searchParams.set('Action', 'getSigninToken');
  url.searchParams.set('SessionType', 'json');
  url.searchParams.set('Session', typeof session === 'string' ? session : JSON.stringify(session));
  for (const [name, value] of Object.entries(extra)) url.searchParams.set(name, value);
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
}

async function login(token: string, destination = 'https://console.aws.amazon.com/console/home?region=eu-west-1'): Promise<{ status: number; location: string | null; body: string }> {
  const url = new URL(emu.federationUrl);
  url.searchParams.set('Action', 'login');
  url.searchParams.set('Issuer', 'assume');
  url.searchParams.set('Destination', destination);
  url.searchParams.set('SigninToken', token);
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), body: await response.text() };
}

async function validToken(): Promise<string> {
  const answer = await getSigninToken(sessionOf(emu.issueRoleCredentials(roleArn)));
  assert.equal(answer.status, 200);
  const { SigninToken } = JSON.parse(answer.body) as { SigninToken: string };
  return SigninToken;
}

describe('the federation endpoint of the emulator', () => {
  it('gives a SigninToken for role credentials it issued, and a login with it redirects to the destination', async () => {
    const token = await validToken();
    assert.match(token, /^[\w-]{300,}$/);
    const destination = 'https://console.aws.amazon.com/s3/home?region=eu-west-1#x';
    const answer = await login(token, destination);
    assert.equal(answer.status, 302);
    assert.equal(answer.location, destination);
    assert.deepEqual(
      emu.federationRequests.map((r) => [r.action, r.status, r.issuer, r.destination]),
      [
        ['getSigninToken', 200, undefined, undefined],
        ['login', 302, 'assume', destination],
      ],
    );
  });

  it('accepts credentials from a real AssumeRole call through the emulator', async () => {
    const user = emu.addUser({ name: 'fed' });
    // The SDK signs as assume does: call AssumeRole through the emulator's STS.
    const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const client = new STSClient({ region: 'us-east-1', endpoint: emu.url, credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey } });
    const result = await client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'console' }));
    client.destroy();
    const c = result.Credentials;
    assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken);
    const answer = await getSigninToken({ sessionId: c.AccessKeyId, sessionKey: c.SecretAccessKey, sessionToken: c.SessionToken });
    assert.equal(answer.status, 200);
    assert.equal(emu.count('AssumeRole'), 1);
  });

  it('refuses long-term keys, as AWS does', async () => {
    const user = emu.addUser({ name: 'longterm' });
    const answer = await getSigninToken({ sessionId: user.accessKeyId, sessionKey: user.secretAccessKey });
    assert.equal(answer.status, 400);
    assert.match(emu.federationRequests[0]?.error ?? '', /Long-term credentials/);
    assert.doesNotMatch(answer.body, new RegExp(user.secretAccessKey.replace(/[+/]/g, '\\$&')));
  });

  it('refuses a GetSessionToken (MFA) session, as AWS does', async () => {
    const user = emu.addUser({ name: 'mfauser' });
    const { STSClient, GetSessionTokenCommand } = await import('@aws-sdk/client-sts');
    const client = new STSClient({ region: 'us-east-1', endpoint: emu.url, credentials: { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey } });
    const c = (await client.send(new GetSessionTokenCommand({}))).Credentials;
    client.destroy();
    assert.ok(c?.AccessKeyId && c.SecretAccessKey && c.SessionToken);
    const answer = await getSigninToken({ sessionId: c.AccessKeyId, sessionKey: c.SecretAccessKey, sessionToken: c.SessionToken });
    assert.equal(answer.status, 400);
    assert.match(emu.federationRequests[0]?.error ?? '', /GetSessionToken/);
  });

  it('refuses expired credentials', async () => {
    const credentials = emu.issueRoleCredentials(roleArn, { durationSeconds: 900 });
    emu.advance(901_000);
    const answer = await getSigninToken(sessionOf(credentials));
    assert.equal(answer.status, 400);
    assert.match(emu.federationRequests[0]?.error ?? '', /expired/);
  });

  it('refuses a forged secret, a wrong or missing session token, and an unknown key', async () => {
    const credentials = emu.issueRoleCredentials(roleArn);
    const session = sessionOf(credentials);
    const forged = [
      { ...session, sessionKey: `${session.sessionKey.slice(0, -1)}A` },
      { ...session, sessionToken: `${session.sessionToken ?? ''}x` },
      { sessionId: session.sessionId, sessionKey: session.sessionKey },
      { ...session, sessionId: 'ASIAUNKNOWN000000000' },
    ];
    for (const attempt of forged) assert.equal((await getSigninToken(attempt)).status, 400, JSON.stringify(Object.keys(attempt)));
    assert.equal((await getSigninToken('not json')).status, 400);
    assert.deepEqual(emu.federationRequests.map((r) => r.status), [400, 400, 400, 400, 400]);
  });

  it('refuses a SessionDuration outside 900..43200 and accepts one inside', async () => {
    const session = sessionOf(emu.issueRoleCredentials(roleArn));
    assert.equal((await getSigninToken(session, { SessionDuration: '899' })).status, 400);
    assert.equal((await getSigninToken(session, { SessionDuration: '43201' })).status, 400);
    assert.equal((await getSigninToken(session, { SessionDuration: '3600' })).status, 200);
  });

  it('answers an error page for an unknown, a reused and an expired SigninToken', async () => {
    const unknown = await login('A'.repeat(320));
    assert.equal(unknown.status, 400);
    assert.equal(unknown.location, null);

    const token = await validToken();
    assert.equal((await login(token)).status, 302);
    const reused = await login(token);
    assert.equal(reused.status, 400);
    assert.match(emu.federationRequests.at(-1)?.error ?? '', /already been used/);

    const late = await validToken();
    emu.advance(15 * 60_000);
    const expired = await login(late);
    assert.equal(expired.status, 400);
    assert.match(emu.federationRequests.at(-1)?.error ?? '', /expired/);
    assert.doesNotMatch(expired.body, new RegExp(late));
  });

  it('refuses a login to a destination that is not an https URL', async () => {
    const token = await validToken();
    assert.equal((await login(token, 'javascript:alert(1)')).status, 400);
  });

  it('suffers injected faults on its actions', async () => {
    emu.fault({ action: 'getSigninToken', kind: 'server-error' });
    emu.fault({ action: 'getSigninToken', kind: 'malformed' });
    const session = sessionOf(emu.issueRoleCredentials(roleArn));
    assert.equal((await getSigninToken(session)).status, 500);
    const malformed = await getSigninToken(session);
    assert.equal(malformed.status, 200);
    assert.throws(() => JSON.parse(malformed.body) as unknown);
    assert.equal((await getSigninToken(session)).status, 200);
  });
});
