/**
 * The credential cache, its lock and the MFA session, end to end: many real bin/assume
 * processes at once against the STS emulator, an MFA prompt answered in a real terminal
 * (tmux), a lock holder killed with SIGKILL, and a cache hit that never loads the AWS SDK.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { loadBundleMeta } from '../fixtures/bundleMeta.js';
import { assumeBin, runAssume } from '../helpers/runAssume.js';
import type { RunResult } from '../helpers/runAssume.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';
import { startTmux } from '../helpers/tmux.js';

const mfaSerial = 'arn:aws:iam::111111111111:mfa/dev';
const awsCli = '/usr/bin/aws';
let emu: Emulator;
let user: UserKeys;
let home: TempHome;
let cacheHome: string;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home.dir, XDG_CACHE_HOME: cacheHome, AWS_ENDPOINT_URL_STS: emu.url, ...extra };
}

interface ProcessCredentials {
  readonly Version: number;
  readonly AccessKeyId: string;
  readonly SecretAccessKey: string;
  readonly SessionToken: string;
  readonly Expiration: string;
}

function credentialsOf(result: RunResult): ProcessCredentials {
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '');
  return JSON.parse(result.stdout) as ProcessCredentials;
}

before(async () => {
  emu = await startEmulator();
  user = emu.addUser({ name: 'dev', accountId: '111111111111', mfa: { serial: mfaSerial, code: '123456' } });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [user.arn] });
  let config = `[profile base]
aws_access_key_id = ${user.accessKeyId}
aws_secret_access_key = ${user.secretAccessKey}

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base

[profile mfa]
role_arn = arn:aws:iam::333333333333:role/Mfa0
source_profile = base
mfa_serial = ${mfaSerial}
`;
  for (let index = 0; index < 10; index++) {
    emu.addRole({ arn: `arn:aws:iam::333333333333:role/Mfa${index}`, trust: [user.arn], requireMfa: true });
    config += `\n[profile mfa-${index}]\nrole_arn = arn:aws:iam::333333333333:role/Mfa${index}\nsource_profile = base\nmfa_serial = ${mfaSerial}\n`;
  }
  home = createTempHome(config);
  // A hardware-token stand-in: prints the code and counts how often it was asked.
  const tokenScript = join(home.dir, 'token');
  writeFileSync(tokenScript, `#!/bin/sh\necho asked >> '${join(home.dir, 'token-count')}'\necho 123456\n`);
  chmodSync(tokenScript, 0o755);
  for (let index = 0; index < 10; index++) {
    config += `\n[profile token-${index}]\nrole_arn = arn:aws:iam::333333333333:role/Mfa${index}\nsource_profile = base\nmfa_serial = ${mfaSerial}\nmfa_process = ${tokenScript}\n`;
  }
  writeFileSync(home.configFile, config);
});

after(async () => {
  home.cleanup();
  await emu.close();
});

beforeEach(() => {
  emu.reset();
  cacheHome = mkdtempSync(join(home.dir, 'cache-'));
});

describe('the credential cache', () => {
  it('makes exactly one AssumeRole for 50 processes started at once on a cold cache', async (t) => {
    const started = Date.now();
    // 50 processes saturate both cores, and the emulator runs in this one: a generous STS
    // timeout keeps the SDK from retrying a slow answer, which would count as a second call.
    const results = await Promise.all(Array.from({ length: 50 }, () => runAssume(['--format', 'credential-process', '--timeout', '60', 'admin'], env())));
    t.diagnostic(`50 parallel cold calls: ${Date.now() - started} ms wall, ${emu.count('AssumeRole')} AssumeRole`);
    const credentials = results.map(credentialsOf);
    assert.equal(emu.count('AssumeRole'), 1);
    assert.equal(new Set(credentials.map((c) => c.AccessKeyId)).size, 1, 'all 50 print the same credentials');
    assert.ok(credentials.every((c) => c.Version === 1 && /^ASIA/.test(c.AccessKeyId)));
    const dir = join(cacheHome, 'assume');
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const files = readdirSync(dir);
    const entries = files.filter((f) => f.endsWith('.json'));
    assert.equal(entries.length, 1, `one entry, no leftovers: ${files.join(', ')}`);
    assert.equal(statSync(join(dir, entries[0] ?? '')).mode & 0o777, 0o600);
    const entry = JSON.parse(readFileSync(join(dir, entries[0] ?? ''), 'utf8')) as { accessKeyId: string };
    assert.equal(entry.accessKeyId, credentials[0]?.AccessKeyId);
  });

  it('answers a warm run from the cache without loading the AWS SDK', async () => {
    const preload = fileURLToPath(new URL('../fixtures/recordModuleLoads.js', import.meta.url));
    const log = join(cacheHome, 'modules.log');
    const traced = (): Promise<RunResult> =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', preload, assumeBin, '--format', 'credential-process', 'admin'], {
          env: { PATH: process.env.PATH ?? '', ...env({ ASSUME_TEST_MODULE_LOG: log }) },
          detached: true,
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.once('error', reject);
        child.once('close', (code, signal) => {
          resolve({ code, signal, stdout, stderr });
        });
      });
    // bin/assume runs the bundle: the SDK is in chunks of dist/bundle, which its metafile names.
    const bundle = loadBundleMeta();
    const sdkChunks = new Set(bundle.sdkChunks.map((chunk) => bundle.url(chunk)));
    const loadedSdkChunks = (loaded: string): string[] => loaded.split('\n').filter((url) => sdkChunks.has(url));
    credentialsOf(await traced());
    assert.notDeepEqual(loadedSdkChunks(readFileSync(log, 'utf8')), [], 'the detector sees the SDK chunks on a miss');
    writeFileSync(log, '');
    credentialsOf(await traced());
    const loaded = readFileSync(log, 'utf8');
    // A warm hit is answered by the fast entry alone (test/e2e/fastPath.test.ts checks what it loads).
    assert.ok(loaded.split('\n').includes(bundle.url('dist/bundle/fast.js')), 'the detector saw the run');
    assert.deepEqual(loadedSdkChunks(loaded), [], 'a cache hit loads no AWS SDK chunk');
    assert.doesNotMatch(loaded, /@aws-sdk|@smithy/, 'a cache hit loads no AWS SDK module');
    assert.equal(emu.count('AssumeRole'), 1);
  });

  it('never uses a corrupt entry: it is a miss, replaced by good credentials', async () => {
    credentialsOf(await runAssume(['--format', 'credential-process', 'admin'], env()));
    const dir = join(cacheHome, 'assume');
    const entry = readdirSync(dir).find((f) => f.endsWith('.json')) ?? '';
    writeFileSync(join(dir, entry), '{"version":1,"kind":"role","accessKeyId":"ASIA');
    credentialsOf(await runAssume(['--format', 'credential-process', 'admin'], env()));
    assert.equal(emu.count('AssumeRole'), 2);
  });

  it('bypasses the cache with --no-cache and renews with --refresh', async () => {
    credentialsOf(await runAssume(['--format', 'credential-process', 'admin'], env()));
    credentialsOf(await runAssume(['--format', 'credential-process', '--no-cache', 'admin'], env()));
    credentialsOf(await runAssume(['--format', 'credential-process', '--refresh', 'admin'], env()));
    credentialsOf(await runAssume(['--format', 'credential-process', 'admin'], env()));
    assert.equal(emu.count('AssumeRole'), 3);
  });

  it('lists what it holds without secrets, and clears a profile', async () => {
    const creds = credentialsOf(await runAssume(['--format', 'credential-process', 'admin'], env()));
    const list = await runAssume(['cache', 'list'], env());
    assert.equal(list.code, 0);
    assert.match(list.stdout, /^PROFILE +KIND +ROLE OR MFA DEVICE +EXPIRES \(UTC\) +LEFT\nadmin +role +arn:aws:iam::222222222222:role\/Admin +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +(59|60)m left\n$/);
    assert.ok(!list.stdout.includes(creds.SecretAccessKey) && !list.stdout.includes(creds.SessionToken) && !list.stdout.includes(creds.AccessKeyId));
    const cleared = await runAssume(['cache', 'clear', 'admin'], env());
    assert.equal(cleared.code, 0);
    assert.match(cleared.stderr, /removed 1 cached credential for profile "admin"/);
    assert.equal((await runAssume(['cache', 'list', '--json'], env())).stdout, '[]\n');
  });

  it('recovers the lock of a holder killed with SIGKILL, within a bounded time', async (t) => {
    emu.fault({ action: 'AssumeRole', kind: 'slow', delayMs: 30_000 });
    const holder = spawn(process.execPath, [assumeBin, '--format', 'credential-process', 'admin'], { env: { PATH: process.env.PATH ?? '', ...env() }, stdio: 'ignore', detached: true });
    const deadline = Date.now() + 10_000;
    while (emu.requests.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(emu.requests.length, 1, 'the holder is inside its STS call');
    const waiters = Array.from({ length: 5 }, () => runAssume(['--format', 'credential-process', 'admin'], env()));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const killedAt = Date.now();
    holder.kill('SIGKILL');
    const results = await Promise.all(waiters);
    const recovery = Date.now() - killedAt;
    t.diagnostic(`5 waiters finished ${recovery} ms after the lock holder was killed with SIGKILL`);
    results.forEach(credentialsOf);
    assert.equal(emu.count('AssumeRole'), 2, "the holder's call, then one call by the waiter that took the lock over");
    assert.ok(recovery < 3000, `recovered in ${recovery} ms`);
  });
});

describe('MFA', () => {
  it('asks mfa_process once for ten roles behind one device (one GetSessionToken)', async () => {
    for (let index = 0; index < 10; index++) credentialsOf(await runAssume(['--format', 'credential-process', `token-${index}`], env()));
    assert.equal(readFileSync(join(home.dir, 'token-count'), 'utf8'), 'asked\n');
    assert.equal(emu.count('GetSessionToken'), 1);
    assert.equal(emu.count('AssumeRole'), 10);
  });

  it('asks once on the terminal for 10 processes at once, and none of them prints the prompt on stdout or stderr', async () => {
    const out = mkdtempSync(join(home.dir, 'out-'));
    const launch = `for i in 0 1 2 3 4 5 6 7 8 9; do ${process.execPath} ${assumeBin} --format credential-process mfa > ${out}/out.$i 2> ${out}/err.$i & done; wait; echo ALL-DONE`;
    const terminal = startTmux(launch, { PATH: process.env.PATH ?? '', ...env() });
    try {
      await terminal.waitFor(/MFA code for arn:aws:iam::111111111111:mfa\/dev \(profile mfa\): *$/m, 30_000);
      terminal.type('123456');
      const screen = await terminal.waitFor(/ALL-DONE/, 60_000);
      assert.equal((screen.match(/MFA code for/g) ?? []).length, 1, `one prompt on the screen:\n${screen}`);
    } finally {
      terminal.kill();
    }
    for (let index = 0; index < 10; index++) {
      assert.equal(readFileSync(join(out, `err.${index}`), 'utf8'), '');
      assert.equal((JSON.parse(readFileSync(join(out, `out.${index}`), 'utf8')) as ProcessCredentials).Version, 1);
    }
    assert.equal(emu.count('GetSessionToken'), 1);
    assert.equal(emu.count('AssumeRole'), 1);
  });

  it('asks one code on the terminal for ten roles behind one device, used one after the other', async () => {
    const out = mkdtempSync(join(home.dir, 'out-'));
    const launch = `for i in 0 1 2 3 4 5 6 7 8 9; do ${process.execPath} ${assumeBin} --format credential-process mfa-$i > ${out}/out.$i || echo FAILED; done; echo ALL-DONE`;
    const terminal = startTmux(launch, { PATH: process.env.PATH ?? '', ...env() });
    try {
      await terminal.waitFor(/MFA code for arn:aws:iam::111111111111:mfa\/dev \(profile mfa-0\): *$/m, 30_000);
      terminal.type('123456');
      const screen = await terminal.waitFor(/ALL-DONE/, 60_000);
      assert.equal((screen.match(/MFA code for/g) ?? []).length, 1, `one prompt in total:\n${screen}`);
      assert.doesNotMatch(screen, /FAILED/);
    } finally {
      terminal.kill();
    }
    assert.equal(emu.count('GetSessionToken'), 1);
    assert.equal(emu.count('AssumeRole'), 10);
    assert.equal(new Set(Array.from({ length: 10 }, (_, i) => (JSON.parse(readFileSync(join(out, `out.${String(i)}`), 'utf8')) as ProcessCredentials).AccessKeyId)).size, 10);
  });

  it('prompts on the terminal when the AWS CLI runs assume as credential_process with stderr captured', async () => {
    assert.ok(existsSync(awsCli));
    writeFileSync(home.configFile, `${readFileSync(home.configFile, 'utf8')}\n[profile via-cli]\ncredential_process = ${process.execPath} ${assumeBin} --format credential-process mfa-3\nregion = us-east-1\n`);
    const terminal = startTmux(`${awsCli} sts get-caller-identity --profile via-cli --endpoint-url ${emu.url} --query Arn --output text; echo EXIT=$?`, { PATH: '/usr/bin:/bin', AWS_PAGER: '', ...env() });
    try {
      await terminal.waitFor(/MFA code for arn:aws:iam::111111111111:mfa\/dev \(profile mfa-3\): *$/m, 30_000);
      terminal.type('123456');
      const screen = await terminal.waitFor(/EXIT=\d+/, 30_000);
      assert.match(screen, new RegExp(`arn:aws:sts::333333333333:assumed-role/Mfa3/${userInfo().username}@assume-\\d+\nEXIT=0`));
    } finally {
      terminal.kill();
    }
  });
});
