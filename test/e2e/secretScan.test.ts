/**
 * No secret on stderr: a representative set of failing and succeeding commands, each run
 * through the real bin/assume, plain and with --debug, while every key the emulator's users
 * hold and every set of credentials it issues is known; stderr (and the listing of
 * `assume cache list`) must hold none of them, not even a fragment. Where assume names an
 * access key id, it must be redacted as ****WXYZ.
 */
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { runAssume } from '../helpers/runAssume.js';
import type { RunResult } from '../helpers/runAssume.js';
import { SecretRegistry, addKnownUser, describeHits, makeSessionKeys, trackIssuedCredentials } from '../helpers/secretScan.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

let emu: Emulator;
let home: TempHome;
let dev: UserKeys;
let fakeSts: Server;
let fakeStsUrl = '';
const secrets = new SecretRegistry();
const mfaSerial = 'arn:aws:iam::111111111111:mfa/dev';
/** Long-term keys the emulator does not know, and a key id with a slash (a typo that reaches the signature). */
const unknownKeys = { accessKeyId: `AKIA${makeSessionKeys().accessKeyId.slice(4)}`, secretAccessKey: makeSessionKeys().secretAccessKey };
const slashKeys = { accessKeyId: `AKIA${makeSessionKeys().accessKeyId.slice(4, 12)}/${makeSessionKeys().accessKeyId.slice(4, 11)}`, secretAccessKey: makeSessionKeys().secretAccessKey };
/** What the broken STS stand-in sends before it cuts the answer short. */
const truncatedAnswer = makeSessionKeys();

before(async () => {
  emu = await startEmulator();
  trackIssuedCredentials(emu, secrets);
  dev = addKnownUser(emu, secrets, { name: 'dev', accountId: '111111111111', mfa: { serial: mfaSerial, code: '123456' } });
  secrets.addUser('unknown user', unknownKeys);
  secrets.addUser('slash user', slashKeys);
  secrets.addCredentials('truncated STS answer', truncatedAnswer);
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [dev.arn] });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/NeedsMfa', trust: [dev.arn], requireMfa: true });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Chained', trust: ['arn:aws:iam::222222222222:role/Admin'] });
  // Credentials of a session that is already over: STS says ExpiredToken.
  const expired = emu.issueRoleCredentials('arn:aws:iam::222222222222:role/Admin', { durationSeconds: 0 });
  // An STS stand-in that starts a good answer, credentials and all, and stops mid-token.
  fakeSts = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/xml' });
    res.end(
      `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${truncatedAnswer.accessKeyId}</AccessKeyId><SecretAccessKey>${truncatedAnswer.secretAccessKey}</SecretAccessKey><SessionToken>${truncatedAnswer.sessionToken}`,
    );
  });
  await new Promise<void>((resolve) => fakeSts.listen(0, '127.0.0.1', resolve));
  fakeStsUrl = `http://127.0.0.1:${(fakeSts.address() as AddressInfo).port}`;

  home = createTempHome();
  const script = (name: string, body: string): string => {
    const file = join(home.dir, name);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
    return file;
  };
  script('cp-fails', "echo 'cannot reach the vault' >&2\nexit 1");
  script('cp-not-json', `echo 'AccessKeyId=${dev.accessKeyId} SecretAccessKey=${dev.secretAccessKey}'`);
  script('cp-bad-version', `echo '{"Version":2,"AccessKeyId":"${dev.accessKeyId}","SecretAccessKey":"${dev.secretAccessKey}"}'`);
  script('cp-expired', `echo '{"Version":1,"AccessKeyId":"${dev.accessKeyId}","SecretAccessKey":"${dev.secretAccessKey}","Expiration":"2001-01-01T00:00:00Z"}'`);
  script('cp-good', `echo '{"Version":1,"AccessKeyId":"${dev.accessKeyId}","SecretAccessKey":"${dev.secretAccessKey}"}'`);
  writeFileSync(
    home.configFile,
    `[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base

[profile chained]
role_arn = arn:aws:iam::222222222222:role/Chained
source_profile = admin

[profile mfa]
role_arn = arn:aws:iam::222222222222:role/NeedsMfa
source_profile = base
mfa_serial = ${mfaSerial}

[profile denied]
role_arn = arn:aws:iam::222222222222:role/Missing
source_profile = base

[profile from-unknown]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = unknown

[profile from-wrong-secret]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = wrong-secret

[profile from-slash]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = slash

[profile from-expired]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = expired

${['cp-fails', 'cp-not-json', 'cp-bad-version', 'cp-expired', 'cp-good']
  .map((name) => `[profile ${name}]\ncredential_process = ${join(home.dir, name)}\n\n[profile via-${name}]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = ${name}\n`)
  .join('\n')}
`,
  );
  writeFileSync(
    home.credentialsFile,
    `[base]
aws_access_key_id = ${dev.accessKeyId}
aws_secret_access_key = ${dev.secretAccessKey}

[unknown]
aws_access_key_id = ${unknownKeys.accessKeyId}
aws_secret_access_key = ${unknownKeys.secretAccessKey}

[wrong-secret]
aws_access_key_id = ${dev.accessKeyId}
aws_secret_access_key = ${unknownKeys.secretAccessKey}

[slash]
aws_access_key_id = ${slashKeys.accessKeyId}
aws_secret_access_key = ${slashKeys.secretAccessKey}

[expired]
aws_access_key_id = ${expired.accessKeyId}
aws_secret_access_key = ${expired.secretAccessKey}
aws_session_token = ${expired.sessionToken}
`,
  );
});

after(async () => {
  emu.setCredentialFactory(undefined);
  home.cleanup();
  await new Promise<void>((resolve) => fakeSts.close(() => { resolve(); }));
  await emu.close();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url, XDG_CACHE_HOME: join(home.dir, 'cache'), ...extra };
}

/** Runs bin/assume and returns the result with the hits of every known secret in its stderr. */
async function scanned(args: readonly string[], extra: Record<string, string> = {}): Promise<{ result: RunResult; hits: string }> {
  const result = await runAssume(args, env(extra), { timeoutMs: 30_000 });
  return { result, hits: describeHits(secrets.scan(result.stderr, `stderr of assume ${args.join(' ')}`)) };
}

interface Scenario {
  readonly name: string;
  readonly args: readonly string[];
  readonly code: number;
  readonly env?: Record<string, string>;
  /** Prepares the emulator (a fault) before each run. */
  readonly setup?: () => void;
}

const scenarios: readonly Scenario[] = [
  { name: 'a role assumed from static keys', args: ['--no-cache', '--format', 'json', 'admin'], code: 0 },
  { name: 'a role chain, with the success line a CI log gets', args: ['--no-cache', 'chained'], code: 0, env: { CI: 'true' } },
  { name: 'a wrong MFA code', args: ['--no-cache', '--token-code', '000000', 'mfa'], code: 6 },
  { name: 'no MFA code and no terminal to ask on', args: ['--no-cache', 'mfa'], code: 6 },
  { name: 'AccessDenied', args: ['--no-cache', 'denied'], code: 6 },
  { name: 'STS throttling every attempt', args: ['--no-cache', 'admin'], code: 7, setup: () => { emu.fault({ action: 'AssumeRole', kind: 'throttle', times: 3 }); } },
  { name: 'STS failing with 500', args: ['--no-cache', 'admin'], code: 7, setup: () => { emu.fault({ action: 'AssumeRole', kind: 'server-error', times: 3 }); } },
  { name: 'an STS answer cut short by the emulator', args: ['--no-cache', 'admin'], code: 7, setup: () => { emu.fault({ action: 'AssumeRole', kind: 'malformed', times: 3 }); } },
  { name: 'an STS answer cut short after the secret', args: ['--no-cache', 'admin'], code: 7, env: { AWS_ENDPOINT_URL_STS: '' } },
  { name: 'expired source credentials', args: ['--no-cache', 'from-expired'], code: 5 },
  { name: 'an access key id STS does not know', args: ['--no-cache', 'from-unknown'], code: 5 },
  { name: 'a secret that does not match its key', args: ['--no-cache', 'from-wrong-secret'], code: 5 },
  { name: 'an access key id with a slash in it', args: ['--no-cache', 'from-slash'], code: 5 },
  { name: 'a credential_process that fails', args: ['--no-cache', 'via-cp-fails'], code: 5 },
  { name: 'a credential_process that prints keys that are not JSON', args: ['--no-cache', 'via-cp-not-json'], code: 5 },
  { name: 'a credential_process that prints Version 2', args: ['--no-cache', 'via-cp-bad-version'], code: 5 },
  { name: 'a credential_process that prints expired keys', args: ['--no-cache', 'via-cp-expired'], code: 5 },
  { name: 'a role from a credential_process', args: ['--no-cache', 'via-cp-good'], code: 0 },
  { name: 'a profile that does not exist', args: ['--no-cache', 'nope'], code: 4 },
  { name: 'a command run with -- that fails', args: ['--no-cache', 'admin', '--', 'sh', '-c', 'exit 3'], code: 3 },
  { name: 'a command run with -- that does not exist', args: ['--no-cache', 'admin', '--', '/nonexistent/command'], code: 127 },
  { name: 'a value the cmd format cannot carry', args: ['--no-cache', '--format', 'cmd', 'admin'], code: 0 },
];

describe('no secret on stderr', () => {
  for (const scenario of scenarios) {
    for (const debug of [false, true]) {
      it(`holds for ${scenario.name}${debug ? ', with --debug' : ''}`, async () => {
        emu.reset();
        scenario.setup?.();
        const extra = scenario.env?.AWS_ENDPOINT_URL_STS === '' ? { ...scenario.env, AWS_ENDPOINT_URL_STS: fakeStsUrl } : (scenario.env ?? {});
        const { result, hits } = await scanned(debug ? ['--debug', ...scenario.args] : scenario.args, extra);
        assert.equal(hits, '', `secrets on stderr:\n${hits}`);
        assert.equal(result.code, scenario.code, result.stderr.slice(0, 2000));
      });
    }
  }

  it('holds for a config whose lines are broken around the keys', async () => {
    const cases: { name: string; credentials: string }[] = [
      { name: 'a key line without =', credentials: `[base]\naws_access_key_id ${dev.accessKeyId}\naws_secret_access_key = ${dev.secretAccessKey}\n` },
      { name: 'a secret line without =', credentials: `[base]\naws_access_key_id = ${dev.accessKeyId}\naws_secret_access_key ${dev.secretAccessKey}\n` },
      { name: 'a secret written twice', credentials: `[base]\naws_access_key_id = ${dev.accessKeyId}\naws_secret_access_key = ${dev.secretAccessKey}\naws_secret_access_key = ${dev.secretAccessKey}\n` },
      { name: 'keys before any section', credentials: `aws_access_key_id = ${dev.accessKeyId}\naws_secret_access_key = ${dev.secretAccessKey}\n[base]\n` },
      { name: 'a secret indented under the key id', credentials: `[base]\naws_access_key_id = ${dev.accessKeyId}\n  aws_secret_access_key = ${dev.secretAccessKey}\n` },
      { name: 'a secret indented under role_arn', credentials: `[base]\naws_access_key_id = ${dev.accessKeyId}\naws_secret_access_key = ${dev.secretAccessKey}\n[admin2]\nrole_arn = arn:aws:iam::222222222222:role/Admin\n  aws_secret_access_key = ${dev.secretAccessKey}\nsource_profile = base\n` },
      { name: 'a secret indented under mfa_serial', credentials: `[base]\naws_access_key_id = ${dev.accessKeyId}\naws_secret_access_key = ${dev.secretAccessKey}\n[admin2]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = base\nmfa_serial = ${mfaSerial}\n  aws_secret_access_key = ${dev.secretAccessKey}\n` },
      { name: 'a session token indented under a key id', credentials: `[base]\naws_access_key_id = ${dev.accessKeyId}\n\taws_session_token = ${truncatedAnswer.sessionToken}\naws_secret_access_key = ${dev.secretAccessKey}\n` },
    ];
    const broken = createTempHome('', '');
    const failures: string[] = [];
    try {
      for (const { name, credentials } of cases) {
        writeFileSync(broken.credentialsFile, credentials);
        for (const target of ['admin2', 'base']) {
          for (const debug of [false, true]) {
            const args = [...(debug ? ['--debug'] : []), '--no-cache', target];
            const result = await runAssume(args, { HOME: broken.dir, AWS_ENDPOINT_URL_STS: emu.url }, { timeoutMs: 30_000 });
            const hits = secrets.scan(result.stderr, `stderr of assume ${args.join(' ')}, ${name}`);
            if (hits.length > 0) failures.push(describeHits(hits));
          }
        }
      }
    } finally {
      broken.cleanup();
    }
    assert.deepEqual(failures, []);
  });

  it('holds for assume cache list and cache clear, and the listing names no key', async () => {
    const cached = await runAssume(['--format', 'json', 'admin'], env(), { timeoutMs: 30_000 });
    assert.equal(cached.code, 0, cached.stderr);
    for (const args of [['cache', 'list'], ['cache', 'list', '--json'], ['cache', 'clear']]) {
      const result = await runAssume(args, env(), { timeoutMs: 30_000 });
      assert.equal(result.code, 0, result.stderr);
      secrets.assertClean(result.stderr, `stderr of assume ${args.join(' ')}`);
      secrets.assertClean(result.stdout, `stdout of assume ${args.join(' ')}`);
    }
  });

  it('finds what it must find: the scanner sees a whole secret, a fragment, and lets a redacted key id pass', () => {
    const registry = new SecretRegistry();
    registry.addUser('dev', dev);
    assert.equal(registry.scan(`key ****${dev.accessKeyId.slice(-4)}`, 'text').length, 0);
    assert.equal(registry.scan(`key ${dev.accessKeyId}`, 'text').length, 1);
    assert.equal(registry.scan(`secret ...${dev.secretAccessKey.slice(10, 30)}...`, 'text').length, 1);
    assert.equal(registry.scan(`key ${dev.accessKeyId.slice(0, 12)}`, 'text').length, 1);
  });
});
