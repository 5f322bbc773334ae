import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fetchSsoCredentials } from '../../../../src/sources/sso/fetchSsoCredentials.js';
import { ssoLogin } from '../../../../src/sources/sso/ssoLogin.js';
import type { SsoLoginContext } from '../../../../src/sources/sso/ssoLogin.js';
import { formatCacheTime, registrationCacheKey, saveRegistration, ssoCacheDir } from '../../../../src/sources/sso/ssoTokenCache.js';
import { closedUrl } from '../../../helpers/closedUrl.js';
import { rejection } from '../../../helpers/rejection.js';
import { START_URL, ssoSource, useSsoWorld } from './ssoFixtures.js';

const world = useSsoWorld();

const session = ssoSource();
const legacy = ssoSource({ session: undefined });

/** A login context whose sleep moves the shared clock and, at the `approveAt`-th sleep, has the user approve. */
function loginContext(options: { approveAt?: number; deny?: boolean; env?: Record<string, string> } = {}): SsoLoginContext & { sleeps: number[]; output: () => string } {
  const sleeps: number[] = [];
  let output = '';
  return {
    ...world.ctx(options.env ? { env: options.env } : {}),
    stderr: {
      write: (text: string) => {
        output += text;
      },
    },
    sleep: (ms: number) => {
      sleeps.push(ms);
      world.clock += ms;
      if (sleeps.length === options.approveAt) {
        if (options.deny === true) world.fake.deny();
        else world.fake.approve();
      }
      return Promise.resolve();
    },
    sleeps,
    output: () => output,
  };
}

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

describe('ssoLogin', () => {
  it('runs the device flow, shows the URL and code, and caches the token as `aws sso login` does', async () => {
    const ctx = loginContext({ approveAt: 2 });
    const started = world.clock;
    await ssoLogin(session, ctx);
    const [authorization] = world.fake.authorizations;
    assert.ok(authorization);
    assert.equal(
      ctx.output(),
      `To log in to SSO session "corp" (${START_URL}), open this URL in a browser:\n\n  ${world.fake.url}/device?user_code=${authorization.userCode}\n\n` +
        `and check that the page shows the code ${authorization.userCode}. Waiting for you to confirm (the code expires in 10 minutes)...\n` +
        `Logged in to SSO session "corp" (${START_URL}); the access token expires at ${new Date(started + 2000 + 8 * 3600_000).toISOString()}.\n`,
    );
    assert.deepEqual(ctx.sleeps, [1000, 1000]);
    assert.deepEqual(
      world.fake.requests.map((r) => [r.operation, r.status, r.errorType]),
      [['RegisterClient', 200, undefined], ['StartDeviceAuthorization', 200, undefined], ['CreateToken', 400, 'AuthorizationPendingException'], ['CreateToken', 200, undefined]],
    );
    assert.deepEqual(world.fake.requests[0]?.params, { clientName: 'assume-client-corp', clientType: 'public', scopes: ['sso:account:access'] });
    assert.deepEqual(world.fake.requests[1]?.params.startUrl, START_URL);

    const token = readJson(world.tokenPath(session));
    assert.deepEqual(Object.keys(token), ['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken']);
    assert.equal(token.expiresAt, formatCacheTime(new Date(started + 2000 + 8 * 3600_000)));
    assert.equal(statSync(world.tokenPath(session)).mode & 0o777, 0o600);
    for (const secret of [token.accessToken, token.refreshToken, token.clientSecret]) assert.ok(!ctx.output().includes(String(secret)));
    assert.ok(!ctx.output().includes('dc-'), 'the device code is never shown');

    const registration = readJson(join(ssoCacheDir(world.home), `${registrationCacheKey(START_URL, 'eu-west-1', ['sso:account:access'], 'corp')}.json`));
    assert.deepEqual(registration, { clientId: token.clientId, clientSecret: token.clientSecret, expiresAt: token.registrationExpiresAt, scopes: ['sso:account:access'] });

    world.fake.reset();
    assert.ok((await fetchSsoCredentials(session, world.ctx())).sessionToken, 'fetchSsoCredentials uses the token');
    assert.deepEqual(world.fake.requests.map((r) => r.operation), ['GetRoleCredentials']);
  });

  it('reuses the cached client registration on the next login', async () => {
    await ssoLogin(session, loginContext({ approveAt: 1 }));
    world.fake.reset();
    await ssoLogin(session, loginContext({ approveAt: 1 }));
    assert.deepEqual(world.fake.requests.map((r) => r.operation), ['StartDeviceAuthorization', 'CreateToken']);
  });

  it('registers again when the cached registration has less than 15 minutes left, or was revoked', async () => {
    const dir = ssoCacheDir(world.home);
    const key = registrationCacheKey(START_URL, 'eu-west-1', ['sso:account:access'], 'corp');
    await saveRegistration(dir, key, { clientId: 'cid-old', clientSecret: 'old', expiresAt: new Date(world.clock + 14 * 60_000), scopes: ['sso:account:access'] });
    await ssoLogin(session, loginContext({ approveAt: 1 }));
    assert.deepEqual(world.fake.requests.map((r) => r.operation), ['RegisterClient', 'StartDeviceAuthorization', 'CreateToken']);

    world.fake.reset();
    await saveRegistration(dir, key, { clientId: 'cid-revoked', clientSecret: 'old', expiresAt: new Date(world.clock + 24 * 3600_000), scopes: ['sso:account:access'] });
    await ssoLogin(session, loginContext({ approveAt: 1 }));
    assert.deepEqual(
      world.fake.requests.map((r) => [r.operation, r.errorType]),
      [['StartDeviceAuthorization', 'InvalidClientException'], ['RegisterClient', undefined], ['StartDeviceAuthorization', undefined], ['CreateToken', undefined]],
    );
    assert.notEqual(readJson(join(dir, `${key}.json`)).clientId, 'cid-revoked');
  });

  it('waits 5 s longer after a SlowDownException, for every following poll', async () => {
    world.fake.fault({ operation: 'CreateToken', kind: 'slow-down' });
    const ctx = loginContext({ approveAt: 3 });
    await ssoLogin(session, ctx);
    assert.deepEqual(ctx.sleeps, [1000, 6000, 6000]);
    assert.deepEqual(world.fake.requests.filter((r) => r.operation === 'CreateToken').map((r) => r.errorType), ['SlowDownException', 'AuthorizationPendingException', undefined]);
  });

  it('gives up with SSO_LOGIN_REQUIRED when nobody confirms before the device code expires', async () => {
    const ctx = loginContext();
    const error = await rejection(ssoLogin(session, ctx));
    assert.equal(error.code, 'SSO_LOGIN_REQUIRED');
    assert.equal(error.message, `the login to SSO session "corp" (${START_URL}) was not confirmed in the browser before its code expired`);
    assert.equal(error.hint, 'Run `aws sso login --sso-session corp` or `assume --sso-login dev` again and confirm the code in the browser within the time shown.');
    assert.equal(ctx.sleeps.reduce((sum, ms) => sum + ms, 0), 600_000);
    assert.equal(world.fake.count('CreateToken'), 599);
  });

  it('stops on the ExpiredTokenException of SSO-OIDC, whatever its own clock says', async () => {
    const ctx: SsoLoginContext = { ...loginContext(), now: () => new Date(Date.parse('2026-03-01T09:00:00Z')) };
    const error = await rejection(ssoLogin(session, ctx));
    assert.equal(error.code, 'SSO_LOGIN_REQUIRED');
    assert.match(error.message, /was not confirmed in the browser before its code expired$/);
    assert.equal(world.fake.requests.at(-1)?.errorType, 'ExpiredTokenException');
  });

  it('reports a refused login (AccessDeniedException) with SSO_LOGIN_REQUIRED', async () => {
    const error = await rejection(ssoLogin(session, loginContext({ approveAt: 1, deny: true })));
    assert.equal(error.code, 'SSO_LOGIN_REQUIRED');
    assert.equal(error.message, `the login to SSO session "corp" (${START_URL}) was denied (HTTP 400 AccessDeniedException: Authorization was denied)`);
  });

  it('logs in with the legacy profile keys without scopes, as the AWS CLI does, under the start URL\'s file', async () => {
    await ssoLogin(legacy, loginContext({ approveAt: 1 }));
    assert.deepEqual(world.fake.requests[0]?.params, { clientName: `assume-client-${Math.floor((world.clock - 1000) / 1000)}`, clientType: 'public' });
    const token = readJson(world.tokenPath(legacy));
    assert.equal(token.refreshToken, undefined);
    assert.deepEqual(Object.keys(readJson(join(ssoCacheDir(world.home), `${registrationCacheKey(START_URL, 'eu-west-1', undefined, undefined)}.json`))), ['clientId', 'clientSecret', 'expiresAt']);
    assert.ok((await fetchSsoCredentials(legacy, world.ctx())).sessionToken);
  });

  it('registers with the session\'s sso_registration_scopes, and reports refused ones as CONFIG_INVALID', async () => {
    const error = await rejection(ssoLogin(ssoSource({ registrationScopes: ['sso:account:access', 's3:everything'] }), loginContext()));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.message, `IAM Identity Center refused the registration scopes of SSO session "corp" (${START_URL}) (HTTP 400 InvalidScopeException: Invalid scopes provided)`);
    assert.deepEqual(world.fake.requests[0]?.params.scopes, ['sso:account:access', 's3:everything']);
  });

  it('reports SOURCE_UNAVAILABLE when SSO-OIDC cannot be reached or fails', async () => {
    const closed = await closedUrl();
    const unreachable = await rejection(ssoLogin(session, loginContext({ env: { AWS_ENDPOINT_URL: closed } })));
    assert.equal(unreachable.code, 'SOURCE_UNAVAILABLE');
    assert.equal(unreachable.message, `SSO-OIDC at ${closed} could not be reached (ECONNREFUSED)`);
    world.fake.fault({ operation: 'CreateToken', kind: 'server-error' });
    const failing = await rejection(ssoLogin(session, loginContext()));
    assert.equal(failing.code, 'SOURCE_UNAVAILABLE');
    assert.match(failing.message, /^SSO-OIDC at \S+ answered HTTP 500 InternalServerException: An internal error occurred$/);
  });
});
