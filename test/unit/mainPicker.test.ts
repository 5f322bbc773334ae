/**
 * main's side of the picker: when it opens (no profile named, a person at a terminal), that
 * the profile picked is the one assumed, and what happens without a terminal. In process,
 * with the terminal check, the picker and STS injected.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsConfig } from '../../src/config/types.js';
import { run } from '../../src/main.js';
import type { RunDeps } from '../../src/main.js';
import type { AssumeRoleRequest } from '../../src/sts/types.js';
import { configFrom } from '../helpers/config.js';

const config = configFrom(
  '[profile base]\nregion = eu-west-1\n[profile prod]\nrole_arn = arn:aws:iam::222222222222:role/Prod\nsource_profile = base\n[profile dev]\nrole_arn = arn:aws:iam::333333333333:role/Dev\nsource_profile = base\n',
  '[base]\naws_access_key_id = AKIAEXAMPLEEXAMPLE01\naws_secret_access_key = secret\n',
);

interface Ran {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly roles: readonly string[];
  readonly pickedFrom: readonly string[] | undefined;
}

async function runWith(argv: readonly string[], env: Record<string, string>, options: { interactive: boolean; pick?: string }): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const roles: string[] = [];
  let pickedFrom: string[] | undefined;
  const deps: RunDeps = {
    homeDir: '/nonexistent-home',
    interactive: () => options.interactive,
    loadConfig: () => Promise.resolve(config),
    pickProfile: (shown: AwsConfig) => {
      pickedFrom = [...shown.profiles.keys()];
      return options.pick === undefined ? Promise.reject(new Error('no pick expected')) : Promise.resolve(options.pick);
    },
    assumeRole: (_source, request: AssumeRoleRequest) => {
      roles.push(request.roleArn);
      return Promise.resolve({
        credentials: { accessKeyId: 'ASIAEXAMPLEEXAMPLE02', secretAccessKey: 'role-secret', sessionToken: 'role-token', expiration: new Date('2026-11-28T17:00:00Z') },
        assumedRoleArn: `${request.roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/s`,
      });
    },
    now: () => new Date('2026-11-28T16:00:00Z'),
  };
  const result = await run(['--no-cache', '-f', 'json', ...argv], { AWS_CONFIG_FILE: '/x/config', AWS_SHARED_CREDENTIALS_FILE: '/x/credentials', ...env }, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
  }, deps);
  assert.ok('exitCode' in result);
  return { exitCode: result.exitCode, stdout, stderr, roles, pickedFrom };
}

describe('main and the picker', () => {
  it('assumes the profile picked, from the whole config, when nothing names one at a terminal', async () => {
    const ran = await runWith([], {}, { interactive: true, pick: 'dev' });
    assert.deepEqual(ran.pickedFrom, ['base', 'prod', 'dev']);
    assert.deepEqual(ran.roles, ['arn:aws:iam::333333333333:role/Dev']);
    assert.equal(ran.exitCode, 0);
    assert.equal((JSON.parse(ran.stdout) as { AccessKeyId: string }).AccessKeyId, 'ASIAEXAMPLEEXAMPLE02');
  });

  it('does not open it when a profile is named, nor without a terminal (then: default, and with no default a usage error)', async () => {
    const named = await runWith(['prod'], {}, { interactive: true });
    assert.deepEqual([named.pickedFrom, named.roles, named.exitCode], [undefined, ['arn:aws:iam::222222222222:role/Prod'], 0]);
    const fromEnv = await runWith([], { AWS_PROFILE: 'prod' }, { interactive: true });
    assert.deepEqual([fromEnv.pickedFrom, fromEnv.roles], [undefined, ['arn:aws:iam::222222222222:role/Prod']]);
    const noTerminal = await runWith([], {}, { interactive: false });
    assert.deepEqual([noTerminal.pickedFrom, noTerminal.roles, noTerminal.exitCode, noTerminal.stdout], [undefined, [], 2, '']);
    assert.match(noTerminal.stderr, /^assume: no profile given: neither AWS_PROFILE nor AWS_DEFAULT_PROFILE is set, and there is no "default" profile/);
  });

  it('refuses --unset in the github format, with a hint, printing nothing', async () => {
    const ran = await runWith(['--unset', '-f', 'github'], {}, { interactive: true });
    assert.deepEqual([ran.exitCode, ran.stdout, ran.pickedFrom], [2, '', undefined]);
    assert.match(ran.stderr, /^assume: --unset has nothing to print in format github: GitHub Actions cannot unset a variable\n {2}hint: /);
  });
});
