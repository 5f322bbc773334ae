import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import explain from '../../../src/commands/explain.js';
import type { CommandContext } from '../../../src/commands/types.js';
import { createFileCache } from '../../../src/cache/createFileCache.js';
import { loadAwsConfig } from '../../../src/config/loadAwsConfig.js';
import { AssumeError } from '../../../src/errors.js';
import { finalCacheKey } from '../../../src/execute.js';
import { resolvePlan } from '../../../src/resolve/resolvePlan.js';
import { createTempHome } from '../../helpers/tempHome.js';
import type { TempHome } from '../../helpers/tempHome.js';

/** test/fixtures/explain in the repository (tsc does not copy it to dist/). */
const fixtures = fileURLToPath(new URL('../../../../test/fixtures/explain/', import.meta.url));
const now = new Date('2026-11-28T19:16:00Z');
/** Every secret written in the fixtures: none may ever be printed. */
const secrets = ['SECRETexplainFixture/doNotPrint0000000001', 'SECRETexplainFixture/doNotPrint0000000002', 'SESSIONexplainFixture/doNotPrint00000000002', 'SECRETenvFixture/doNotPrint'];
const accessKeyIds = ['AKIAEXPLAINFIXTURE01', 'AKIAEXPLAINFIXTURE02', 'AKIAEXPLAINENVFIXT03'];

function fixtureHome(name: string): TempHome {
  const read = (file: string): string => (existsSync(join(fixtures, name, file)) ? readFileSync(join(fixtures, name, file), 'utf8') : '');
  return createTempHome(read('config'), read('credentials'));
}

interface Ran {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** Runs `assume explain ARGS` in the fixture's home, with only `env` (plus HOME, USER and the cache) as the environment. */
async function runExplain(home: TempHome, args: readonly string[], env: Record<string, string> = {}): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const context: CommandContext = {
    env: { HOME: home.dir, USER: 'alice', XDG_CACHE_HOME: join(home.dir, '.cache'), ...env },
    io: { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } },
    homeDir: home.dir,
    now: () => now,
    colorLevel: 0,
    version: '0.0.0-test',
    deps: {},
  };
  const result = await explain(args, context);
  assert.ok('exitCode' in result);
  // The temporary home is the one thing that differs between runs.
  return { stdout: stdout.split(home.dir).join('<HOME>'), stderr, exitCode: result.exitCode };
}

function expected(name: string, file: string): string {
  return readFileSync(join(fixtures, name, file), 'utf8');
}

function assertNoSecret(text: string): void {
  for (const secret of [...secrets, ...accessKeyIds]) assert.ok(!text.includes(secret), `${secret} is in the output:\n${text}`);
}

/** One explanation, compared whole with its expected text. */
interface Case {
  readonly name: string;
  readonly fixture: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  readonly expected: string;
}

const cases: readonly Case[] = [
  { name: 'static keys of a profile, with no call to make', fixture: 'chain', args: ['base'], expected: 'base.txt' },
  { name: 'a 3-hop chain with MFA, external id, duration, tags and the region of the source profile', fixture: 'chain', args: ['deep'], expected: 'deep.txt' },
  { name: 'an MFA code from mfa_process and the profile\'s own region', fixture: 'chain', args: ['partner'], expected: 'partner.txt' },
  {
    name: 'environment variables: the profile from AWS_PROFILE, AWS_REGION over the file, AWS_ENDPOINT_URL_STS',
    fixture: 'chain',
    args: [],
    env: { AWS_PROFILE: 'admin', AWS_REGION: 'us-west-1', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:4566' },
    expected: 'admin-env.txt',
  },
  {
    name: 'flags: --role-arn after the chain, with --region, --duration, --external-id, --session-name, --tag and --token-code',
    fixture: 'chain',
    args: ['admin', '--role-arn', 'arn:aws:iam::999999999999:role/Extra', '--region', 'eu-north-1', '--duration', '45m', '--external-id', 'flag-ext', '--session-name', 'flagged', '--tag', 'Env=prod', '--token-code', '123456', '--no-cache'],
    expected: 'admin-flags.txt',
  },
  {
    name: '--role-arn alone, from the credentials in the environment',
    fixture: 'chain',
    args: ['--role-arn', 'arn:aws:iam::999999999999:role/Extra'],
    env: { AWS_ACCESS_KEY_ID: 'AKIAEXPLAINENVFIXT03', AWS_SECRET_ACCESS_KEY: 'SECRETenvFixture/doNotPrint' },
    expected: 'role-arn-env.txt',
  },
  { name: 'SSO through an sso-session', fixture: 'sources', args: ['sso-dev'], expected: 'sso-dev.txt' },
  { name: 'a role assumed with SSO credentials', fixture: 'sources', args: ['sso-admin'], expected: 'sso-admin.txt' },
  { name: 'web identity from a token file', fixture: 'sources', args: ['ci'], expected: 'ci.txt' },
  { name: 'a credential_process alone', fixture: 'sources', args: ['vault'], expected: 'vault.txt' },
  { name: 'a role assumed with credentials from a credential_process', fixture: 'sources', args: ['vault-admin'], expected: 'vault-admin.txt' },
  { name: 'credential_source = Ec2InstanceMetadata', fixture: 'sources', args: ['on-ec2'], expected: 'on-ec2.txt' },
  {
    name: 'credential_source = Environment, with the profile\'s endpoint_url',
    fixture: 'sources',
    args: ['from-env'],
    env: { AWS_ACCESS_KEY_ID: 'AKIAEXPLAINENVFIXT03', AWS_SECRET_ACCESS_KEY: 'SECRETenvFixture/doNotPrint', AWS_SESSION_TOKEN: 'SECRETenvFixture/doNotPrint' },
    expected: 'from-env.txt',
  },
  { name: 'a dotted profile name, with temporary keys as the source', fixture: 'dotted', args: ['acme.prod'], expected: 'acme-prod.txt' },
];

describe('assume explain', () => {
  for (const { name, fixture, args, env, expected: file } of cases) {
    it(`explains ${name}`, async () => {
      const home = fixtureHome(fixture);
      try {
        const ran = await runExplain(home, args, env);
        assert.equal(ran.stdout, expected(fixture, file));
        assert.equal(ran.stderr, '');
        assert.equal(ran.exitCode, 0);
        assertNoSecret(ran.stdout);
      } finally {
        home.cleanup();
      }
    });
  }

  it('says when the cache holds fresh credentials for the chain, and when they are too close to expiry', async () => {
    const home = fixtureHome('chain');
    try {
      const config = await loadAwsConfig({ config: home.configFile, credentials: home.credentialsFile });
      const key = finalCacheKey(resolvePlan(config, {}, { profile: 'deep' }));
      assert.ok(key !== undefined);
      const cache = createFileCache({ dir: join(home.dir, '.cache', 'assume') });
      const entry = {
        version: 1 as const,
        kind: 'role' as const,
        profile: 'deep',
        roleArn: 'arn:aws:iam::333333333333:role/Deep',
        issuedAt: '2026-11-28T18:00:00Z',
        expiration: '2026-11-28T20:00:00Z',
        accessKeyId: 'ASIAEXPLAINCACHED001',
        secretAccessKey: 'SECRETcachedFixture/doNotPrint',
        sessionToken: 'SESSIONcachedFixture/doNotPrint',
      };
      await cache.write(key, entry);
      const fresh = await runExplain(home, ['deep']);
      const cacheLine = (text: string): string | undefined => text.split('\n').find((line) => line.startsWith('  cache'));
      assert.equal(cacheLine(fresh.stdout), '  cache           fresh credentials until 2026-11-28T20:00:00Z (44m left): no call would be made');
      const late = await runExplain(home, ['deep', '--min-remaining', '50m']);
      assert.equal(cacheLine(late.stdout), '  cache           credentials until 2026-11-28T20:00:00Z, too close to expiry: new ones would be asked for');
      const refresh = await runExplain(home, ['deep', '--refresh']);
      assert.equal(cacheLine(refresh.stdout), '  cache           not read (--refresh): new credentials would be asked for');
      for (const text of [fresh.stdout, late.stdout, refresh.stdout]) {
        for (const secret of ['ASIAEXPLAINCACHED001', 'SECRETcachedFixture/doNotPrint', 'SESSIONcachedFixture/doNotPrint']) assert.ok(!text.includes(secret));
      }
    } finally {
      home.cleanup();
    }
  });

  it('reads the cache without creating it', async () => {
    const home = fixtureHome('chain');
    try {
      await runExplain(home, ['deep']);
      assert.equal(existsSync(join(home.dir, '.cache')), false);
    } finally {
      home.cleanup();
    }
  });

  it('refuses an unknown profile with the resolver\'s own error', async () => {
    const home = fixtureHome('chain');
    try {
      await assert.rejects(runExplain(home, ['dep']), (error: unknown) => {
        assert.ok(error instanceof AssumeError);
        assert.equal(error.code, 'PROFILE_NOT_FOUND');
        assert.equal(error.hint, 'Did you mean "deep"?');
        return true;
      });
    } finally {
      home.cleanup();
    }
  });

  it('refuses a source_profile cycle with the resolver\'s PROFILE_CYCLE', async () => {
    const home = createTempHome('[profile a]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = b\n\n[profile b]\nrole_arn = arn:aws:iam::111111111111:role/B\nsource_profile = a\n');
    try {
      await assert.rejects(runExplain(home, ['a']), (error: unknown) => error instanceof AssumeError && error.code === 'PROFILE_CYCLE' && error.message.startsWith('source_profile cycle: a -> b -> a'));
    } finally {
      home.cleanup();
    }
  });

  it('refuses a command after -- and other subcommands as usage errors', async () => {
    const home = fixtureHome('chain');
    try {
      for (const args of [['deep', '--', 'aws', 's3', 'ls'], ['ls'], ['--unset'], ['deep', '--no-such-flag']]) {
        await assert.rejects(runExplain(home, args), (error: unknown) => error instanceof AssumeError && error.code === 'USAGE', args.join(' '));
      }
    } finally {
      home.cleanup();
    }
  });

  it('prints its own help with examples on stdout', async () => {
    const home = fixtureHome('chain');
    try {
      const ran = await runExplain(home, ['--help']);
      assert.equal(ran.exitCode, 0);
      assert.match(ran.stdout, /^Usage: assume explain \[profile\] \[options\]\n/);
      assert.match(ran.stdout, /\nExamples:\n {2}assume explain prod-admin /);
      assert.equal(ran.stderr, '');
    } finally {
      home.cleanup();
    }
  });

  it('shows the config file by its full path when it is outside the home folder', async () => {
    const home = fixtureHome('dotted');
    const elsewhere = mkdtempSync(join(tmpdir(), 'assume-explain-'));
    try {
      writeFileSync(join(elsewhere, 'config'), readFileSync(home.configFile));
      const ran = await runExplain(home, ['acme.prod'], { AWS_CONFIG_FILE: join(elsewhere, 'config') });
      assert.equal(ran.stdout.split('\n')[0], `acme.prod  ${join(elsewhere, 'config')}:4`);
    } finally {
      home.cleanup();
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
