import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

// Expiry times are shown in local time: pin the zone so the expected text is the same everywhere.
process.env.TZ = 'UTC';

import type { CacheEntry } from '../../../src/cache/cacheEntry.js';
import { createFileCache } from '../../../src/cache/createFileCache.js';
import ls, { formatExpiry, formatProfileJson, formatProfileTable, listProfiles } from '../../../src/commands/ls.js';
import { summarizeProfiles } from '../../../src/commands/profileSummary.js';
import type { CommandContext } from '../../../src/commands/types.js';
import type { AwsConfig } from '../../../src/config/types.js';
import { AssumeError } from '../../../src/errors.js';
import { configFrom } from '../../helpers/config.js';

const now = new Date('2026-11-28T15:05:30Z');

const fixture = `[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
region = eu-west-1

[profile base]
aws_access_key_id = AKIABASE000000000001
aws_secret_access_key = base-secret-value

[profile dev]
sso_session = corp
sso_account_id = 333333333333
sso_role_name = Developer

[profile odd]
role_arn = not-an-arn
source_profile = base
`;

function entry(fields: Partial<CacheEntry> & Pick<CacheEntry, 'expiration'>): CacheEntry {
  return {
    version: 1,
    kind: 'role',
    issuedAt: '2026-11-28T14:00:00Z',
    accessKeyId: 'ASIACACHED0000000001',
    secretAccessKey: 'cached-secret-value',
    sessionToken: 'cached-session-token',
    ...fields,
  };
}

describe('listProfiles', () => {
  const summaries = summarizeProfiles(configFrom(fixture));

  it("takes the latest unexpired cached expiry of each profile's own role", () => {
    const listings = listProfiles(
      summaries,
      [
        entry({ profile: 'admin', roleArn: 'arn:aws:iam::222222222222:role/Admin', expiration: '2026-11-28T16:04:00Z' }),
        entry({ profile: 'admin', roleArn: 'arn:aws:iam::222222222222:role/Admin', expiration: '2026-11-28T15:30:00Z' }),
        // Expired: not shown.
        entry({ profile: 'admin', roleArn: 'arn:aws:iam::222222222222:role/Admin', expiration: '2026-11-28T17:00:00Z', issuedAt: '2026-11-28T16:00:00Z' }),
        // Another role over the same profile (--role-arn): not the profile's.
        entry({ profile: 'admin', roleArn: 'arn:aws:iam::999999999999:role/Other', expiration: '2026-11-28T18:00:00Z' }),
        // An MFA session of base: not role credentials of base.
        entry({ kind: 'mfa-session', profile: 'base', mfaSerial: 'arn:aws:iam::111111111111:mfa/dev', expiration: '2026-11-28T20:00:00Z' }),
        entry({ profile: 'dev', roleArn: '333333333333/Developer', expiration: '2026-11-28T15:00:00Z' }),
      ],
      now,
    );
    const expiries = Object.fromEntries(listings.map((listing) => [listing.name, listing.expires?.toISOString()]));
    // 17:00 is later than 16:04 and unexpired, so it is the one shown; 18:00 is another role's.
    assert.deepEqual(expiries, { admin: '2026-11-28T17:00:00.000Z', base: undefined, dev: undefined, odd: undefined });
  });

  it('matches an SSO profile to its account and role session', () => {
    const listings = listProfiles(summaries, [entry({ profile: 'dev', roleArn: '333333333333/Developer', expiration: '2026-11-28T23:00:00Z' })], now);
    assert.equal(listings.find((listing) => listing.name === 'dev')?.expires?.toISOString(), '2026-11-28T23:00:00.000Z');
  });

  it('skips entries that have expired at now', () => {
    const listings = listProfiles(summaries, [entry({ profile: 'admin', roleArn: 'arn:aws:iam::222222222222:role/Admin', expiration: '2026-11-28T15:05:30Z' })], now);
    assert.equal(listings.find((listing) => listing.name === 'admin')?.expires, undefined);
  });
});

describe('formatExpiry', () => {
  it('shows the local time and the time left', () => {
    assert.equal(formatExpiry(new Date('2026-11-28T16:04:45Z'), now), '16:04 (59m left)');
    assert.equal(formatExpiry(new Date('2026-11-29T04:00:00Z'), now), '2026-11-29 04:00 (12h 54m left)');
  });
});

describe('formatProfileTable', () => {
  it('aligns every profile under a header, with - for what a profile does not say', () => {
    const listings = listProfiles(
      summarizeProfiles(configFrom(fixture)),
      [entry({ profile: 'admin', roleArn: 'arn:aws:iam::222222222222:role/Admin', expiration: '2026-11-28T16:04:45Z' })],
      now,
    );
    assert.equal(
      formatProfileTable(listings, now),
      [
        'PROFILE  KIND    ROLE                                  SOURCE               REGION     EXPIRES',
        'admin    role    arn:aws:iam::222222222222:role/Admin  source_profile base  eu-west-1  16:04 (59m left)',
        'base     static  -                                     static keys          -          -',
        'dev      sso     333333333333/Developer                sso_session corp     -          -',
        'odd      role    not-an-arn                            source_profile base  -          -',
        '',
      ].join('\n'),
    );
  });
});

describe('formatProfileJson', () => {
  it('gives every profile the same fields, null where the profile does not say, expiry in ISO UTC', () => {
    const listings = listProfiles(
      summarizeProfiles(configFrom(fixture)),
      [entry({ profile: 'admin', roleArn: 'arn:aws:iam::222222222222:role/Admin', expiration: '2026-11-28T16:04:45Z' })],
      now,
    );
    const parsed = JSON.parse(formatProfileJson(listings)) as unknown[];
    assert.deepEqual(parsed.slice(0, 2), [
      {
        name: 'admin',
        kind: 'role',
        account: '222222222222',
        role: 'Admin',
        roleArn: 'arn:aws:iam::222222222222:role/Admin',
        source: 'source_profile base',
        region: 'eu-west-1',
        file: '/home/u/.aws/config',
        line: 1,
        expires: '2026-11-28T16:04:45.000Z',
      },
      { name: 'base', kind: 'static', account: null, role: null, roleArn: null, source: 'static keys', region: null, file: '/home/u/.aws/config', line: 6, expires: null },
    ]);
    assert.equal(parsed.length, 4);
  });
});

describe('assume ls', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'assume-ls-'));
  });
  after(() => {
    rmSync(root, { recursive: true, force: true });
  });

  function context(config: AwsConfig | Error, cacheHome: string): { context: CommandContext; out: { stdout: string; stderr: string } } {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      context: {
        env: { XDG_CACHE_HOME: cacheHome },
        io: { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } },
        homeDir: root,
        now: () => now,
        colorLevel: 0,
        version: '9.9.9',
        deps: { loadConfig: () => (config instanceof Error ? Promise.reject(config) : Promise.resolve(config)) },
      },
    };
  }

  it('prints the table with the expiry of credentials in the file cache, and never a cached secret', async () => {
    const cacheHome = mkdtempSync(join(root, 'cache-'));
    await createFileCache({ dir: join(cacheHome, 'assume') }).write(
      'a'.repeat(64),
      entry({ profile: 'admin', roleArn: 'arn:aws:iam::222222222222:role/Admin', expiration: '2026-11-28T16:04:45Z' }),
    );
    const { context: ctx, out } = context(configFrom(fixture), cacheHome);
    assert.deepEqual(await ls([], ctx), { exitCode: 0 });
    assert.equal(out.stderr, '');
    assert.match(out.stdout, /^admin {4}role {4}arn:aws:iam::222222222222:role\/Admin {2}.* 16:04 \(59m left\)$/m);
    for (const secret of ['cached-secret-value', 'cached-session-token', 'ASIACACHED0000000001', 'base-secret-value', 'AKIABASE000000000001']) {
      assert.ok(!out.stdout.includes(secret), `${secret} is not printed`);
    }
  });

  it('prints JSON with --json', async () => {
    const { context: ctx, out } = context(configFrom(fixture), mkdtempSync(join(root, 'cache-')));
    assert.deepEqual(await ls(['--json'], ctx), { exitCode: 0 });
    const parsed = JSON.parse(out.stdout) as { name: string; expires: string | null }[];
    assert.deepEqual(
      parsed.map((row) => [row.name, row.expires]),
      [
        ['admin', null],
        ['base', null],
        ['dev', null],
        ['odd', null],
      ],
    );
  });

  it('says on stderr, with a hint, that there are no profiles, and exits 0 with nothing (or []) on stdout', async () => {
    const plain = context(configFrom(''), mkdtempSync(join(root, 'cache-')));
    assert.deepEqual(await ls([], plain.context), { exitCode: 0 });
    assert.equal(plain.out.stdout, '');
    assert.match(plain.out.stderr, /^assume: no profiles in .*\.aws\/config or .*\.aws\/credentials\n {2}hint: /);
    const json = context(configFrom(''), mkdtempSync(join(root, 'cache-')));
    assert.deepEqual(await ls(['--json'], json.context), { exitCode: 0 });
    assert.equal(json.out.stdout, '[]\n');
  });

  it('lets the error of a config the parser refuses through', async () => {
    const refused = new AssumeError('CONFIG_PARSE', 'bad line');
    const { context: ctx } = context(refused, mkdtempSync(join(root, 'cache-')));
    await assert.rejects(ls([], ctx), (error) => error === refused);
  });

  it('prints help with examples on stdout, accepts --no-color and --debug, refuses unknown options', async () => {
    const help = context(configFrom(fixture), root);
    assert.deepEqual(await ls(['--help'], help.context), { exitCode: 0 });
    assert.match(help.out.stdout, /^Usage: assume ls \[options\]/);
    assert.match(help.out.stdout, /Examples:\n {2}assume ls /);
    const flags = context(configFrom(fixture), mkdtempSync(join(root, 'cache-')));
    assert.deepEqual(await ls(['--no-color', '--debug'], flags.context), { exitCode: 0 });
    assert.match(flags.out.stdout, /^PROFILE /);
    await assert.rejects(ls(['--bogus'], context(configFrom(fixture), root).context), (error) => error instanceof AssumeError && error.code === 'USAGE');
    await assert.rejects(ls(['extra'], context(configFrom(fixture), root).context), (error) => error instanceof AssumeError && error.code === 'USAGE');
  });

  it('still lists the profiles, without expiries, when the cache directory is unsafe', async () => {
    const cacheHome = mkdtempSync(join(root, 'cache-'));
    // Writable by everyone: the cache refuses it (CACHE_UNSAFE).
    mkdirSync(join(cacheHome, 'assume'));
    chmodSync(join(cacheHome, 'assume'), 0o777);
    const { context: ctx, out } = context(configFrom(fixture), cacheHome);
    assert.deepEqual(await ls([], ctx), { exitCode: 0 });
    assert.match(out.stdout, /^admin /m);
    assert.match(out.stderr, /^assume: cached expiries not shown: /);
  });
});
