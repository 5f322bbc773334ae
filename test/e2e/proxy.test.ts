/**
 * End to end: the real bin/assume through a proxy and over TLS with a private CA, as behind a
 * corporate proxy. The STS emulator and the SSO fake speak plain http on 127.0.0.1; a TLS
 * front (a throwaway CA and server certificate made with openssl) puts https in front of them,
 * and a recording forward proxy sits between assume and either. Nothing leaves 127.0.0.1.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { formatCacheTime, saveSsoToken, ssoCacheDir, tokenCacheKey } from '../../src/sources/sso/ssoTokenCache.js';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { startSsoFake } from '../emulator/sso.js';
import type { SsoFake } from '../emulator/sso.js';
import { closedUrl } from '../helpers/closedUrl.js';
import { startProxyServer } from '../helpers/proxyServer.js';
import type { ProxyServer } from '../helpers/proxyServer.js';
import { runAssume } from '../helpers/runAssume.js';
import type { RunResult } from '../helpers/runAssume.js';
import { createTlsMaterial, startTlsFront } from '../helpers/tlsFront.js';
import type { TlsFront, TlsMaterial } from '../helpers/tlsFront.js';

const ADMIN_ROLE = 'arn:aws:iam::222222222222:role/Admin';
const SSO_ACCOUNT = '444444444444';
const START_URL = 'https://corp.awsapps.com/start';
/** The proxy's password: it must never show on stderr. */
const PROXY_PASSWORD = 'pr0xy-s3cret';
const PROXY_CREDENTIALS = `alice:${PROXY_PASSWORD}`;

let emu: Emulator;
let sso: SsoFake;
let user: UserKeys;
let tls: TlsMaterial;
/** https:// in front of the STS emulator, and of the SSO fake. */
let stsFront: TlsFront;
let ssoFront: TlsFront;
let work: string;
let homes = 0;
const proxies: ProxyServer[] = [];

before(async () => {
  emu = await startEmulator();
  user = emu.addUser({ name: 'alice' });
  emu.addRole({ arn: ADMIN_ROLE, trust: [user.arn] });
  sso = await startSsoFake({ emulator: emu });
  sso.assign(SSO_ACCOUNT, 'Developer');
  tls = createTlsMaterial();
  stsFront = await startTlsFront(emu.url, tls);
  ssoFront = await startTlsFront(sso.url, tls);
  work = mkdtempSync(join(tmpdir(), 'assume-proxy-'));
});

after(async () => {
  await Promise.all([stsFront.close(), ssoFront.close(), ...proxies.map((proxy) => proxy.close())]);
  await Promise.all([sso.close(), emu.close()]);
  tls.cleanup();
  rmSync(work, { recursive: true, force: true });
});

beforeEach(() => {
  emu.reset();
  sso.reset();
});

async function proxy(options: Parameters<typeof startProxyServer>[0] = {}): Promise<ProxyServer> {
  const started = await startProxyServer(options);
  proxies.push(started);
  return started;
}

/** `http://alice:pr0xy-s3cret@127.0.0.1:PORT`: a proxy URL with its credentials, as users set HTTPS_PROXY. */
function withCredentials(url: string): string {
  return url.replace('//', `//${PROXY_CREDENTIALS}@`);
}

/** A HOME of its own, with the keys profile `base` and the role profile `admin`, and an empty credential cache. */
function newHome(): string {
  const dir = join(work, `home-${++homes}`);
  mkdirSync(join(dir, '.aws'), { recursive: true, mode: 0o700 });
  writeFileSync(
    join(dir, '.aws', 'config'),
    `[profile base]
aws_access_key_id = ${user.accessKeyId}
aws_secret_access_key = ${user.secretAccessKey}
region = eu-west-1

[profile admin]
role_arn = ${ADMIN_ROLE}
source_profile = base

[sso-session corp]
sso_start_url = ${START_URL}
sso_region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = ${SSO_ACCOUNT}
sso_role_name = Developer
region = eu-central-1
`,
    { mode: 0o600 },
  );
  return dir;
}

/** Only what a test gives, plus HOME and a cache of its own: no proxy variable of the machine running the tests leaks in. */
function env(home: string, extra: Record<string, string>): Record<string, string> {
  return { HOME: home, XDG_CACHE_HOME: join(home, 'cache'), USER: 'ci-bot', ...extra };
}

function succeeded(result: RunResult): { AccessKeyId: string } {
  assert.equal(result.code, 0, `exit code; stderr was: ${result.stderr}`);
  assert.equal(result.stderr, '');
  const credentials = JSON.parse(result.stdout) as { AccessKeyId: string };
  assert.match(credentials.AccessKeyId, /^ASIA[A-Z0-9]{16}$/);
  return credentials;
}

function failed(result: RunResult, code: number): string {
  assert.equal(result.code, code, `exit code; stderr was: ${result.stderr}`);
  assert.equal(result.stdout, '');
  assert.ok(!result.stderr.includes(PROXY_PASSWORD), `the proxy password showed on stderr: ${result.stderr}`);
  assert.ok(!result.stderr.includes(user.secretAccessKey), 'the secret key showed on stderr');
  return result.stderr;
}

const json = ['--format', 'json'];

describe('AWS_CA_BUNDLE', () => {
  it('trusts the CA of the bundle for an https STS endpoint', async () => {
    const home = newHome();
    succeeded(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: stsFront.url, AWS_CA_BUNDLE: tls.caFile })));
    assert.equal(emu.count('AssumeRole'), 1);
  });

  it('fails with exit 7 and points at AWS_CA_BUNDLE when the endpoint is signed by a CA the system does not trust', async () => {
    const home = newHome();
    const stderr = failed(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: stsFront.url })), 7);
    assert.equal(
      stderr,
      `assume: could not reach STS at ${stsFront.url} for assuming ${ADMIN_ROLE} (profile "admin"): the TLS certificate of 127.0.0.1 is not trusted by the system's certificate authorities: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)\n` +
        '  hint: If the endpoint, or a proxy that inspects TLS, uses a certificate authority of your organisation, set AWS_CA_BUNDLE to a PEM file of that CA.\n',
    );
    assert.equal(emu.count(), 0);
  });

  it('names the bundle when the endpoint is signed by a CA that is not in it', async () => {
    const home = newHome();
    const other = createTlsMaterial();
    try {
      const stderr = failed(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: stsFront.url, AWS_CA_BUNDLE: other.caFile })), 7);
      assert.equal(
        stderr,
        `assume: could not reach STS at ${stsFront.url} for assuming ${ADMIN_ROLE} (profile "admin"): the TLS certificate of 127.0.0.1 is not trusted by the system's certificate authorities nor those of AWS_CA_BUNDLE (${other.caFile}): unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)\n` +
          `  hint: Check that AWS_CA_BUNDLE (${other.caFile}) holds, in PEM, the certificate authority that signed the certificate of 127.0.0.1 (or of the proxy that inspects TLS).\n`,
      );
    } finally {
      other.cleanup();
    }
  });

  it('fails with exit 3, naming the file, when the bundle cannot be read', async () => {
    const home = newHome();
    const missing = join(home, 'no-such-ca.pem');
    const stderr = failed(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: stsFront.url, AWS_CA_BUNDLE: missing })), 3);
    assert.equal(
      stderr,
      `assume: cannot read the certificate bundle ${missing} named by AWS_CA_BUNDLE (ENOENT)\n` +
        '  hint: Set AWS_CA_BUNDLE to a readable PEM file of the certificate authorities to trust, or unset it.\n',
    );
    assert.equal(emu.count(), 0);
  });
});

describe('HTTPS_PROXY', () => {
  it('tunnels the STS call through the proxy with CONNECT, sending the credentials of the proxy URL', async () => {
    const home = newHome();
    const through = await proxy({ credentials: PROXY_CREDENTIALS });
    succeeded(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: stsFront.url, AWS_CA_BUNDLE: tls.caFile, HTTPS_PROXY: withCredentials(through.url) })));
    assert.deepEqual(through.records, [{ method: 'CONNECT', target: `127.0.0.1:${stsFront.port}`, credentials: PROXY_CREDENTIALS, status: 200 }]);
    assert.equal(emu.count('AssumeRole'), 1);
  });

  it('reads the lower-case https_proxy too', async () => {
    const home = newHome();
    const through = await proxy();
    succeeded(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: stsFront.url, AWS_CA_BUNDLE: tls.caFile, https_proxy: through.url })));
    assert.deepEqual(
      through.records.map((record) => [record.method, record.target]),
      [['CONNECT', `127.0.0.1:${stsFront.port}`]],
    );
  });

  it('goes direct to a host NO_PROXY lists', async () => {
    const home = newHome();
    const through = await proxy();
    succeeded(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: stsFront.url, AWS_CA_BUNDLE: tls.caFile, HTTPS_PROXY: through.url, NO_PROXY: 'example.com, 127.0.0.1' })));
    assert.deepEqual(through.records, []);
    assert.equal(emu.count('AssumeRole'), 1);
  });

  it('does not use HTTPS_PROXY for an http:// endpoint', async () => {
    const home = newHome();
    const through = await proxy();
    succeeded(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: emu.url, HTTPS_PROXY: through.url })));
    assert.deepEqual(through.records, []);
  });

  it('fails with exit 7 naming the proxy, without its password, when the proxy is down', async () => {
    const home = newHome();
    const down = await closedUrl();
    const stderr = failed(
      await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: stsFront.url, AWS_CA_BUNDLE: tls.caFile, HTTPS_PROXY: withCredentials(down) })),
      7,
    );
    assert.equal(
      stderr,
      `assume: could not reach STS at ${stsFront.url} for assuming ${ADMIN_ROLE} (profile "admin"): the proxy ${down.replace('//', '//****@')} (HTTPS_PROXY) could not be reached (ECONNREFUSED)\n` +
        '  hint: Check HTTPS_PROXY, or add 127.0.0.1 to NO_PROXY to reach it without the proxy.\n',
    );
    assert.equal(emu.count(), 0);
  });

  it('fails with exit 7 when the proxy wants other credentials (407 to the CONNECT)', async () => {
    const home = newHome();
    const strict = await proxy({ credentials: 'alice:the-right-one' });
    const stderr = failed(
      await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: stsFront.url, AWS_CA_BUNDLE: tls.caFile, HTTPS_PROXY: withCredentials(strict.url) })),
      7,
    );
    assert.equal(
      stderr,
      `assume: could not reach STS at ${stsFront.url} for assuming ${ADMIN_ROLE} (profile "admin"): the proxy ${strict.url.replace('//', '//****@')} (HTTPS_PROXY) refused the request: it wants credentials it was not given or did not accept (HTTP 407 Proxy Authentication Required)\n` +
        '  hint: Put the proxy\'s user and password in HTTPS_PROXY (http://user:password@host:port, percent-encoded), or add 127.0.0.1 to NO_PROXY to reach it without the proxy.\n',
    );
    assert.deepEqual(
      strict.records.map((record) => [record.method, record.status]),
      [['CONNECT', 407]],
      'refused once: a 407 is not retried',
    );
    assert.equal(emu.count(), 0);
  });

  it('fails with exit 7 when the proxy refuses to open the tunnel', async () => {
    const home = newHome();
    const refusing = await proxy({ refuse: 403 });
    const stderr = failed(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: stsFront.url, AWS_CA_BUNDLE: tls.caFile, HTTPS_PROXY: refusing.url })), 7);
    assert.equal(
      stderr,
      `assume: could not reach STS at ${stsFront.url} for assuming ${ADMIN_ROLE} (profile "admin"): the proxy ${refusing.url} (HTTPS_PROXY) would not open a connection to 127.0.0.1 (HTTP 403 Forbidden)\n` +
        '  hint: Check HTTPS_PROXY, or add 127.0.0.1 to NO_PROXY to reach it without the proxy.\n',
    );
  });

  it('fails with exit 3 for a proxy URL it cannot use, without showing the password', async () => {
    const home = newHome();
    const stderr = failed(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: stsFront.url, HTTPS_PROXY: `socks5://${PROXY_CREDENTIALS}@127.0.0.1:1080` })), 3);
    assert.equal(
      stderr,
      'assume: HTTPS_PROXY is not a proxy URL assume can use: socks5://****@127.0.0.1:1080\n' +
        '  hint: Set HTTPS_PROXY to http://host:port (or https://, with user:password@ before the host when the proxy asks for them); SOCKS proxies are not supported.\n',
    );
  });
});

describe('HTTP_PROXY', () => {
  it('forwards a call to an http:// STS endpoint through the proxy', async () => {
    const home = newHome();
    const through = await proxy({ credentials: PROXY_CREDENTIALS });
    succeeded(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: emu.url, HTTP_PROXY: withCredentials(through.url) })));
    assert.deepEqual(through.records, [{ method: 'POST', target: `${emu.url}/`, credentials: PROXY_CREDENTIALS, status: 200 }]);
    assert.equal(emu.count('AssumeRole'), 1);
  });

  it('goes direct when NO_PROXY lists the host and port', async () => {
    const home = newHome();
    const through = await proxy();
    succeeded(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: emu.url, HTTP_PROXY: through.url, NO_PROXY: new URL(emu.url).host })));
    assert.deepEqual(through.records, []);
  });

  it('fails with exit 7 when the proxy answers 407', async () => {
    const home = newHome();
    const strict = await proxy({ credentials: PROXY_CREDENTIALS });
    const stderr = failed(await runAssume([...json, 'admin'], env(home, { AWS_ENDPOINT_URL_STS: emu.url, HTTP_PROXY: strict.url })), 7);
    assert.equal(
      stderr,
      `assume: could not reach STS at ${emu.url} for assuming ${ADMIN_ROLE} (profile "admin"): the proxy ${strict.url} (HTTP_PROXY) refused the request: it wants credentials it was not given or did not accept (HTTP 407 Proxy Authentication Required)\n` +
        '  hint: Put the proxy\'s user and password in HTTP_PROXY (http://user:password@host:port, percent-encoded), or add 127.0.0.1 to NO_PROXY to reach it without the proxy.\n',
    );
    assert.equal(emu.count(), 0);
  });
});

describe('IAM Identity Center through a proxy', () => {
  async function seedToken(home: string): Promise<string> {
    const issued = sso.issueToken({ scopes: ['sso:account:access'] });
    await saveSsoToken(ssoCacheDir(home), tokenCacheKey(START_URL, 'corp'), {
      startUrl: START_URL,
      region: 'eu-west-1',
      accessToken: issued.accessToken,
      expiresAt: formatCacheTime(issued.expiresAt),
      clientId: issued.clientId,
      clientSecret: issued.clientSecret,
      registrationExpiresAt: formatCacheTime(issued.clientSecretExpiresAt),
    });
    return issued.accessToken;
  }

  it('calls GetRoleCredentials through the CONNECT tunnel, trusting AWS_CA_BUNDLE', async () => {
    const home = newHome();
    const token = await seedToken(home);
    const through = await proxy({ credentials: PROXY_CREDENTIALS });
    const result = await runAssume(
      [...json, 'dev'],
      env(home, { AWS_ENDPOINT_URL_SSO: ssoFront.url, AWS_ENDPOINT_URL_STS: emu.url, AWS_CA_BUNDLE: tls.caFile, HTTPS_PROXY: withCredentials(through.url) }),
    );
    succeeded(result);
    assert.deepEqual(through.records, [{ method: 'CONNECT', target: `127.0.0.1:${ssoFront.port}`, credentials: PROXY_CREDENTIALS, status: 200 }]);
    assert.deepEqual(
      sso.requests.map((request) => [request.operation, request.status]),
      [['GetRoleCredentials', 200]],
    );
    assert.ok(!result.stderr.includes(token));
  });

  it('forwards GetRoleCredentials to an http:// portal through HTTP_PROXY', async () => {
    const home = newHome();
    await seedToken(home);
    const through = await proxy();
    succeeded(await runAssume([...json, 'dev'], env(home, { AWS_ENDPOINT_URL_SSO: sso.url, AWS_ENDPOINT_URL_STS: emu.url, HTTP_PROXY: through.url })));
    assert.deepEqual(
      through.records.map((record) => [record.method, record.target.replace(/\?.*$/, ''), record.status]),
      [['GET', `${sso.url}/federation/credentials`, 200]],
    );
  });

  it('fails with exit 7 naming the proxy, without its password, when the proxy is down', async () => {
    const home = newHome();
    const token = await seedToken(home);
    const down = await closedUrl();
    const result = await runAssume([...json, 'dev'], env(home, { AWS_ENDPOINT_URL_SSO: ssoFront.url, AWS_CA_BUNDLE: tls.caFile, HTTPS_PROXY: withCredentials(down) }));
    const stderr = failed(result, 7);
    assert.equal(
      stderr,
      `assume: the IAM Identity Center portal at ${ssoFront.url} could not be reached: the proxy ${down.replace('//', '//****@')} (HTTPS_PROXY) could not be reached (ECONNREFUSED)\n` +
        '  hint: Check HTTPS_PROXY, or add 127.0.0.1 to NO_PROXY to reach it without the proxy.\n',
    );
    assert.ok(!stderr.includes(token));
    assert.equal(sso.count(), 0);
  });
});
