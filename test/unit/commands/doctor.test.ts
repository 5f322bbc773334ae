import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import doctor from '../../../src/commands/doctor.js';
import type { CommandContext } from '../../../src/commands/types.js';
import { createTempHome } from '../../helpers/tempHome.js';
import type { TempHome } from '../../helpers/tempHome.js';

/** test/fixtures/doctor in the repository (tsc does not copy it to dist/). */
const fixtures = fileURLToPath(new URL('../../../../test/fixtures/doctor/', import.meta.url));

function fixtureHome(name: string): TempHome {
  const read = (file: string): string => (existsSync(join(fixtures, name, file)) ? readFileSync(join(fixtures, name, file), 'utf8') : '');
  return createTempHome(read('config'), read('credentials'));
}

/** Every secret in the fixtures: none may appear in a finding. */
function fixtureSecrets(name: string): string[] {
  const text = ['config', 'credentials'].map((file) => (existsSync(join(fixtures, name, file)) ? readFileSync(join(fixtures, name, file), 'utf8') : '')).join('\n');
  return [...text.matchAll(/(?:SECRET|AKIA)[\w/]+/g)].map((match) => match[0]);
}

interface Ran {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Runs `assume doctor ARGS` with the fixture's home as HOME and nothing else in the environment. */
async function runDoctor(home: TempHome, args: readonly string[] = [], env: Record<string, string> = {}): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const context: CommandContext = {
    env: { HOME: home.dir, ...env },
    io: { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } },
    homeDir: home.dir,
    now: () => new Date('2026-11-28T19:16:00Z'),
    colorLevel: 0,
    version: '0.0.0-test',
    deps: {},
  };
  const result = await doctor(args, context);
  assert.ok('exitCode' in result);
  return { stdout: stdout.split(home.dir).join('<HOME>'), stderr, exitCode: result.exitCode };
}

/** One config and the report expected for it, whole. */
interface Case {
  readonly name: string;
  readonly fixture: string;
  readonly exitCode: number;
  /** Permission bits to give the files before the run (they are written 0600). */
  readonly modes?: { readonly config?: number; readonly credentials?: number };
}

const cases: readonly Case[] = [
  { name: 'finds no problem in a clean config, with settings-only, self-sourcing, SSO, credential_source and other tools\' profiles', fixture: 'clean', exitCode: 0 },
  { name: 'warns about unknown keys in profiles and sso-sessions, with "did you mean"', fixture: 'unknown-keys', exitCode: 0 },
  { name: 'reports a source_profile naming a missing profile or one without credentials', fixture: 'missing-source', exitCode: 3 },
  { name: 'reports each source_profile cycle once, and allows a profile with keys to source itself', fixture: 'cycle', exitCode: 3 },
  { name: 'reports a malformed role_arn, mfa_serial, external_id and role_session_name, never showing the external id', fixture: 'malformed', exitCode: 3 },
  { name: 'reports durations that are not numbers, out of 900..43200, or over an hour on a chained role', fixture: 'duration', exitCode: 3 },
  { name: 'reports source_profile beside credential_source, an unknown credential_source, a role without a source, and a source without a role', fixture: 'sources', exitCode: 3 },
  { name: 'reports incomplete SSO settings and a missing sso-session', fixture: 'sso', exitCode: 3 },
  { name: 'reports invalid regions', fixture: 'region', exitCode: 3 },
  { name: 'warns about static keys in the config file and reports half a key pair', fixture: 'static-in-config', exitCode: 3 },
  { name: 'warns about sections the AWS CLI skips and broken [services] blocks', fixture: 'sections', exitCode: 0 },
  { name: 'turns what the resolver refuses into an error at the profile', fixture: 'resolver', exitCode: 3 },
  { name: 'warns about a credentials file group and others can read, with the chmod that fixes it', fixture: 'file-modes', exitCode: 0, modes: { credentials: 0o644, config: 0o664 } },
  { name: 'sorts many findings in both files by file and line', fixture: 'many', exitCode: 3 },
];

describe('assume doctor', () => {
  for (const { name, fixture, exitCode, modes } of cases) {
    it(name, async () => {
      const home = fixtureHome(fixture);
      try {
        if (modes?.config !== undefined) chmodSync(home.configFile, modes.config);
        if (modes?.credentials !== undefined) chmodSync(home.credentialsFile, modes.credentials);
        const ran = await runDoctor(home);
        assert.equal(ran.stdout, readFileSync(join(fixtures, fixture, 'expected.txt'), 'utf8'));
        assert.equal(ran.exitCode, exitCode);
        assert.equal(ran.stderr, '');
        for (const secret of fixtureSecrets(fixture)) assert.ok(!ran.stdout.includes(secret), `${secret} is in the report`);
      } finally {
        home.cleanup();
      }
    });
  }

  it('says nothing about file modes once the files are 0600', async () => {
    const home = fixtureHome('file-modes');
    try {
      const ran = await runDoctor(home);
      assert.equal(ran.stdout, 'no problems found in 1 profile\n');
      assert.equal(ran.exitCode, 0);
    } finally {
      home.cleanup();
    }
  });

  it('knows the expiry key --write-profile (and saml2aws) writes into the credentials file', async () => {
    const home = createTempHome('', '[tmp]\naws_access_key_id = ASIAEXAMPLEEXAMPLE01\naws_secret_access_key = s\naws_session_token = t\nx_security_token_expires = 2026-11-28T23:20:19Z\nx_principal_arn = arn:aws:sts::123456789012:assumed-role/A/b\n');
    try {
      const ran = await runDoctor(home);
      assert.equal(ran.stdout, 'no problems found in 1 profile\n');
      assert.equal(ran.exitCode, 0);
    } finally {
      home.cleanup();
    }
  });

  it('warns about a config file that holds secrets and group can read', async () => {
    const home = fixtureHome('static-in-config');
    try {
      chmodSync(home.configFile, 0o640);
      const ran = await runDoctor(home);
      assert.ok(ran.stdout.includes('~/.aws/config:4: warning: the config file holds secret keys and can be read by group or others (mode 640)\n  hint: Run chmod 600 ~/.aws/config.\n'), ran.stdout);
    } finally {
      home.cleanup();
    }
  });

  it('checks the files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name', async () => {
    const home = fixtureHome('clean');
    try {
      const elsewhere = join(home.dir, 'other-config');
      writeFileSync(elsewhere, '[profile x]\nrole_arn = arn:aws:iam::222222222222:role/X\n', { mode: 0o600 });
      const ran = await runDoctor(home, [], { AWS_CONFIG_FILE: elsewhere, AWS_SHARED_CREDENTIALS_FILE: join(home.dir, 'none') });
      assert.equal(
        ran.stdout,
        '~/other-config:2: error: profile "x" has a role_arn but neither source_profile nor credential_source\n' +
          '  hint: Add "source_profile = PROFILE" (a profile with credentials) or "credential_source = Environment" to [profile x].\n' +
          '1 error in 1 profile\n',
      );
      assert.equal(ran.exitCode, 3);
    } finally {
      home.cleanup();
    }
  });

  it('reports a file the parser refuses as one error, and checks nothing else', async () => {
    const home = createTempHome('[profile ok]\nregion = eu-west-1\n  indented continuation\nkey without separator\n');
    try {
      const ran = await runDoctor(home);
      assert.match(ran.stdout, /^~\/\.aws\/config:4: error: .+\n {2}hint: .+\n1 error; nothing else was checked\n$/);
      assert.equal(ran.exitCode, 3);
    } finally {
      home.cleanup();
    }
  });

  it('finds no profile in missing files, and no problem either', async () => {
    const home = createTempHome();
    try {
      const ran = await runDoctor(home, [], { AWS_CONFIG_FILE: join(home.dir, 'absent'), AWS_SHARED_CREDENTIALS_FILE: join(home.dir, 'absent-too') });
      assert.equal(ran.stdout, 'no problems found in 0 profiles\n');
      assert.equal(ran.exitCode, 0);
    } finally {
      home.cleanup();
    }
  });

  it('prints its help with examples on stdout, and refuses arguments', async () => {
    const home = createTempHome();
    try {
      const help = await runDoctor(home, ['--help']);
      assert.match(help.stdout, /^Usage: assume doctor \[options\]\n/);
      assert.match(help.stdout, /\nExamples:\n {2}assume doctor /);
      assert.equal(help.exitCode, 0);
      await assert.rejects(runDoctor(home, ['prod']), { code: 'USAGE' });
      await assert.rejects(runDoctor(home, ['--json']), { code: 'USAGE' });
    } finally {
      home.cleanup();
    }
  });
});
