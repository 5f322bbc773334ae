/**
 * End to end: the real bin/assume against the STS emulator, the fake IAM Identity Center and the
 * fake instance metadata / container endpoints, one credential source at a time (web identity,
 * SSO, Ec2InstanceMetadata, EcsContainer). Each test runs the binary with a HOME and a credential
 * cache of its own, and asserts the exit code, stdout and stderr exactly; no secret the test knows
 * (tokens, keys handed out, the credentials printed) may ever show on stderr.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { formatCacheTime, saveSsoToken, ssoCacheDir, tokenCacheKey } from '../../src/sources/sso/ssoTokenCache.js';
import type { SsoTokenFields } from '../../src/sources/sso/ssoTokenCache.js';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator } from '../emulator/emulator.js';
import { startMetadataServer } from '../emulator/metadata.js';
import type { MetadataServer } from '../emulator/metadata.js';
import { startSsoFake } from '../emulator/sso.js';
import type { IssuedSsoToken, SsoFake } from '../emulator/sso.js';
import { stsClient } from '../emulator/test-support.js';
import { assumeBin, runAssume } from '../helpers/runAssume.js';
import type { RunResult } from '../helpers/runAssume.js';

// The in-process STS client of the GetCallerIdentity checks runs on Node 20 too.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ISSUER = 'https://token.actions.githubusercontent.com';
const SUBJECT = 'repo:acme/app:ref:refs/heads/main';
const AUDIENCE = 'sts.amazonaws.com';
const CI_ROLE = 'arn:aws:iam::222222222222:role/ci';
const DEPLOY_ROLE = 'arn:aws:iam::333333333333:role/Deploy';
const SSO_ACCOUNT = '444444444444';
const FROM_SSO_ROLE = 'arn:aws:iam::555555555555:role/FromSso';
const INSTANCE_ROLE = 'arn:aws:iam::666666666666:role/ec2-instance';
const FROM_INSTANCE_ROLE = 'arn:aws:iam::777777777777:role/FromInstance';
const START_URL = 'https://corp.awsapps.com/start';
const LEGACY_START_URL = 'https://legacy.awsapps.com/start';
const INSTANCE_SESSION = 'i-0123456789abcdef0';

let emu: Emulator;
let sso: SsoFake;
let meta: MetadataServer;
let ssoRoleArn: string;
let work: string;
/** Every secret handed out or written by a test: none may show on stderr. */
const secrets = new Set<string>();

before(async () => {
  emu = await startEmulator();
  emu.addRole({ arn: CI_ROLE, trust: [], trustWebIdentity: [{ issuer: ISSUER, audience: AUDIENCE, subject: 'repo:acme/app:*' }] });
  emu.addRole({ arn: DEPLOY_ROLE, trust: [CI_ROLE] });
  sso = await startSsoFake({ emulator: emu });
  ssoRoleArn = sso.assign(SSO_ACCOUNT, 'Developer');
  emu.addRole({ arn: FROM_SSO_ROLE, trust: [ssoRoleArn] });
  emu.addRole({ arn: INSTANCE_ROLE, trust: [] });
  emu.addRole({ arn: FROM_INSTANCE_ROLE, trust: [INSTANCE_ROLE] });
  meta = await startMetadataServer({ emulator: emu, roleArn: INSTANCE_ROLE, sessionName: INSTANCE_SESSION });
  secrets.add(meta.authorizationToken);
  work = mkdtempSync(join(tmpdir(), 'assume-sources-'));
});

after(async () => {
  await Promise.all([sso.close(), meta.close()]);
  await emu.close();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  emu.reset();
  sso.reset();
});

/** A HOME of its own (with ~/.aws/config when `config` is given) and a credential cache of its own. */
interface Home {
  readonly dir: string;
  readonly cache: string;
  readonly configFile: string;
}

let homes = 0;
function newHome(config?: string): Home {
  const dir = join(work, `home-${++homes}`);
  mkdirSync(dir);
  const configFile = join(dir, '.aws', 'config');
  if (config !== undefined) {
    mkdirSync(join(dir, '.aws'), { mode: 0o700 });
    writeFileSync(configFile, config, { mode: 0o600 });
  }
  return { dir, cache: join(dir, 'xdg-cache'), configFile };
}

/** `file:line` of the first line of `config` that starts with `text`, as assume names places. */
function placeOf(home: Home, config: string, text: string): string {
  const index = config.split('\n').findIndex((line) => line.startsWith(text));
  assert.ok(index >= 0, `"${text}" is in the config`);
  return `${home.configFile}:${index + 1}`;
}

/** Only what a test gives, plus HOME, the cache and the STS emulator: nothing of the machine leaks in. */
function env(home: Home, extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home.dir, XDG_CACHE_HOME: home.cache, AWS_ENDPOINT_URL_STS: emu.url, USER: 'ci-bot', ...extra };
}

interface JsonCredentials {
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
  Region?: string;
}

function assertNoSecret(stderr: string): void {
  for (const secret of secrets) assert.ok(!stderr.includes(secret), `a secret (${secret.slice(0, 6)}...) showed on stderr`);
}

/** A successful `--format json` run: exit 0, the stderr expected (exactly), the credentials printed. */
function succeeded(result: RunResult, stderr: string | RegExp = ''): JsonCredentials {
  assert.equal(result.code, 0, `exit code; stderr was: ${result.stderr}`);
  if (typeof stderr === 'string') assert.equal(result.stderr, stderr);
  else assert.match(result.stderr, stderr);
  const credentials = JSON.parse(result.stdout) as JsonCredentials;
  assert.deepEqual(Object.keys(credentials).filter((k) => k !== 'Region'), ['AccessKeyId', 'SecretAccessKey', 'SessionToken', 'Expiration']);
  assert.match(credentials.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
  assert.match(credentials.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  secrets.add(credentials.SecretAccessKey);
  secrets.add(credentials.SessionToken);
  assertNoSecret(result.stderr);
  return credentials;
}

/** A failed run: the exit code, nothing on stdout, exactly `stderr` (message and hint), no secret. */
function failed(result: RunResult, code: number, stderr: string): void {
  assert.equal(result.code, code, `exit code; stderr was: ${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.equal(result.stderr, stderr);
  assertNoSecret(result.stderr);
}

/** Who the printed credentials are, as STS says to GetCallerIdentity signed with them. */
async function callerArn(credentials: JsonCredentials): Promise<string | undefined> {
  const client = stsClient(emu, { accessKeyId: credentials.AccessKeyId, secretAccessKey: credentials.SecretAccessKey, sessionToken: credentials.SessionToken });
  try {
    return (await client.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    client.destroy();
  }
}

/** The role session a key belongs to, as the emulator keeps it. */
function sessionArn(accessKeyId: string | undefined): string | undefined {
  return accessKeyId === undefined ? undefined : emu.sessionInfo(accessKeyId)?.arn;
}

/**
 * The success line assume writes in CI: `NAME (ACCOUNT) valid until HH:MM, Nm left[, from the cache]`,
 * NAME the profile (else the role), the account when STS named a role session, the local time
 * of the expiry (with its date when that is not today).
 */
function successLine(name: string, account: string | undefined, credentials: JsonCredentials, cached = false): RegExp {
  const expiry = new Date(credentials.Expiration);
  const clock = `${String(expiry.getHours()).padStart(2, '0')}:${String(expiry.getMinutes()).padStart(2, '0')}`;
  const who = account === undefined ? name : `${name} (${account})`;
  return new RegExp(`^${escape(who)} valid until (?:\\d{4}-\\d\\d-\\d\\d )?${clock}, (?:\\d+h )?(?:\\d+m|<1m) left${cached ? ', from the cache' : ''}\\n$`);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

describe('web identity (AssumeRoleWithWebIdentity)', () => {
  function token(expiresInSeconds?: number): string {
    const issued = emu.issueWebIdentityToken({ issuer: ISSUER, subject: SUBJECT, audience: AUDIENCE, ...(expiresInSeconds === undefined ? {} : { expiresInSeconds }) });
    secrets.add(issued);
    return issued;
  }

  function webIdentityHome(tokenText: string | undefined): { home: Home; config: string; tokenFile: string } {
    const home = newHome();
    const tokenFile = join(home.dir, 'oidc-token');
    if (tokenText !== undefined) writeFileSync(tokenFile, `${tokenText}\n`);
    const config = `[profile wi]
role_arn = ${CI_ROLE}
web_identity_token_file = ${tokenFile}
role_session_name = ci-run
region = eu-west-1

[profile deploy]
role_arn = ${DEPLOY_ROLE}
source_profile = wi
role_session_name = deploy-run
`;
    mkdirSync(join(home.dir, '.aws'), { mode: 0o700 });
    writeFileSync(home.configFile, config);
    return { home, config, tokenFile };
  }

  it('assumes the role of a profile with web_identity_token_file, unsigned, with the token of the file', async () => {
    const jwt = token();
    const { home } = webIdentityHome(jwt);
    const credentials = succeeded(await runAssume(['--format', 'json', 'wi'], env(home)));
    assert.equal(credentials.Region, 'eu-west-1');
    const calls = emu.requests.filter((r) => r.action === 'AssumeRoleWithWebIdentity');
    assert.equal(calls.length, 1);
    assert.equal(emu.requests.length, 1, 'one STS call, nothing else');
    const [call] = calls;
    assert.ok(call);
    assert.deepEqual(
      [call.params.RoleArn, call.params.RoleSessionName, call.params.WebIdentityToken, call.accessKeyId, call.hasSessionToken, call.status],
      [CI_ROLE, 'ci-run', jwt, undefined, false, 200],
      'the token as written, without the newline after it; no signature',
    );
    assert.deepEqual(emu.sessionInfo(credentials.AccessKeyId)?.webIdentity, { issuer: ISSUER, subject: SUBJECT, audience: AUDIENCE });
    assert.equal(await callerArn(credentials), 'arn:aws:sts::222222222222:assumed-role/ci/ci-run');
  });

  it('caches the web identity session: the second run makes no STS call and prints the same credentials', async () => {
    const { home } = webIdentityHome(token());
    const first = await runAssume(['--format', 'json', 'wi'], env(home));
    const firstCredentials = succeeded(first);
    const second = await runAssume(['--format', 'json', 'wi'], env(home));
    succeeded(second);
    assert.equal(second.stdout, first.stdout);
    assert.equal(emu.count('AssumeRoleWithWebIdentity'), 1);
    assert.equal(emu.count(), 1);
    assert.equal(await callerArn(firstCredentials), 'arn:aws:sts::222222222222:assumed-role/ci/ci-run');
  });

  it('names the web identity role in the CI success line, also when the second run comes from the cache', async () => {
    const { home } = webIdentityHome(token());
    const first = await runAssume(['--format', 'json', 'wi'], env(home, { CI: 'true' }));
    const credentials = succeeded(first, /^wi \(222222222222\) valid until /);
    assert.match(first.stderr, successLine('wi', '222222222222', credentials));
    const second = await runAssume(['--format', 'json', 'wi'], env(home, { CI: 'true' }));
    succeeded(second, successLine('wi', '222222222222', credentials, true));
  });

  it('runs in CI from AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME alone, without any config file', async () => {
    const home = newHome();
    const tokenFile = join(home.dir, 'token');
    const jwt = token();
    writeFileSync(tokenFile, jwt);
    const ciEnv = env(home, { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: CI_ROLE, AWS_ROLE_SESSION_NAME: 'gha-42' });
    assert.equal(existsSync(join(home.dir, '.aws')), false);
    const credentials = succeeded(await runAssume(['--format', 'json'], ciEnv));
    assert.equal(credentials.Region, undefined);
    const call = emu.requests.find((r) => r.action === 'AssumeRoleWithWebIdentity');
    assert.deepEqual([call?.params.RoleArn, call?.params.RoleSessionName, call?.params.WebIdentityToken, call?.signingRegion], [CI_ROLE, 'gha-42', jwt, undefined]);
    assert.equal(await callerArn(credentials), 'arn:aws:sts::222222222222:assumed-role/ci/gha-42');
    assert.equal(existsSync(join(home.dir, '.aws')), false, 'reading creates no file');
  });

  it('assumes --role-arn with the credentials of an environment web identity', async () => {
    const home = newHome();
    const tokenFile = join(home.dir, 'token');
    writeFileSync(tokenFile, token());
    const ciEnv = env(home, { AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile, AWS_ROLE_ARN: CI_ROLE, AWS_ROLE_SESSION_NAME: 'gha-43' });
    const credentials = succeeded(await runAssume(['--format', 'json', '--role-arn', DEPLOY_ROLE, '--session-name', 'deploy-43'], ciEnv));
    assert.deepEqual(
      emu.requests.map((r) => [r.action, r.params.RoleArn, r.params.RoleSessionName]),
      [
        ['AssumeRoleWithWebIdentity', CI_ROLE, 'gha-43'],
        ['AssumeRole', DEPLOY_ROLE, 'deploy-43'],
      ],
    );
    const hop = emu.requests[1];
    assert.ok(hop);
    assert.equal(hop.hasSessionToken, true);
    assert.equal(sessionArn(hop.accessKeyId), 'arn:aws:sts::222222222222:assumed-role/ci/gha-43', 'signed with the web identity session');
    assert.equal(await callerArn(credentials), 'arn:aws:sts::333333333333:assumed-role/Deploy/deploy-43');
  });

  it('walks a chain whose source_profile is a web identity profile, and reuses the cached web identity session', async () => {
    const { home } = webIdentityHome(token());
    succeeded(await runAssume(['--format', 'json', 'wi'], env(home)));
    const credentials = succeeded(await runAssume(['--format', 'json', 'deploy'], env(home)));
    assert.deepEqual(
      emu.requests.map((r) => [r.action, r.params.RoleArn]),
      [
        ['AssumeRoleWithWebIdentity', CI_ROLE],
        ['AssumeRole', DEPLOY_ROLE],
      ],
      'the second run takes the web identity session from the cache',
    );
    assert.equal(sessionArn(emu.requests[1]?.accessKeyId), 'arn:aws:sts::222222222222:assumed-role/ci/ci-run');
    assert.equal(credentials.Region, 'eu-west-1', "the source profile's region");
    assert.equal(emu.requests[1]?.signingRegion, 'eu-west-1');
    assert.equal(await callerArn(credentials), 'arn:aws:sts::333333333333:assumed-role/Deploy/deploy-run');
  });

  it('fails with exit 5 naming the token file and where it was configured when the file is missing, before any call', async () => {
    const { home, config, tokenFile } = webIdentityHome(undefined);
    failed(
      await runAssume(['--format', 'json', 'deploy'], env(home)),
      5,
      `assume: the web identity token file ${tokenFile} of profile "wi" (${placeOf(home, config, 'web_identity_token_file')}) does not exist\n` +
        '  hint: Point web_identity_token_file (or AWS_WEB_IDENTITY_TOKEN_FILE) at the OIDC token your platform writes, e.g. /var/run/secrets/eks.amazonaws.com/serviceaccount/token on EKS.\n',
    );
    const missing = join(home.dir, 'no-token');
    failed(
      await runAssume(['--format', 'json'], env(newHome(), { AWS_WEB_IDENTITY_TOKEN_FILE: missing, AWS_ROLE_ARN: CI_ROLE })),
      5,
      `assume: the web identity token file ${missing} (AWS_WEB_IDENTITY_TOKEN_FILE) does not exist\n` +
        '  hint: Point web_identity_token_file (or AWS_WEB_IDENTITY_TOKEN_FILE) at the OIDC token your platform writes, e.g. /var/run/secrets/eks.amazonaws.com/serviceaccount/token on EKS.\n',
    );
    assert.equal(emu.count(), 0);
  });

  it('fails with exit 5 and says to get a fresh token when the token has expired, without showing it', async () => {
    const { home } = webIdentityHome(token(-60));
    const result = await runAssume(['--format', 'json', 'wi'], env(home));
    assert.equal(emu.count('AssumeRoleWithWebIdentity'), 1, 'STS refused it once; an expired token is not retried');
    const seconds = /current date\/time (\d+) must be before the expiration date\/time (\d+)/.exec(result.stderr);
    assert.ok(seconds, result.stderr);
    failed(
      result,
      5,
      `assume: the web identity token for assuming ${CI_ROLE} (profile "wi") has expired: Token expired: current date/time ${seconds[1] ?? ''} must be before the expiration date/time ${seconds[2] ?? ''}\n` +
        '  hint: Get a fresh token from the identity provider (on EKS the kubelet rewrites the token file; in CI, request a new OIDC token), then run assume again.\n',
    );
  });
  it('fails with exit 7 on an answer that is not XML (not retried: it is no transient error), and succeeds once STS answers again', async () => {
    const { home } = webIdentityHome(token());
    emu.fault({ action: 'AssumeRoleWithWebIdentity', kind: 'malformed', times: 1 });
    const result = await runAssume(['--format', 'json', 'wi'], env(home));
    assert.equal(result.code, 7, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^assume: STS at http:\/\/127\.0\.0\.1:\d+ gave an answer assume could not read, for assuming arn:aws:iam::222222222222:role\/ci \(profile "wi"\)\n {2}hint: .+\n$/);
    assertNoSecret(result.stderr);
    assert.equal(emu.count('AssumeRoleWithWebIdentity'), 1);
    succeeded(await runAssume(['--format', 'json', 'wi'], env(home)));
  });

  it('gives up on a slow STS within --timeout for each of its 3 attempts, with exit 7', async () => {
    const { home } = webIdentityHome(token());
    emu.fault({ action: 'AssumeRoleWithWebIdentity', kind: 'slow', times: 3, delayMs: 10_000 });
    const started = Date.now();
    const result = await runAssume(['--format', 'json', '--timeout', '1', 'wi'], env(home));
    const ms = Date.now() - started;
    assert.equal(result.code, 7, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^assume: could not reach STS at http:\/\/127\.0\.0\.1:\d+ for assuming arn:aws:iam::222222222222:role\/ci \(profile "wi"\): no answer before the timeout of 1 s \(3 attempts\)\n {2}hint: .+\n$/);
    assert.ok(ms < 9_000, `${ms} ms: 3 attempts of 1 s and the back-off, not the 10 s of the slow answers`);
  });
});

describe('IAM Identity Center (sso_session, legacy sso_start_url)', () => {
  const ssoConfig = `[sso-session corp]
sso_start_url = ${START_URL}
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = ${SSO_ACCOUNT}
sso_role_name = Developer
region = eu-central-1

[profile dev-deploy]
role_arn = ${FROM_SSO_ROLE}
source_profile = dev
role_session_name = from-sso

[profile legacy]
sso_start_url = ${LEGACY_START_URL}
sso_region = us-east-2
sso_account_id = ${SSO_ACCOUNT}
sso_role_name = Developer
`;

  function ssoEnv(home: Home, extra: Record<string, string> = {}): Record<string, string> {
    return env(home, { AWS_ENDPOINT_URL_SSO: sso.url, AWS_ENDPOINT_URL_SSO_OIDC: sso.url, ...extra });
  }

  /** The token cache file as `aws sso login` names it: the SHA-1 of the session name (of the start URL for legacy keys). */
  function tokenPath(home: Home, name: string): string {
    return join(home.dir, '.aws', 'sso', 'cache', `${createHash('sha1').update(name).digest('hex')}.json`);
  }

  function issue(options: { scopes?: string[] | null; expiresInSeconds?: number } = {}): IssuedSsoToken {
    const issued = sso.issueToken(options);
    secrets.add(issued.accessToken);
    secrets.add(issued.clientSecret);
    if (issued.refreshToken !== undefined) secrets.add(issued.refreshToken);
    return issued;
  }

  /** Writes the token cache file as `aws sso login` does (botocore's fields). */
  async function seedToken(home: Home, issued: IssuedSsoToken, session: string | undefined, overrides: Partial<SsoTokenFields> = {}): Promise<void> {
    const startUrl = session === undefined ? LEGACY_START_URL : START_URL;
    const fields: SsoTokenFields = {
      startUrl,
      region: session === undefined ? 'us-east-2' : 'eu-west-1',
      accessToken: issued.accessToken,
      expiresAt: formatCacheTime(issued.expiresAt),
      ...(session === undefined
        ? {}
        : {
            clientId: issued.clientId,
            clientSecret: issued.clientSecret,
            registrationExpiresAt: formatCacheTime(issued.clientSecretExpiresAt),
            ...(issued.refreshToken === undefined ? {} : { refreshToken: issued.refreshToken }),
          }),
      ...overrides,
    };
    await saveSsoToken(ssoCacheDir(home.dir), tokenCacheKey(startUrl, session), fields);
  }

  it('gets the permission set credentials with the cached token of the sso-session, and caches them', async () => {
    const home = newHome(ssoConfig);
    const issued = issue();
    await seedToken(home, issued, 'corp');
    assert.ok(existsSync(tokenPath(home, 'corp')), 'the helper writes where aws sso login writes');
    const credentials = succeeded(await runAssume(['--format', 'json', 'dev'], ssoEnv(home)));
    assert.equal(credentials.Region, 'eu-central-1');
    assert.deepEqual(
      sso.requests.map((r) => [r.operation, r.method, r.hasBearerToken, r.params.account_id, r.params.role_name, r.status]),
      [['GetRoleCredentials', 'GET', true, SSO_ACCOUNT, 'Developer', 200]],
    );
    assert.equal(emu.count(), 0, 'no STS call for the permission set itself');
    const hash = ssoRoleArn.slice(ssoRoleArn.lastIndexOf('/') + 1);
    assert.equal(await callerArn(credentials), `arn:aws:sts::${SSO_ACCOUNT}:assumed-role/${hash}/alice@example.com`);
    const again = await runAssume(['--format', 'json', 'dev'], ssoEnv(home));
    assert.equal(succeeded(again).AccessKeyId, credentials.AccessKeyId);
    assert.equal(sso.count(), 1, 'the second run takes them from the cache');
  });

  it('assumes a role whose source_profile is the SSO profile, signed with the permission set credentials', async () => {
    const home = newHome(ssoConfig);
    await seedToken(home, issue(), 'corp');
    const credentials = succeeded(await runAssume(['--format', 'json', 'dev-deploy'], ssoEnv(home)));
    assert.equal(sso.count('GetRoleCredentials'), 1);
    const hops = emu.requests.filter((r) => r.action === 'AssumeRole');
    assert.deepEqual(hops.map((r) => [r.params.RoleArn, r.params.RoleSessionName, r.signingRegion]), [[FROM_SSO_ROLE, 'from-sso', 'eu-central-1']]);
    assert.equal(sessionArn(hops[0]?.accessKeyId)?.endsWith('/alice@example.com'), true, 'signed with the SSO role session');
    assert.equal(await callerArn(credentials), 'arn:aws:sts::555555555555:assumed-role/FromSso/from-sso');
  });

  it('fails with exit 5 without a cached token, naming aws sso login --sso-session and assume --sso-login', async () => {
    const home = newHome(ssoConfig);
    failed(
      await runAssume(['--format', 'json', 'dev-deploy'], ssoEnv(home)),
      5,
      `assume: no SSO access token is cached in ${tokenPath(home, 'corp')}: log in to SSO session "corp" (${START_URL})\n` +
        '  hint: Run `aws sso login --sso-session corp` or `assume --sso-login dev`.\n',
    );
    assert.equal(sso.count(), 0);
    assert.equal(emu.count(), 0);
  });

  it('refreshes an expired token with its refresh token, rewrites the cache file and keeps its other fields', async () => {
    const home = newHome(ssoConfig);
    const old = issue();
    assert.ok(old.refreshToken !== undefined, 'a token of a client registered with scopes has a refresh token');
    await seedToken(home, old, 'corp', { expiresAt: formatCacheTime(new Date(Date.now() - 60_000)), fromAnotherTool: 'kept' });
    // The old access token is no good any more: only a refreshed one gets credentials.
    sso.revokeToken(old.accessToken);
    const credentials = succeeded(await runAssume(['--format', 'json', 'dev'], ssoEnv(home)));
    assert.deepEqual(
      sso.requests.map((r) => [r.operation, r.params.grantType, r.params.clientId, r.params.refreshToken, r.status]),
      [
        ['CreateToken', 'refresh_token', old.clientId, old.refreshToken, 200],
        ['GetRoleCredentials', undefined, undefined, undefined, 200],
      ],
    );
    const file = JSON.parse(readFileSync(tokenPath(home, 'corp'), 'utf8')) as Record<string, unknown>;
    assert.equal(typeof file.accessToken, 'string');
    assert.equal(typeof file.refreshToken, 'string');
    secrets.add(String(file.accessToken));
    secrets.add(String(file.refreshToken));
    assert.notEqual(file.accessToken, old.accessToken);
    assert.notEqual(file.refreshToken, old.refreshToken, 'the rotated refresh token');
    const expiresAt = Date.parse(String(file.expiresAt));
    assert.ok(expiresAt > Date.now() + 7 * 3600_000, `a new expiry about 8 hours ahead: ${String(file.expiresAt)}`);
    assert.deepEqual(
      [file.startUrl, file.region, file.clientId, file.clientSecret, file.fromAnotherTool],
      [START_URL, 'eu-west-1', old.clientId, old.clientSecret, 'kept'],
    );
    assert.equal(statSync(tokenPath(home, 'corp')).mode & 0o777, 0o600);
    assert.match((await callerArn(credentials)) ?? '', /:assumed-role\/AWSReservedSSO_Developer_[0-9a-f]+\/alice@example\.com$/);
  });

  it('logs in with --sso-login: the code on stderr, approved in the portal, credentials on stdout, the token cached', async () => {
    const home = newHome(ssoConfig);
    const child = spawn(process.execPath, [assumeBin, '--sso-login', '--format', 'json', 'dev'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...ssoEnv(home, { CI: 'true' }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const closed = new Promise<number | null>((resolve) => child.once('close', resolve));
    const prompt = await new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGTERM');
        reject(new Error(`no user code on stderr within 20 s: ${stderr}`));
      }, 20_000);
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        const found = /open this URL in a browser:\n\n {2}(\S+)\n\nand check that the page shows the code (\S+)\./.exec(stderr);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    });
    const [, url = '', userCode = ''] = prompt;
    assert.equal(url, `${sso.url}/device?user_code=${userCode}`);
    assert.deepEqual(
      sso.authorizations.filter((a) => a.state === 'pending').map((a) => [a.userCode, a.startUrl]),
      [[userCode, START_URL]],
    );
    sso.approve(userCode);
    // It polls every second (the interval the fake names); the login is done within a few.
    const stopper = setTimeout(() => child.kill('SIGTERM'), 20_000);
    const code = await closed;
    clearTimeout(stopper);
    assert.equal(code, 0, stderr);

    const file = JSON.parse(readFileSync(tokenPath(home, 'corp'), 'utf8')) as Record<string, unknown>;
    for (const key of ['accessToken', 'refreshToken', 'clientSecret']) secrets.add(String(file[key]));
    assert.deepEqual(Object.keys(file), ['startUrl', 'region', 'accessToken', 'expiresAt', 'clientId', 'clientSecret', 'registrationExpiresAt', 'refreshToken']);
    assert.deepEqual([file.startUrl, file.region], [START_URL, 'eu-west-1']);
    assert.equal(statSync(tokenPath(home, 'corp')).mode & 0o777, 0o600);
    const register = sso.requests.find((r) => r.operation === 'RegisterClient');
    assert.deepEqual([register?.params.clientType, register?.params.scopes], ['public', ['sso:account:access']]);
    assert.equal(sso.requests.at(-1)?.operation, 'GetRoleCredentials');

    const printed = JSON.parse(stdout) as JsonCredentials;
    // The file keeps whole seconds, as botocore writes it; the message gives the exact time.
    const fileExpiry = String(file.expiresAt);
    assert.match(fileExpiry, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const credentials = succeeded(
      { code: 0, signal: null, stdout, stderr },
      new RegExp(
        '^' +
          escape(
            `To log in to SSO session "corp" (${START_URL}), open this URL in a browser:\n\n  ${url}\n\n` +
              `and check that the page shows the code ${userCode}. Waiting for you to confirm (the code expires in 10 minutes)...\n` +
              `Logged in to SSO session "corp" (${START_URL}); the access token expires at ${fileExpiry.slice(0, -1)}`,
          ) +
          '\\.\\d{3}Z\\.\\n' +
          // In CI, the success line follows; GetRoleCredentials names no role ARN, so it says what it has.
          successLine('dev', undefined, printed).source.slice(1),
      ),
    );
    const hash = ssoRoleArn.slice(ssoRoleArn.lastIndexOf('/') + 1);
    assert.equal(await callerArn(credentials), `arn:aws:sts::${SSO_ACCOUNT}:assumed-role/${hash}/alice@example.com`);
  });

  it('uses a legacy profile with sso_start_url, its token keyed by the start URL, and names aws sso login --profile', async () => {
    const home = newHome(ssoConfig);
    failed(
      await runAssume(['--format', 'json', 'legacy'], ssoEnv(home)),
      5,
      `assume: no SSO access token is cached in ${tokenPath(home, LEGACY_START_URL)}: log in to the SSO start URL ${LEGACY_START_URL} of profile "legacy"\n` +
        '  hint: Run `aws sso login --profile legacy` or `assume --sso-login legacy`.\n',
    );
    await seedToken(home, issue({ scopes: null }), undefined);
    assert.ok(existsSync(tokenPath(home, LEGACY_START_URL)));
    const credentials = succeeded(await runAssume(['--format', 'json', 'legacy'], ssoEnv(home)));
    assert.deepEqual(sso.requests.map((r) => [r.operation, r.status]), [['GetRoleCredentials', 200]]);
    assert.match((await callerArn(credentials)) ?? '', /:assumed-role\/AWSReservedSSO_Developer_[0-9a-f]+\/alice@example\.com$/);
  });
});

describe('credential_source = Ec2InstanceMetadata and EcsContainer', () => {
  const config = `[profile ec2]
role_arn = ${FROM_INSTANCE_ROLE}
credential_source = Ec2InstanceMetadata
region = ap-southeast-2

[profile ecs]
role_arn = ${FROM_INSTANCE_ROLE}
credential_source = EcsContainer
role_session_name = from-task
`;

  /** The requests the metadata fake saw during `run`. */
  async function metadataRequests<T>(run: () => Promise<T>): Promise<{ result: T; seen: typeof meta.requests }> {
    const start = meta.requests.length;
    const result = await run();
    return { result, seen: meta.requests.slice(start) };
  }

  it('assumes the role with the instance profile credentials from IMDSv2', async () => {
    const home = newHome(config);
    const { result, seen } = await metadataRequests(() => runAssume(['--format', 'json', 'ec2'], env(home, { AWS_EC2_METADATA_SERVICE_ENDPOINT: meta.imdsEndpoint, CI: 'true' })));
    const issued = meta.issued.at(-1);
    assert.ok(issued);
    secrets.add(issued.secretAccessKey);
    secrets.add(issued.sessionToken);
    const sessionName = emu.requests.find((r) => r.action === 'AssumeRole')?.params.RoleSessionName ?? '';
    assert.match(sessionName, /^ci-bot@assume-\d{10}$/, 'who asked (USER) and when');
    const printed = JSON.parse(result.stdout) as JsonCredentials;
    const credentials = succeeded(result, successLine('ec2', '777777777777', printed));
    assert.deepEqual(
      seen.map((r) => [r.method, r.path, r.target, r.status]),
      [
        ['PUT', '/latest/api/token', 'token', 200],
        ['GET', '/latest/meta-data/iam/security-credentials/', 'role-list', 200],
        ['GET', '/latest/meta-data/iam/security-credentials/ec2-instance', 'credentials', 200],
      ],
    );
    assert.equal(seen[0]?.ttl, '21600');
    assert.ok(seen[1]?.metadataToken !== undefined && seen[2]?.metadataToken === seen[1].metadataToken, 'the GETs carry the IMDSv2 token');
    const hops = emu.requests.filter((r) => r.action === 'AssumeRole');
    assert.equal(hops.length, 1);
    assert.deepEqual([hops[0]?.accessKeyId, hops[0]?.hasSessionToken, hops[0]?.params.RoleArn, hops[0]?.signingRegion], [issued.accessKeyId, true, FROM_INSTANCE_ROLE, 'ap-southeast-2']);
    assert.equal(sessionArn(issued.accessKeyId), `arn:aws:sts::666666666666:assumed-role/ec2-instance/${INSTANCE_SESSION}`);
    assert.equal(await callerArn(credentials), `arn:aws:sts::777777777777:assumed-role/FromInstance/${sessionName}`);

    const { result: again, seen: none } = await metadataRequests(() => runAssume(['--format', 'json', 'ec2'], env(home, { AWS_EC2_METADATA_SERVICE_ENDPOINT: meta.imdsEndpoint })));
    succeeded(again);
    assert.equal(again.stdout, result.stdout, 'the role credentials come from the cache');
    assert.deepEqual([none.length, emu.count('AssumeRole')], [0, 1]);
  });

  it('assumes the role with the container credentials, sending AWS_CONTAINER_AUTHORIZATION_TOKEN or the _FILE one', async () => {
    const tokenFile = join(work, 'container-token');
    writeFileSync(tokenFile, meta.authorizationToken);
    for (const [name, variables] of [
      ['AWS_CONTAINER_AUTHORIZATION_TOKEN', { AWS_CONTAINER_AUTHORIZATION_TOKEN: meta.authorizationToken }],
      ['AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE', { AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'the-file-wins' }],
    ] as const) {
      emu.reset();
      const home = newHome(config);
      const containerEnv = env(home, { AWS_CONTAINER_CREDENTIALS_FULL_URI: meta.containerUri(), ...variables });
      const { result, seen } = await metadataRequests(() => runAssume(['--format', 'json', 'ecs'], containerEnv));
      const issued = meta.issued.at(-1);
      assert.ok(issued);
      secrets.add(issued.secretAccessKey);
      secrets.add(issued.sessionToken);
      const credentials = succeeded(result);
      assert.deepEqual(
        seen.map((r) => [r.method, r.path, r.target, r.authorization, r.status]),
        [['GET', '/v2/credentials/task-role', 'container', meta.authorizationToken, 200]],
        name,
      );
      const hops = emu.requests.filter((r) => r.action === 'AssumeRole');
      assert.deepEqual(
        hops.map((r) => [r.accessKeyId, r.hasSessionToken, r.params.RoleArn, r.params.RoleSessionName]),
        [[issued.accessKeyId, true, FROM_INSTANCE_ROLE, 'from-task']],
        name,
      );
      assert.equal(await callerArn(credentials), 'arn:aws:sts::777777777777:assumed-role/FromInstance/from-task');
    }
  });

  it('fails with exit 7 naming the endpoint when the instance metadata service cannot be reached', async () => {
    const home = newHome(config);
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    failed(
      await runAssume(['--format', 'json', 'ec2'], env(home, { AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint })),
      7,
      `assume: the instance metadata service at ${endpoint} (credential_source = Ec2InstanceMetadata of profile "ec2") could not be reached (ECONNREFUSED) (the IMDSv2 token request (PUT /latest/api/token))\n` +
        '  hint: Run assume on an EC2 instance with an instance profile, or point AWS_EC2_METADATA_SERVICE_ENDPOINT at a reachable endpoint.\n',
    );
    assert.equal(emu.count(), 0);
  });

  it('fails with exit 7 naming the endpoint when the container credentials endpoint cannot be reached', async () => {
    const home = newHome(config);
    const uri = `http://127.0.0.1:${await freePort()}/v2/credentials/task-role`;
    failed(
      await runAssume(['--format', 'json', 'ecs'], env(home, { AWS_CONTAINER_CREDENTIALS_FULL_URI: uri, AWS_CONTAINER_AUTHORIZATION_TOKEN: meta.authorizationToken })),
      7,
      `assume: the container credentials endpoint at ${uri} (credential_source = EcsContainer of profile "ecs") could not be reached (ECONNREFUSED)\n` +
        '  hint: Check that the ECS agent or EKS Pod Identity agent is running and reachable from here.\n',
    );
    assert.equal(emu.count(), 0);
  });

  it('fails with exit 5 when EcsContainer is configured and no container variable is set, before any request', async () => {
    const home = newHome(config);
    const before = meta.requests.length;
    failed(
      await runAssume(['--format', 'json', 'ecs'], env(home)),
      5,
      `assume: credential_source = EcsContainer in profile "ecs" (${placeOf(home, config, 'credential_source = EcsContainer')}), but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set\n` +
        '  hint: Run inside an ECS task or an EKS pod with a role (they set these variables), or use another credential_source.\n',
    );
    assert.equal(meta.requests.length, before);
    assert.equal(emu.count(), 0);
  });
});
