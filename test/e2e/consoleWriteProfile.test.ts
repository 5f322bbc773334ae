import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { closedUrl } from '../helpers/closedUrl.js';
import { runAssume, runCommand } from '../helpers/runAssume.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

let emu: Emulator;
let user: UserKeys;
let home: TempHome;
let cacheHome: string;
const adminRole = 'arn:aws:iam::222222222222:role/Admin';

function configText(u: UserKeys): string {
  return `[profile base]
aws_access_key_id = ${u.accessKeyId}
aws_secret_access_key = ${u.secretAccessKey}

[profile admin]
role_arn = ${adminRole}
source_profile = base
region = eu-west-1
`;
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: home.dir,
    XDG_CACHE_HOME: cacheHome,
    AWS_ENDPOINT_URL_STS: emu.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

/** The sign-in URL works at the emulator's federation endpoint: a 302 to the console page. */
async function assertLogin(url: string, destination: string): Promise<void> {
  const response = await fetch(url, { redirect: 'manual' });
  assert.equal(response.status, 302);
  assert.equal(response.headers.get('location'), destination);
}

before(async () => {
  emu = await startEmulator();
  user = emu.addUser({ name: 'dev', accountId: '111111111111' });
  emu.addRole({ arn: adminRole, trust: [user.arn] });
});
after(async () => {
  await emu.close();
});
afterEach(() => {
  home.cleanup();
  rmSync(cacheHome, { recursive: true, force: true });
});
beforeEach(() => {
  home = createTempHome(configText(user), '');
  cacheHome = mkdtempSync(join(tmpdir(), 'assume-cache-'));
  emu.reset();
});

describe('assume console', () => {
  it('prints a sign-in URL alone on stdout, whose SigninToken the federation endpoint accepts', async () => {
    const result = await runAssume(['console', 'admin', '--federation-endpoint', emu.federationUrl], env());
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^http:\/\/127\.0\.0\.1:\d+\/federation\?Action=login&Issuer=assume&Destination=[^&\s]+&SigninToken=[\w-]+\n$/);
    await assertLogin(result.stdout.trim(), 'https://console.aws.amazon.com/console/home?region=eu-west-1');
    assert.deepEqual(
      emu.federationRequests.map((r) => [r.action, r.status]),
      [
        ['getSigninToken', 200],
        ['login', 302],
      ],
    );
    assert.equal(emu.federationRequests[0]?.sessionDuration, undefined);
    // Again, from the cache (no STS call): still a URL, never the credentials.
    const again = await runAssume(['console', 'admin', '--federation-endpoint', emu.federationUrl], env());
    assert.equal(again.code, 0, again.stderr);
    assert.equal(emu.count('AssumeRole'), 1);
    await assertLogin(again.stdout.trim(), 'https://console.aws.amazon.com/console/home?region=eu-west-1');
  });

  it('takes the endpoint from ASSUME_FEDERATION_ENDPOINT with --console, and the page from ASSUME_CONSOLE_DESTINATION', async () => {
    const destination = 'https://console.aws.amazon.com/iam/home#/roles';
    const result = await runAssume(['--console', 'admin'], env({ ASSUME_FEDERATION_ENDPOINT: emu.federationUrl, ASSUME_CONSOLE_DESTINATION: destination }));
    assert.equal(result.code, 0, result.stderr);
    await assertLogin(result.stdout.trim(), destination);
  });

  it('with --open, starts $BROWSER with the URL as its one argument and prints nothing on stdout', async () => {
    const record = join(home.dir, 'browser-args');
    const browser = join(home.dir, 'browser.sh');
    writeFileSync(browser, `#!/bin/sh\nprintf '%s\\n' "$#" "$@" > '${record}.tmp'\nmv '${record}.tmp' '${record}'\n`, { mode: 0o700 });
    const result = await runAssume(['console', 'admin', '--open', '--federation-endpoint', emu.federationUrl], env({ BROWSER: browser }));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, 'assume: opened the AWS console in the browser (BROWSER); the sign-in link works for 15 minutes\n');
    // The browser runs detached: wait for its record (generously, the machine is shared).
    const deadline = Date.now() + 30_000;
    let recorded: string | undefined;
    while (recorded === undefined && Date.now() < deadline) {
      try {
        recorded = readFileSync(record, 'utf8');
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    assert.ok(recorded !== undefined, 'the browser was started');
    const [count, url] = recorded.split('\n');
    assert.equal(count, '1');
    assert.ok(url !== undefined);
    assert.ok(!result.stderr.includes(url));
    await assertLogin(url, 'https://console.aws.amazon.com/console/home?region=eu-west-1');
  });

  it('refuses long-term keys with a hint, before calling the endpoint', async () => {
    const result = await runAssume(['console', 'base', '--federation-endpoint', emu.federationUrl], env());
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^assume: long-term keys \(\*\*\*\*\w{4}\) cannot sign in to the AWS console/);
    assert.match(result.stderr, /hint: Use a profile that assumes a role/);
    assert.equal(emu.federationRequests.length, 0);
  });

  it('fails cleanly when the endpoint cannot be reached, or answers badly', async () => {
    const unreachable = await runAssume(['console', 'admin', '--federation-endpoint', `${await closedUrl()}/federation`], env());
    assert.equal(unreachable.code, 7);
    assert.equal(unreachable.stdout, '');
    assert.match(unreachable.stderr, /^assume: the console federation endpoint http:\/\/127\.0\.0\.1:\d+\/federation could not be reached: ECONNREFUSED\n/);
    emu.fault({ action: 'getSigninToken', kind: 'malformed' });
    const malformed = await runAssume(['console', 'admin', '--federation-endpoint', emu.federationUrl], env());
    assert.equal(malformed.code, 7);
    assert.match(malformed.stderr, /without a SigninToken/);
    const plain = await runAssume(['console', 'admin', '--federation-endpoint', 'http://signin.example/federation'], env());
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /--federation-endpoint must be an https:\/\/ URL/);
  });
});

describe('assume PROFILE --write-profile NAME', () => {
  const existing = '# my keys\r\n[work]\r\nregion = eu-west-1\r\n; end\r\n[tmp]\r\n; old session\r\naws_access_key_id = ASIAOLD\r\naws_session_token = old\r\noutput = json\r\n';

  async function awsGet(key: string, profile: string): Promise<string> {
    const result = await runCommand('/usr/bin/aws', ['configure', 'get', key, '--profile', profile], { HOME: home.dir, PATH: process.env.PATH ?? '/usr/bin:/bin' });
    assert.equal(result.code, 0, result.stderr);
    return result.stdout.trim();
  }

  it('writes usable credentials in place, 0600, keeping every other byte, and prints nothing on stdout', async () => {
    writeFileSync(home.credentialsFile, existing);
    chmodSync(home.credentialsFile, 0o644);
    const result = await runAssume(['admin', '--write-profile', 'tmp'], env());
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `assume: wrote [tmp] to ${home.credentialsFile}\n`);
    const keyId = await awsGet('aws_access_key_id', 'tmp');
    const secret = await awsGet('aws_secret_access_key', 'tmp');
    const token = await awsGet('aws_session_token', 'tmp');
    assert.equal(emu.sessionInfo(keyId)?.arn.startsWith('arn:aws:sts::222222222222:assumed-role/Admin/'), true);
    assert.equal(await awsGet('output', 'tmp'), 'json');
    assert.equal(await awsGet('region', 'work'), 'eu-west-1');
    const text = readFileSync(home.credentialsFile, 'utf8');
    const expires = /x_security_token_expires = (\S+)\r\n/.exec(text)?.[1] ?? '';
    assert.match(expires, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(
      text,
      `# my keys\r\n[work]\r\nregion = eu-west-1\r\n; end\r\n[tmp]\r\n; old session\r\naws_access_key_id = ${keyId}\r\naws_session_token = ${token}\r\naws_secret_access_key = ${secret}\r\nx_security_token_expires = ${expires}\r\noutput = json\r\n`,
    );
    assert.equal(statSync(home.credentialsFile).mode & 0o777, 0o600);
    // The written profile is usable as it is: assume reads it back as static credentials.
    const whoami = await runAssume(['tmp', '--format', 'json'], env());
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.equal((JSON.parse(whoami.stdout) as { AccessKeyId: string }).AccessKeyId, keyId);
  });

  it('writes through a symlinked credentials file and keeps the link', async () => {
    const real = join(home.dir, 'dotfiles-credentials');
    writeFileSync(real, '[work]\nregion = x\n');
    rmSync(home.credentialsFile);
    symlinkSync(real, home.credentialsFile);
    const result = await runAssume(['admin', '--write-profile', 'tmp'], env());
    assert.equal(result.code, 0, result.stderr);
    assert.equal(lstatSync(home.credentialsFile).isSymbolicLink(), true);
    assert.equal(readlinkSync(home.credentialsFile), real);
    assert.match(readFileSync(real, 'utf8'), /^\[work\]\nregion = x\n\n\[tmp\]\naws_access_key_id = ASIA/);
    assert.equal(statSync(real).mode & 0o777, 0o600);
    assert.equal((await awsGet('aws_access_key_id', 'tmp')).startsWith('ASIA'), true);
  });

  it('refuses to overwrite the source profile holding the long-term keys, and writes nothing', async () => {
    const keys = `[base]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`;
    writeFileSync(join(home.dir, '.aws', 'config'), '[profile admin]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = base\n');
    writeFileSync(home.credentialsFile, keys);
    const result = await runAssume(['admin', '--write-profile', 'base'], env());
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^assume: --write-profile base would overwrite the long-term keys \(\*\*\*\*\w{4}\) of profile "base" at .*credentials:2\n {2}hint: /);
    assert.equal(readFileSync(home.credentialsFile, 'utf8'), keys);
  });

  it('creates a missing ~/.aws/credentials and folder', async () => {
    rmSync(join(home.dir, '.aws'), { recursive: true });
    const config = join(home.dir, 'config');
    writeFileSync(config, configText(user));
    const result = await runAssume(['admin', '--write-profile', 'tmp'], env({ AWS_CONFIG_FILE: config }));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(statSync(join(home.dir, '.aws')).mode & 0o777, 0o700);
    assert.match(readFileSync(home.credentialsFile, 'utf8'), /^\[tmp\]\naws_access_key_id = ASIA\w+\naws_secret_access_key = \S+\naws_session_token = \S+\nx_security_token_expires = \S+\n$/);
    renameSync(config, join(home.dir, '.aws', 'config'));
    assert.equal((await awsGet('aws_access_key_id', 'tmp')).startsWith('ASIA'), true);
  });
});
