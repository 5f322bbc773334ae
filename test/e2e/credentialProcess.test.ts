/**
 * credential_process as the source of a chain, and the recursion guard: a credential_process
 * that calls assume on a profile already being resolved fails fast, directly or through the
 * AWS CLI.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { assumeBin, runAssume, runCommand } from '../helpers/runAssume.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

let emu: Emulator;
let user: UserKeys;
let home: TempHome;
const assumeCommand = `${process.execPath} ${assumeBin} --no-cache --format credential-process`;

before(async () => {
  emu = await startEmulator();
  user = emu.addUser({ name: 'dev', accountId: '111111111111' });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [user.arn] });
  home = createTempHome();
  const printer = join(home.dir, 'print-keys');
  writeFileSync(printer, `#!/bin/sh\necho '{"Version":1,"AccessKeyId":"${user.accessKeyId}","SecretAccessKey":"${user.secretAccessKey}"}'\n`, { mode: 0o755 });
  writeFileSync(
    home.configFile,
    `[profile tool]
credential_process = ${printer}

[profile from-tool]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = tool

[profile selfish]
credential_process = ${assumeCommand} selfish

[profile loop-q]
credential_process = ${assumeCommand} loop-r
region = us-east-1

[profile loop-r]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = loop-q
`,
  );
});

after(async () => {
  home.cleanup();
  await emu.close();
});

const env = (): Record<string, string> => ({ HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url });

describe('credential_process', () => {
  it('starts a role chain from the credentials a program prints', async () => {
    emu.reset();
    const result = await runAssume(['--no-cache', '--format', 'json', 'from-tool'], env());
    assert.equal(result.code, 0, result.stderr);
    const [call] = emu.requests;
    assert.ok(call);
    assert.equal(call.accessKeyId, user.accessKeyId);
    assert.equal(call.params.RoleArn, 'arn:aws:iam::222222222222:role/Admin');
  });

  it('fails fast when a credential_process calls assume on its own profile', async () => {
    const started = Date.now();
    const result = await runAssume(['selfish'], env());
    assert.equal(result.code, 5);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^assume: the credential_process of profile "selfish" \(.*config:\d+\) failed with exit code 3: .*profile "selfish" is already being resolved by an outer assume \(selfish -> selfish\)/);
    assert.ok(Date.now() - started < 10_000);
  });

  it('fails fast on a loop through the AWS CLI (credential_process -> assume -> source_profile -> the same credential_process)', async () => {
    const result = await runCommand('/usr/bin/aws', ['sts', 'get-caller-identity', '--profile', 'loop-q', '--endpoint-url', emu.url], { PATH: '/usr/bin:/bin', ...env() });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /profile "loop-r" is already being resolved by an outer assume \(loop-r -> loop-q -> loop-r\)/);
  });
});
