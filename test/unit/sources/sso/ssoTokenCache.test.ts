import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  formatCacheTime,
  loadRegistration,
  loadSsoToken,
  parseCacheTime,
  registrationCacheKey,
  saveRegistration,
  saveSsoToken,
  ssoCacheDir,
  tokenCacheKey,
} from '../../../../src/sources/sso/ssoTokenCache.js';

const START_URL = 'https://d-1234567890.awsapps.com/start';
const root = mkdtempSync(join(tmpdir(), 'assume-sso-cache-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('tokenCacheKey', () => {
  // Each value printed by botocore 2.9's SSOTokenLoader._generate_cache_key (/usr/lib/python3/dist-packages/awscli).
  const cases: [string, string | undefined, string][] = [
    ['the sso-session name for a session', 'my-sso', '0ad374308c5a4e22f723adf10145eafad7c4031c'],
    ['the start URL for the legacy profile keys', undefined, '7487b5b67d5fa1132cf33fa93ae51ef38cc37752'],
    ['the UTF-8 bytes of a name beyond ASCII', 'équipe "α"\u007f😀', 'f47bdf49315873aadec202913851934c473cb7c5'],
  ];
  for (const [what, session, expected] of cases) {
    it(`is the SHA-1 of ${what}, as botocore computes it`, () => {
      assert.equal(tokenCacheKey(session === 'équipe "α"\u007f😀' ? 'x' : START_URL, session), expected);
    });
  }
});

describe('registrationCacheKey', () => {
  // Each value printed by botocore 2.9's SSOTokenFetcher._registration_cache_key for region eu-west-1.
  it('is the SHA-1 of botocore\'s sorted JSON of tool, start URL, region, scopes and session', () => {
    assert.equal(registrationCacheKey(START_URL, 'eu-west-1', ['sso:account:access'], 'my-sso'), 'bad1b99972dcdbd398df369048920b52e74d64ef');
  });

  it('writes null for the scopes and session of a legacy login', () => {
    assert.equal(registrationCacheKey(START_URL, 'eu-west-1', undefined, undefined), '8ba5c4795fa8538a47da089266d94d19d06fe7f6');
  });

  it('escapes DEL and everything beyond ASCII as Python\'s json.dumps does', () => {
    assert.equal(registrationCacheKey(START_URL, 'eu-west-1', ['sso:account:access', 'codewhisperer:completions'], 'équipe "α"\u007f😀'), 'fe278199720ae4e14ac197dfd48e3e420b90da0f');
  });
});

describe('formatCacheTime and parseCacheTime', () => {
  it('write whole UTC seconds with a Z, as botocore does', () => {
    assert.equal(formatCacheTime(new Date('2026-03-01T09:00:00.789Z')), '2026-03-01T09:00:00Z');
  });

  it('read ISO times with a Z or an offset, and the ...UTC suffix of early AWS CLI v2 versions', () => {
    assert.deepEqual(
      ['2026-03-01T09:00:00Z', '2026-03-01T10:00:00+01:00', '2026-03-01T09:00:00UTC', '2026-03-01T09:00:00.000Z'].map((text) => parseCacheTime(text)?.toISOString()),
      Array.from({ length: 4 }, () => '2026-03-01T09:00:00.000Z'),
    );
    assert.deepEqual([parseCacheTime('soon'), parseCacheTime(1), parseCacheTime(undefined)], [undefined, undefined, undefined]);
  });
});

describe('saveSsoToken and loadSsoToken', () => {
  it('write ~/.aws/sso/cache/<key>.json with mode 0600 in folders created 0700, and read it back with every field', async () => {
    const home = join(root, 'home-a');
    const dir = ssoCacheDir(home);
    assert.equal(dir, join(home, '.aws', 'sso', 'cache'));
    const fields = { startUrl: START_URL, region: 'eu-west-1', accessToken: 'aoa-1', expiresAt: '2026-03-01T17:00:00Z', clientId: 'c', clientSecret: 's', registrationExpiresAt: '2026-05-30T09:00:00Z', refreshToken: 'r', other: { kept: true } };
    await saveSsoToken(dir, 'k', fields);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'k.json'), 'utf8')), fields);
    assert.equal(statSync(join(dir, 'k.json')).mode & 0o777, 0o600);
    for (const folder of [join(home, '.aws'), join(home, '.aws', 'sso'), dir]) assert.equal(statSync(folder).mode & 0o777, 0o700, folder);
    assert.deepEqual(await loadSsoToken(dir, 'k'), { status: 'ok', token: { fields, accessToken: 'aoa-1', expiresAt: new Date('2026-03-01T17:00:00Z') } });
  });

  it('reads a token file through a symlink, as the AWS CLI does', async () => {
    const dir = join(root, 'linked');
    mkdirSync(dir);
    writeFileSync(join(root, 'real.json'), '{"accessToken":"aoa-2","expiresAt":"2026-03-01T17:00:00UTC"}');
    symlinkSync(join(root, 'real.json'), join(dir, 'k.json'));
    const read = await loadSsoToken(dir, 'k');
    assert.equal(read.status === 'ok' && read.token.expiresAt.toISOString(), '2026-03-01T17:00:00.000Z');
  });

  it('tells a missing file from an invalid one', async () => {
    const dir = join(root, 'bad');
    mkdirSync(dir);
    const files: Record<string, string> = { notJson: '{"accessToken":', array: '[]', noToken: '{"expiresAt":"2026-03-01T17:00:00Z"}', badTime: '{"accessToken":"a","expiresAt":"tomorrow"}' };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.json`), text);
    assert.deepEqual(await loadSsoToken(dir, 'absent'), { status: 'missing' });
    assert.deepEqual(
      await Promise.all(Object.keys(files).map((name) => loadSsoToken(dir, name))),
      [
        { status: 'invalid', why: 'is not a JSON object' },
        { status: 'invalid', why: 'is not a JSON object' },
        { status: 'invalid', why: 'has no accessToken' },
        { status: 'invalid', why: 'has no valid expiresAt' },
      ],
    );
  });

  it('throws the system error of a token file that cannot be read', async () => {
    const dir = join(root, 'dir-instead');
    mkdirSync(join(dir, 'k.json'), { recursive: true });
    await assert.rejects(loadSsoToken(dir, 'k'), { code: 'EISDIR' });
  });
});

describe('saveRegistration and loadRegistration', () => {
  it('write a registration as botocore caches it and read it back', async () => {
    const dir = join(root, 'reg');
    await saveRegistration(dir, 'r', { clientId: 'c', clientSecret: 's', expiresAt: new Date('2026-05-30T09:00:00.500Z'), scopes: ['sso:account:access'] });
    assert.equal(readFileSync(join(dir, 'r.json'), 'utf8'), '{"clientId":"c","clientSecret":"s","expiresAt":"2026-05-30T09:00:00Z","scopes":["sso:account:access"]}');
    assert.deepEqual(await loadRegistration(dir, 'r'), { clientId: 'c', clientSecret: 's', expiresAt: new Date('2026-05-30T09:00:00Z'), scopes: ['sso:account:access'] });
    await saveRegistration(dir, 'legacy', { clientId: 'c', clientSecret: 's', expiresAt: new Date('2026-05-30T09:00:00Z') });
    assert.equal(readFileSync(join(dir, 'legacy.json'), 'utf8'), '{"clientId":"c","clientSecret":"s","expiresAt":"2026-05-30T09:00:00Z"}');
  });

  it('treats a missing or incomplete registration as none', async () => {
    const dir = join(root, 'reg-bad');
    mkdirSync(dir);
    writeFileSync(join(dir, 'x.json'), '{"clientId":"c","expiresAt":"2026-05-30T09:00:00Z"}');
    assert.deepEqual([await loadRegistration(dir, 'x'), await loadRegistration(dir, 'absent')], [undefined, undefined]);
  });
});
