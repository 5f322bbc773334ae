// Every expected answer here is what the AWS CLI v2 (2.9.19, /usr/bin/aws) does with the
// same files, checked with `aws configure list-profiles`, `aws configure get KEY --profile P`
// and botocore's session.full_config; the deliberate differences are named in the tests.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildAwsConfig, loadAwsConfig } from '../../../src/config/loadAwsConfig.js';
import { parseIni } from '../../../src/config/parseIni.js';
import type { AwsConfig, Section } from '../../../src/config/types.js';
import { rejection } from '../../helpers/rejection.js';

const FILES = { config: '/home/u/.aws/config', credentials: '/home/u/.aws/credentials' };

function build(configText: string, credentialsText = ''): AwsConfig {
  return buildAwsConfig(parseIni(configText, FILES.config), parseIni(credentialsText, FILES.credentials), FILES);
}

/** A section's settings as plain [key, value] pairs (sub-properties as nested pairs). */
function pairs(section: Section | undefined): [string, unknown][] {
  assert.ok(section, 'expected the section to exist');
  return [...section.settings].map(([key, s]) => [key, s.nested ? [...s.nested].map(([k, n]) => [k, n.value]) : s.value]);
}

describe('buildAwsConfig', () => {
  const names: { header: string; profile: string | undefined }[] = [
    { header: 'profile acme.prod', profile: 'acme.prod' },
    { header: 'profile "a b"', profile: 'a b' },
    { header: "profile 'q x'", profile: 'q x' },
    { header: 'profile  spaced  ', profile: 'spaced' },
    { header: 'profile\ttab', profile: 'tab' },
    { header: 'profile a\\ c', profile: 'a c' },
    { header: 'profile "d\\"e"', profile: 'd"e' },
    { header: "profile 'it\\s'", profile: 'it\\s' },
    { header: 'profile x"y z"w', profile: 'xy zw' },
    { header: 'profile ""', profile: '' },
    { header: 'profile default', profile: 'default' },
    { header: 'default', profile: 'default' },
    { header: 'profilefoo', profile: undefined },
    { header: 'profile', profile: undefined },
    { header: 'profile a b', profile: undefined },
    { header: 'profile "unclosed', profile: undefined },
    { header: 'profile trail\\', profile: undefined },
    { header: ' profile lead', profile: undefined },
    { header: 'Default', profile: undefined },
    { header: ' default', profile: undefined },
    { header: 'preview', profile: undefined },
  ];
  for (const { header, profile } of names) {
    const outcome = profile === undefined ? 'ignores it' : `reads the profile ${JSON.stringify(profile)}`;
    it(`splits [${header}] as botocore's build_profile_map does and ${outcome}, as the AWS CLI does`, () => {
      const config = build(`[${header}]\nregion = r\n`);
      assert.deepEqual([...config.profiles.keys()], profile === undefined ? [] : [profile]);
      if (profile !== undefined) assert.equal(config.profiles.get(profile)?.name, profile);
    });
  }

  it('takes the later of [default] and [profile default] whole, as the AWS CLI does', () => {
    assert.deepEqual(pairs(build('[default]\nregion = a\nk = 1\n[profile default]\nregion = b\n').profiles.get('default')), [
      ['region', 'b'],
    ]);
    assert.deepEqual(pairs(build('[profile default]\nregion = b\n[default]\nregion = a\nk = 1\n').profiles.get('default')), [
      ['region', 'a'],
      ['k', '1'],
    ]);
  });

  it('takes the later of [profile a] and [profile "a"] whole, in the place of the first, as the AWS CLI does', () => {
    const config = build('[profile a]\nregion = 1\n[profile b]\n[profile "a"]\nx = 1\n');
    assert.deepEqual([...config.profiles.keys()], ['a', 'b']);
    assert.deepEqual(pairs(config.profiles.get('a')), [['x', '1']]);
    assert.equal(config.profiles.get('a')?.origin.line, 4);
  });

  it('reads [sso-session NAME] sections by the same rules, apart from profiles', () => {
    const config = build('[sso-session my-sso]\nsso_region = eu-west-1\n[sso-session "s s"]\nk = 1\n[sso-sessionx]\nk = 2\n');
    assert.deepEqual([...config.ssoSessions.keys()], ['my-sso', 's s']);
    assert.deepEqual(pairs(config.ssoSessions.get('my-sso')), [['sso_region', 'eu-west-1']]);
    assert.equal(config.profiles.size, 0);
  });

  it('reads [services NAME] with sts = and an indented endpoint_url as a nested value', () => {
    const config = build('[services dev]\nsts =\n  endpoint_url = http://localhost:4566\n[profile a]\nservices = dev\n');
    assert.deepEqual(pairs(config.services.get('dev')), [['sts', [['endpoint_url', 'http://localhost:4566']]]]);
    assert.deepEqual([...config.profiles.keys()], ['a']);
  });

  it('reads [profile __proto__], [constructor] and [toString] as plain profile names', () => {
    const config = build('[profile __proto__]\nregion = p\n[profile toString]\n', '[constructor]\nregion = c\n');
    assert.deepEqual([...config.profiles.keys()], ['__proto__', 'toString', 'constructor']);
    assert.equal(config.profiles.get('__proto__')?.settings.get('region')?.value, 'p');
    assert.equal(config.profiles.get('constructor')?.settings.get('region')?.value, 'c');
    assert.equal(config.profiles.get('hasOwnProperty'), undefined);
  });

  it('overrides a config-file profile key by key with the credentials file, as the AWS CLI does', () => {
    const config = build(
      '[default]\nregion = a\naws_access_key_id = FROMCONFIG\n[profile p]\nregion = b\ns3 =\n  x = 1\n',
      '[default]\naws_access_key_id = FROMCREDS\n[p]\ns3 = flat\n',
    );
    assert.deepEqual(pairs(config.profiles.get('default')), [
      ['region', 'a'],
      ['aws_access_key_id', 'FROMCREDS'],
    ]);
    assert.deepEqual(pairs(config.profiles.get('p')), [
      ['region', 'b'],
      ['s3', 'flat'],
    ]);
  });

  it('keeps each merged setting with the file and line it came from, and the section where the config file has it', () => {
    const config = build('[profile p]\nregion = b\noutput = json\n', '# c\n[p]\nregion = c\n');
    const section = config.profiles.get('p');
    assert.deepEqual(section?.origin, { file: FILES.config, line: 1 });
    assert.deepEqual(section.settings.get('region')?.origin, { file: FILES.credentials, line: 3 });
    assert.deepEqual(section.settings.get('output')?.origin, { file: FILES.config, line: 3 });
  });

  it('reads a profile found only in the credentials file, after the config file profiles, as the AWS CLI lists them', () => {
    const config = build('[profile a]\n', '[b]\naws_access_key_id = AKIA\n');
    assert.deepEqual([...config.profiles.keys()], ['a', 'b']);
    assert.deepEqual(config.profiles.get('b')?.origin, { file: FILES.credentials, line: 1 });
  });

  it('reads [profile c] in the credentials file as the profile "profile c", as the AWS CLI does', () => {
    const config = build('', '[profile c]\nk = v\n[sso-session s]\n');
    assert.deepEqual([...config.profiles.keys()], ['profile c', 'sso-session s']);
    assert.equal(config.ssoSessions.size, 0);
  });

  it('gives credentials-file profiles its [DEFAULT] settings, which then override the config file, as the AWS CLI does', () => {
    const config = build('[profile p]\nregion = cfg\n[profile q]\nregion = cfgq\n', '[DEFAULT]\nregion = credsdef\n[p]\n');
    assert.equal(config.profiles.get('p')?.settings.get('region')?.value, 'credsdef');
    assert.equal(config.profiles.get('q')?.settings.get('region')?.value, 'cfgq');
  });

  it('lists the files it was given', () => {
    assert.deepEqual(build('').files, FILES);
  });
});

describe('loadAwsConfig', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assume-config-'));
    await mkdir(join(dir, '.aws'));
    await mkdir(join(dir, 'a-directory'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads and merges both files from disk', async () => {
    const paths = { config: join(dir, '.aws', 'config'), credentials: join(dir, '.aws', 'credentials') };
    await writeFile(paths.config, '[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/dev\nsource_profile = base\n');
    await writeFile(paths.credentials, '[base]\naws_access_key_id = AKIA\naws_secret_access_key = s\n');
    const config = await loadAwsConfig(paths);
    assert.deepEqual([...config.profiles.keys()], ['dev', 'base']);
    assert.deepEqual(config.profiles.get('dev')?.settings.get('source_profile')?.origin, { file: paths.config, line: 3 });
    assert.deepEqual(config.files, paths);
  });

  it('reads missing files as empty ones and still lists them, as the AWS CLI does', async () => {
    const paths = { config: join(dir, 'nope', 'config'), credentials: join(dir, 'nope', 'credentials') };
    const config = await loadAwsConfig(paths);
    assert.equal(config.profiles.size, 0);
    assert.deepEqual(config.files, paths);
  });

  it('reads the empty path (AWS_CONFIG_FILE set to nothing) as a missing file, as the AWS CLI does', async () => {
    const config = await loadAwsConfig({ config: '', credentials: join(dir, 'nope') });
    assert.equal(config.profiles.size, 0);
  });

  it('refuses a config path that is a directory and names it, where the AWS CLI would read it as missing', async () => {
    const path = join(dir, 'a-directory');
    const error = await rejection(loadAwsConfig({ config: path, credentials: join(dir, 'nope') }));
    assert.equal(error.code, 'CONFIG_READ');
    assert.match(error.message, new RegExp(`^cannot read ${path}: .*EISDIR`));
    assert.match(error.hint ?? '', /AWS_CONFIG_FILE/);
    assert.ok(error.cause instanceof Error);
  });

  it('refuses a credentials file it cannot read and names AWS_SHARED_CREDENTIALS_FILE in the hint', async () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/c'"), { code: 'EACCES' });
    const readFile = (path: string): Promise<string> => (path === '/c' ? Promise.reject(denied) : Promise.resolve(''));
    const error = await rejection(loadAwsConfig({ config: '/a', credentials: '/c' }, readFile));
    assert.equal(error.code, 'CONFIG_READ');
    assert.equal(error.message, "cannot read /c: EACCES: permission denied, open '/c'");
    assert.match(error.hint ?? '', /AWS_SHARED_CREDENTIALS_FILE/);
    assert.equal(error.cause, denied);
  });

  it('reads text from an injected readFile as it is', async () => {
    const readFile = (path: string): Promise<string> => Promise.resolve(path === '/a' ? '[default]\nregion = r\n' : '');
    const config = await loadAwsConfig({ config: '/a', credentials: '/c' }, readFile);
    assert.equal(config.profiles.get('default')?.settings.get('region')?.value, 'r');
  });

  it('refuses a file with bytes that are not UTF-8, even in a comment, and names the line, as the AWS CLI does', async () => {
    const bytes = Buffer.concat([Buffer.from('[default]\r\nregion = a\r\n# '), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    const readFile = (path: string): Promise<Uint8Array> => Promise.resolve(path === '/a' ? bytes : new Uint8Array());
    const error = await rejection(loadAwsConfig({ config: '/a', credentials: '/c' }, readFile));
    assert.equal(error.code, 'CONFIG_PARSE');
    assert.equal(error.message, '/a:3: not valid UTF-8');
  });

  it('refuses a file read from disk that starts with a UTF-8 byte order mark, as the AWS CLI does', async () => {
    const path = join(dir, 'bom-config');
    await writeFile(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[default]\nregion = a\n')]));
    const error = await rejection(loadAwsConfig({ config: path, credentials: join(dir, 'nope') }));
    assert.equal(error.code, 'CONFIG_PARSE');
    assert.match(error.message, new RegExp(`^${path}:1: .*byte order mark`));
  });

  it('names the file in a parse error of the credentials file', async () => {
    const readFile = (path: string): Promise<string> => Promise.resolve(path === '/c' ? '[a]\n[a]\n' : '');
    const error = await rejection(loadAwsConfig({ config: '/a', credentials: '/c' }, readFile));
    assert.equal(error.code, 'CONFIG_PARSE');
    assert.match(error.message, /^\/c:2: /);
  });
});
