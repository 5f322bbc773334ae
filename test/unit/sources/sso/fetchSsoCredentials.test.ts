import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { AssumeError } from '../../../../src/errors.js';
import type { SsoSource } from '../../../../src/resolve/plan.js';
import { fetchSsoCredentials } from '../../../../src/sources/sso/fetchSsoCredentials.js';
import { formatCacheTime, saveSsoToken, ssoCacheDir, tokenCacheKey } from '../../../../src/sources/sso/ssoTokenCache.js';
import type { SsoTokenFields } from '../../../../src/sources/sso/ssoTokenCache.js';
import type { IssuedSsoToken } from '../../../emulator/sso.js';
import { stsClient } from '../../../emulator/test-support.js';
import { closedUrl } from '../../../helpers/closedUrl.js';
import { rejection } from '../../../helpers/rejection.js';
import { START_URL, ssoSource, useSsoWorld } from './ssoFixtures.js';

const world = useSsoWorld();

const session = ssoSource();
const legacy = ssoSource({ session: undefined });
const MINUTE = 60_000;

/** The token file `aws sso login` writes for a token the fake issued. */
function fieldsOf(issued: IssuedSsoToken, overrides: Partial<SsoTokenFields> = {}): SsoTokenFields {
  return {
    startUrl: START_URL,
    region: 'eu-west-1',
    accessToken: issued.accessToken,
    expiresAt: formatCacheTime(issued.expiresAt),
    clientId: issued.clientId,
    clientSecret: issued.clientSecret,
    registrationExpiresAt: formatCacheTime(issued.clientSecretExpiresAt),
    ...(issued.refreshToken === undefined ? {} : { refreshToken: issued.refreshToken }),
    ...overrides,
  };
}

/** Logs in (at the fake) and caches the token for `source`, valid for `seconds`. */
async function cacheToken(source: SsoSource, seconds = 8 * 3600, overrides: Partial<SsoTokenFields> = {}): Promise<IssuedSsoToken> {
  const issued = world.fake.issueToken({ expiresInSeconds: seconds, scopes: source.session === undefined ? null : ['sso:account:access'] });
  await saveSsoToken(ssoCacheDir(world.home), tokenCacheKey(source.startUrl.value, source.session), fieldsOf(issued, overrides));
  return issued;
}

/** Asserts that no secret of `issued` shows in the error's message or hint. */
function assertNoSecret(error: AssumeError, issued: IssuedSsoToken | undefined): void {
  const text = `${error.message}\n${error.hint ?? ''}`;
  for (const secret of [issued?.accessToken, issued?.refreshToken, issued?.clientSecret]) {
    if (secret !== undefined) assert.ok(!text.includes(secret), 'a secret in the message');
  }
}

describe('fetchSsoCredentials', () => {
  it('exchanges the cached token for the role credentials, which the STS emulator accepts', async () => {
    await cacheToken(session);
    const credentials = await fetchSsoCredentials(session, world.ctx());
    assert.deepEqual(credentials.expiration, new Date(world.clock + 3600_000));
    const identity = await stsClient(world.emulator, { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken ?? '' }).send(new GetCallerIdentityCommand({}));
    assert.match(identity.Arn ?? '', /^arn:aws:sts::123456789012:assumed-role\/AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}\/alice@example\.com$/);
    assert.deepEqual(world.fake.requests.map((r) => [r.operation, r.params]), [['GetRoleCredentials', { role_name: 'AdministratorAccess', account_id: '123456789012' }]]);
  });

  it('reads a legacy profile\'s token from the file named after the start URL', async () => {
    await cacheToken(legacy);
    assert.equal(world.tokenPath(legacy), join(world.home, '.aws', 'sso', 'cache', '7487b5b67d5fa1132cf33fa93ae51ef38cc37752.json'));
    assert.ok((await fetchSsoCredentials(legacy, world.ctx())).sessionToken);
  });

  it('asks for `aws sso login --sso-session` or `assume --sso-login` when no token is cached, without a network call', async () => {
    const error = await rejection(fetchSsoCredentials(session, world.ctx()));
    assert.equal(error.code, 'SSO_LOGIN_REQUIRED');
    assert.equal(error.message, `no SSO access token is cached in ${world.tokenPath(session)}: log in to SSO session "corp" (${START_URL})`);
    assert.equal(error.hint, 'Run `aws sso login --sso-session corp` or `assume --sso-login dev`.');
    assert.equal(world.fake.count(), 0);
  });

  it('asks for `aws sso login --profile` for the legacy keys, quoting names for the shell', async () => {
    const error = await rejection(fetchSsoCredentials(ssoSource({ session: undefined, profile: "team's dev" }), world.ctx()));
    assert.equal(error.message, `no SSO access token is cached in ${world.tokenPath(legacy)}: log in to the SSO start URL ${START_URL} of profile "team's dev"`);
    assert.equal(error.hint, "Run `aws sso login --profile 'team'\\''s dev'` or `assume --sso-login 'team'\\''s dev'`.");
  });

  it('asks for a login when the token file is not a token', async () => {
    await cacheToken(session, 3600, { accessToken: '' });
    const error = await rejection(fetchSsoCredentials(session, world.ctx()));
    assert.equal(error.code, 'SSO_LOGIN_REQUIRED');
    assert.match(error.message, /^the SSO token cache file \S+ has no accessToken: log in to SSO session "corp"/);
  });

  it('asks for a login when a legacy token has expired (legacy tokens are never refreshed)', async () => {
    const issued = await cacheToken(legacy, 3600);
    world.clock += 3600_000;
    const error = await rejection(fetchSsoCredentials(legacy, world.ctx()));
    assert.equal(error.code, 'SSO_LOGIN_REQUIRED');
    assert.equal(error.message, `the SSO access token in ${world.tokenPath(legacy)} expired at ${issued.expiresAt.toISOString()} and cannot be refreshed: log in to the SSO start URL ${START_URL} of profile "dev"`);
    assert.equal(error.hint, 'Run `aws sso login --profile dev` or `assume --sso-login dev`.');
    assert.equal(world.fake.count(), 0);
  });

  it('uses a legacy token with minutes left as it is', async () => {
    await cacheToken(legacy, 3600);
    world.clock += 55 * MINUTE;
    await fetchSsoCredentials(legacy, world.ctx());
    assert.deepEqual(world.fake.requests.map((r) => r.operation), ['GetRoleCredentials']);
  });

  it('does not refresh a session token with 15 minutes or more left', async () => {
    await cacheToken(session, 3600);
    world.clock += 45 * MINUTE;
    await fetchSsoCredentials(session, world.ctx());
    assert.deepEqual(world.fake.requests.map((r) => r.operation), ['GetRoleCredentials']);
  });

  it('refreshes a session token with less than 15 minutes left, and writes it back (0600) keeping the other fields', async () => {
    const issued = await cacheToken(session, 3600, { extra: 'kept by assume' });
    world.clock += 46 * MINUTE;
    await fetchSsoCredentials(session, world.ctx());
    assert.deepEqual(world.fake.requests.map((r) => r.operation), ['CreateToken', 'GetRoleCredentials']);
    assert.deepEqual(world.fake.requests[0]?.params, { clientId: issued.clientId, clientSecret: issued.clientSecret, grantType: 'refresh_token', refreshToken: issued.refreshToken });
    const written = JSON.parse(readFileSync(world.tokenPath(session), 'utf8')) as SsoTokenFields;
    assert.notEqual(written.accessToken, issued.accessToken);
    assert.notEqual(written.refreshToken, issued.refreshToken);
    assert.deepEqual({ ...written, accessToken: 'new', refreshToken: 'new' }, fieldsOf(issued, { accessToken: 'new', refreshToken: 'new', expiresAt: formatCacheTime(new Date(world.clock + 8 * 3600_000)), extra: 'kept by assume' }));
    assert.equal(statSync(world.tokenPath(session)).mode & 0o777, 0o600);

    world.fake.reset();
    await fetchSsoCredentials(session, world.ctx());
    assert.deepEqual(world.fake.requests.map((r) => r.operation), ['GetRoleCredentials'], 'the refreshed token is used from the cache');
  });

  it('refreshes an expired session token while its client registration lasts', async () => {
    await cacheToken(session, 3600);
    world.clock += 5 * 3600_000;
    assert.ok((await fetchSsoCredentials(session, world.ctx())).sessionToken);
    assert.deepEqual(world.fake.requests.map((r) => [r.operation, r.status]), [['CreateToken', 200], ['GetRoleCredentials', 200]]);
  });

  it('asks for a login, without a call, when the token expired and its client registration too', async () => {
    await cacheToken(session, 3600, { registrationExpiresAt: formatCacheTime(new Date(world.clock + 2 * 3600_000)) });
    world.clock += 2 * 3600_000;
    const error = await rejection(fetchSsoCredentials(session, world.ctx()));
    assert.equal(error.code, 'SSO_LOGIN_REQUIRED');
    assert.match(error.message, /expired at .* and cannot be refreshed: log in to SSO session "corp"/);
    assert.equal(world.fake.count(), 0);
  });

  it('asks for a login when the token expired and SSO-OIDC refuses the refresh token', async () => {
    const issued = await cacheToken(session, 3600, { refreshToken: 'aor-revoked' });
    world.clock += 2 * 3600_000;
    const error = await rejection(fetchSsoCredentials(session, world.ctx()));
    assert.equal(error.code, 'SSO_LOGIN_REQUIRED');
    assert.match(error.message, /expired at \S+ and IAM Identity Center refused to refresh it \(HTTP 400 InvalidGrantException: Invalid refresh token provided\): log in to SSO session "corp"/);
    assert.equal(error.hint, 'Run `aws sso login --sso-session corp` or `assume --sso-login dev`.');
    assertNoSecret(error, issued);
    assert.ok(!error.message.includes('aor-revoked'));
  });

  it('keeps using a token that is still valid when its refresh fails, refused or unreachable', async () => {
    await cacheToken(session, 3600, { refreshToken: 'aor-revoked' });
    world.clock += 50 * MINUTE;
    assert.ok((await fetchSsoCredentials(session, world.ctx())).sessionToken);
    world.fake.fault({ operation: 'CreateToken', kind: 'server-error' });
    assert.ok((await fetchSsoCredentials(session, world.ctx())).sessionToken);
    assert.deepEqual(world.fake.requests.map((r) => [r.operation, r.status]), [['CreateToken', 400], ['GetRoleCredentials', 200], ['CreateToken', 500], ['GetRoleCredentials', 200]]);
  });

  it('reports SOURCE_UNAVAILABLE when the token expired and SSO-OIDC cannot be reached to refresh it', async () => {
    await cacheToken(session, 3600);
    world.clock += 2 * 3600_000;
    const closed = await closedUrl();
    const error = await rejection(fetchSsoCredentials(session, world.ctx({ env: { AWS_ENDPOINT_URL_SSO: world.fake.url, AWS_ENDPOINT_URL_SSO_OIDC: closed } })));
    assert.equal(error.code, 'SOURCE_UNAVAILABLE');
    assert.ok(error.message.endsWith(`; refreshing it failed: SSO-OIDC at ${closed} could not be reached (ECONNREFUSED)`), error.message);
    assert.equal(error.hint, 'Check the network, sso_region and AWS_ENDPOINT_URL_SSO / AWS_ENDPOINT_URL_SSO_OIDC, then try again; raise --timeout for a slow link.');
  });

  it('asks for a login when the portal refuses the token as revoked (UnauthorizedException)', async () => {
    const issued = await cacheToken(session);
    world.fake.revokeToken(issued.accessToken);
    const error = await rejection(fetchSsoCredentials(session, world.ctx()));
    assert.equal(error.code, 'SSO_LOGIN_REQUIRED');
    assert.equal(error.message, `IAM Identity Center refused the cached SSO access token (HTTP 401 UnauthorizedException: Session token not found or invalid): it was revoked or has expired: log in to SSO session "corp" (${START_URL})`);
    assert.equal(error.hint, 'Run `aws sso login --sso-session corp` or `assume --sso-login dev`.');
    assertNoSecret(error, issued);
  });

  it('reports STS_ACCESS_DENIED, naming the account, the role and where they are set, for a role the user is not assigned', async () => {
    const issued = await cacheToken(session);
    const error = await rejection(fetchSsoCredentials(ssoSource({ roleName: { value: 'ReadOnly', from: { kind: 'env', name: 'X' } } }), world.ctx()));
    assert.equal(error.code, 'STS_ACCESS_DENIED');
    assert.equal(error.message, `IAM Identity Center refused role "ReadOnly" in account 123456789012 to SSO session "corp" (${START_URL}) for profile "dev" (HTTP 403 ForbiddenException: No access)`);
    assert.equal(error.hint, 'Check sso_account_id and sso_role_name (/home/u/.aws/config:7, X): your user must be assigned that permission set in that account (see the AWS access portal).');
    assertNoSecret(error, issued);
  });

  it('reports STS_INVALID_REQUEST for an InvalidRequestException', async () => {
    await cacheToken(session);
    const error = await rejection(fetchSsoCredentials(ssoSource({ accountId: { value: '', from: { kind: 'default' } } }), world.ctx()));
    assert.equal(error.code, 'STS_INVALID_REQUEST');
    assert.match(error.message, /\(HTTP 400 InvalidRequestException: Invalid request\)$/);
  });

  const faults = [
    ['server-error', /^the IAM Identity Center portal at http:\/\/127\.0\.0\.1:\d+ answered HTTP 500 InternalServerException: Internal server error$/],
    ['throttle', /^the IAM Identity Center portal at http:\/\/127\.0\.0\.1:\d+ answered HTTP 429 TooManyRequestsException: Rate exceeded$/],
    ['malformed', /^the IAM Identity Center portal at http:\/\/127\.0\.0\.1:\d+ answered HTTP 200 with something that is not a JSON object$/],
    ['drop', /^the IAM Identity Center portal at http:\/\/127\.0\.0\.1:\d+ could not be reached \(\w+\)$/],
  ] as const;
  for (const [kind, message] of faults) {
    it(`reports SOURCE_UNAVAILABLE when the portal suffers ${kind}`, async () => {
      const issued = await cacheToken(session);
      world.fake.fault({ operation: 'GetRoleCredentials', kind });
      const error = await rejection(fetchSsoCredentials(session, world.ctx()));
      assert.equal(error.code, 'SOURCE_UNAVAILABLE');
      assert.match(error.message, message);
      assertNoSecret(error, issued);
    });
  }

  it('gives up on a portal slower than the timeout', async () => {
    await cacheToken(session);
    world.fake.fault({ operation: 'GetRoleCredentials', kind: 'slow', delayMs: 2000 });
    const error = await rejection(fetchSsoCredentials(session, world.ctx({ timeoutMs: 100 })));
    assert.equal(error.code, 'SOURCE_UNAVAILABLE');
    assert.match(error.message, /^the IAM Identity Center portal at \S+ did not answer within 0\.1 s$/);
  });

  it('reports CONFIG_READ for a token file it cannot read', async () => {
    await cacheToken(session);
    rmSync(world.tokenPath(session));
    mkdirSync(world.tokenPath(session));
    const error = await rejection(fetchSsoCredentials(session, world.ctx()));
    assert.equal(error.code, 'CONFIG_READ');
    assert.equal(error.message, `cannot read the SSO token cache file ${world.tokenPath(session)} (EISDIR)`);
  });
});
