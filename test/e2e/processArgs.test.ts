/**
 * Secrets never travel in process arguments, where any user of the machine can read them
 * (/proc/PID/cmdline, ps): `assume PROFILE -- CMD` hands the credentials to CMD in its
 * environment only, and a credential_process is started without them. Each child here records
 * its own /proc/self/cmdline and its parent's (assume's) while it runs.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, SessionKeys, UserKeys } from '../emulator/emulator.js';
import { runAssume } from '../helpers/runAssume.js';
import { SecretRegistry, addKnownUser, trackIssuedCredentials } from '../helpers/secretScan.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

let emu: Emulator;
let home: TempHome;
let dev: UserKeys;
const secrets = new SecretRegistry();
const issued: SessionKeys[] = [];

/** What a recorder child writes: the argv of itself and of its parent, and the credentials in its environment. */
interface Recording {
  readonly self: string[];
  readonly parent: string[];
  readonly env: { AWS_ACCESS_KEY_ID?: string; AWS_SECRET_ACCESS_KEY?: string; AWS_SESSION_TOKEN?: string };
}

const recorderSource = `import { readFileSync, writeFileSync } from 'node:fs';
const argv = (pid) => readFileSync('/proc/' + pid + '/cmdline', 'utf8').split('\\0').filter((arg) => arg !== '');
const [out, print] = process.argv.slice(2);
const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
writeFileSync(out, JSON.stringify({ self: argv('self'), parent: argv(process.ppid), env: { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } }));
if (print !== undefined) process.stdout.write(readFileSync(print, 'utf8'));
`;

let recorder = '';
const out = (name: string): string => join(home.dir, `${name}.json`);
const recording = (name: string): Recording => JSON.parse(readFileSync(out(name), 'utf8')) as Recording;

before(async () => {
  emu = await startEmulator();
  trackIssuedCredentials(emu, secrets, (_context, keys) => issued.push(keys));
  dev = addKnownUser(emu, secrets, { name: 'dev', accountId: '111111111111' });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [dev.arn] });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Chained', trust: ['arn:aws:iam::222222222222:role/Admin'] });
  home = createTempHome();
  recorder = join(home.dir, 'recorder.mjs');
  writeFileSync(recorder, recorderSource);
  // What the credential_process prints: the user's keys, as a vault would.
  const printed = join(home.dir, 'printed.json');
  writeFileSync(printed, JSON.stringify({ Version: 1, AccessKeyId: dev.accessKeyId, SecretAccessKey: dev.secretAccessKey }));
  writeFileSync(
    home.configFile,
    `[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base

[profile chained]
role_arn = arn:aws:iam::222222222222:role/Chained
source_profile = admin

[profile vault]
credential_process = ${process.execPath} ${recorder} ${out('credential-process')} ${printed}

[profile from-vault]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = vault
`,
  );
  writeFileSync(home.credentialsFile, `[base]\naws_access_key_id = ${dev.accessKeyId}\naws_secret_access_key = ${dev.secretAccessKey}\n`);
});

after(async () => {
  emu.setCredentialFactory(undefined);
  home.cleanup();
  await emu.close();
});

function assertNoSecretIn(argv: readonly string[], whose: string): void {
  secrets.assertClean(argv.join(' '), `the arguments of ${whose}`);
}

describe('assume PROFILE -- CMD', () => {
  for (const profile of ['admin', 'chained']) {
    it(`gives ${profile}'s credentials to the command in its environment, and to no process in its arguments`, async () => {
      issued.length = 0;
      const result = await runAssume(['--no-cache', profile, '--', process.execPath, recorder, out(`child-${profile}`)], { HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url });
      assert.equal(result.code, 0, result.stderr);
      secrets.assertClean(result.stderr, 'stderr');
      const seen = recording(`child-${profile}`);
      assert.deepEqual(seen.self.slice(1), [recorder, out(`child-${profile}`)], 'the command runs with exactly the arguments given');
      assert.ok(seen.parent.includes(profile) && seen.parent.includes('--'), `the parent is assume: ${seen.parent.join(' ')}`);
      assertNoSecretIn(seen.self, 'the command');
      assertNoSecretIn(seen.parent, 'assume, seen by the command');
      const final = issued.at(-1);
      assert.ok(final !== undefined);
      assert.deepEqual(seen.env, { AWS_ACCESS_KEY_ID: final.accessKeyId, AWS_SECRET_ACCESS_KEY: final.secretAccessKey, AWS_SESSION_TOKEN: final.sessionToken });
    });
  }
});

describe('a credential_process source', () => {
  it('is started without any secret in its arguments or in assume\'s, and the command after -- gets the role\'s credentials', async () => {
    issued.length = 0;
    const result = await runAssume(['--no-cache', 'from-vault', '--', process.execPath, recorder, out('child-from-vault')], { HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url });
    assert.equal(result.code, 0, result.stderr);
    secrets.assertClean(result.stderr, 'stderr');
    const process_ = recording('credential-process');
    assert.ok(process_.parent.includes('from-vault'), `the credential_process's parent is assume: ${process_.parent.join(' ')}`);
    assertNoSecretIn(process_.self, 'the credential_process');
    assertNoSecretIn(process_.parent, 'assume, seen by the credential_process');
    assert.deepEqual(process_.env, {}, 'the credential_process gets no credentials of its own');
    const child = recording('child-from-vault');
    assertNoSecretIn(child.self, 'the command');
    assertNoSecretIn(child.parent, 'assume, seen by the command');
    const final = issued.at(-1);
    assert.ok(final !== undefined);
    assert.equal(child.env.AWS_ACCESS_KEY_ID, final.accessKeyId);
    assert.equal(child.env.AWS_SECRET_ACCESS_KEY, final.secretAccessKey);
    assert.equal(child.env.AWS_SESSION_TOKEN, final.sessionToken);
  });

  it('keeps the secrets out of the arguments when the credentials to assume from are in the environment', async () => {
    issued.length = 0;
    const result = await runAssume(['--no-cache', '--role-arn', 'arn:aws:iam::222222222222:role/Admin', '--', process.execPath, recorder, out('child-env')], {
      HOME: home.dir,
      AWS_ENDPOINT_URL_STS: emu.url,
      AWS_ACCESS_KEY_ID: dev.accessKeyId,
      AWS_SECRET_ACCESS_KEY: dev.secretAccessKey,
    });
    assert.equal(result.code, 0, result.stderr);
    const child = recording('child-env');
    assertNoSecretIn(child.self, 'the command');
    assertNoSecretIn(child.parent, 'assume, seen by the command');
    assert.equal(child.env.AWS_ACCESS_KEY_ID, issued.at(-1)?.accessKeyId, 'the command gets the role, not the keys assume started from');
  });
});
