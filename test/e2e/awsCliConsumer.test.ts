/**
 * A real consumer: Debian's AWS CLI v2 reads credentials from `credential_process = assume
 * --format credential-process PROFILE` and uses them to call the STS emulator.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator } from '../emulator/emulator.js';
import { assumeBin, runCommand } from '../helpers/runAssume.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

const awsCli = '/usr/bin/aws';
let emu: Emulator;
let home: TempHome;

function aws(args: string[], env: Record<string, string>): ReturnType<typeof runCommand> {
  return runCommand(awsCli, args, env);
}

before(async () => {
  assert.ok(existsSync(awsCli), `${awsCli} (Debian's awscli package) is required; .ci/run installs it`);
  emu = await startEmulator();
  const user = emu.addUser({ name: 'dev', accountId: '111111111111' });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [user.arn] });
  emu.addRole({ arn: 'arn:aws:iam::333333333333:role/Deploy', trust: ['arn:aws:iam::222222222222:role/Admin'] });
  home = createTempHome(`[profile base]
aws_access_key_id = ${user.accessKeyId}
aws_secret_access_key = ${user.secretAccessKey}

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base

[profile deploy]
role_arn = arn:aws:iam::333333333333:role/Deploy
source_profile = admin
role_session_name = via-process

[profile consumer]
credential_process = ${process.execPath} ${assumeBin} --format credential-process deploy
region = us-east-1

[profile broken-consumer]
credential_process = ${process.execPath} ${assumeBin} --format credential-process no-such-profile
region = us-east-1
`);
});

after(async () => {
  home.cleanup();
  await emu.close();
});

describe('credential_process through the AWS CLI v2', () => {
  const env = (): Record<string, string> => ({ PATH: '/usr/bin:/bin', HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url, AWS_PAGER: '' });

  it('gives the AWS CLI credentials for the assumed role', async () => {
    emu.reset();
    const result = await aws(['sts', 'get-caller-identity', '--profile', 'consumer', '--endpoint-url', emu.url, '--query', 'Arn', '--output', 'text'], env());
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, 'arn:aws:sts::333333333333:assumed-role/Deploy/via-process\n');
    assert.equal(emu.count('AssumeRole'), 2, 'two hops, made by assume');
    assert.equal(emu.count('GetCallerIdentity'), 1, 'one call, made by the AWS CLI');
  });

  it('lets the AWS CLI report our error when the profile is wrong', async () => {
    const result = await aws(['sts', 'get-caller-identity', '--profile', 'broken-consumer', '--endpoint-url', emu.url], env());
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /profile "no-such-profile" not found/);
  });
});
