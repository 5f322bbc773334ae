import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { parseCli } from '../../../src/cli.js';
import type { CliOptions } from '../../../src/cli.js';
import type { CommandContext } from '../../../src/commands/types.js';
import { writeProfile } from '../../../src/commands/writeProfile.js';
import type { Credentials } from '../../../src/credentials.js';
import { rejection } from '../../helpers/rejection.js';

const temporary: Credentials = {
  accessKeyId: 'ASIAWRITTEN000000001',
  secretAccessKey: 'written-secret',
  sessionToken: 'written-token',
  expiration: new Date('2030-01-02T03:04:05.678Z'),
};
const config = `[profile proc]
credential_process = /bin/false

[profile chained]
role_arn = arn:aws:iam::222222222222:role/Chained
source_profile = proc

[profile other-role]
role_arn = arn:aws:iam::222222222222:role/Other
source_profile = proc
`;

let dir: string;
let out: { stdout: string; stderr: string };

function context(env: Record<string, string> = {}): CommandContext {
  return {
    env: { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'), ...env },
    io: { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } },
    homeDir: dir,
    now: () => new Date('2030-01-02T02:00:00Z'),
    colorLevel: 0,
    version: '0.0.0',
    deps: {},
  };
}

function run(argv: string[]): CliOptions {
  const parsed = parseCli(argv, '0.0.0');
  assert.equal(parsed.kind, 'run');
  return parsed.options;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'assume-write-'));
  writeFileSync(join(dir, 'config'), config);
  out = { stdout: '', stderr: '' };
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('writeProfile', () => {
  it('writes the section, 0600, over a file readable by others, and says where on stderr only', async () => {
    const file = join(dir, 'credentials');
    writeFileSync(file, '# keep me\r\n[other]\r\nregion = x\r\n');
    chmodSync(file, 0o644);
    await writeProfile('tmp', { credentials: temporary }, context(), run(['chained', '--write-profile', 'tmp']));
    assert.equal(
      readFileSync(file, 'utf8'),
      '# keep me\r\n[other]\r\nregion = x\r\n\r\n[tmp]\r\naws_access_key_id = ASIAWRITTEN000000001\r\naws_secret_access_key = written-secret\r\naws_session_token = written-token\r\nx_security_token_expires = 2030-01-02T03:04:05Z\r\n',
    );
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(out.stdout, '');
    assert.equal(out.stderr, `assume: wrote [tmp] to ${file}\n`);
  });

  it('creates a missing folder 0700 and the file 0600', async () => {
    const file = join(dir, 'new', 'deeper', 'credentials');
    await writeProfile('tmp', { credentials: temporary }, context({ AWS_SHARED_CREDENTIALS_FILE: file }));
    assert.equal(statSync(join(dir, 'new', 'deeper')).mode & 0o777, 0o700);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.match(readFileSync(file, 'utf8'), /^\[tmp\]\naws_access_key_id = ASIAWRITTEN000000001\n/);
  });

  it('writes the file a symlink points to and keeps the link', async () => {
    const real = join(dir, 'real-credentials');
    writeFileSync(real, '[a]\nb = c\n');
    symlinkSync('real-credentials', join(dir, 'credentials'));
    await writeProfile('tmp', { credentials: temporary }, context());
    assert.equal(lstatSync(join(dir, 'credentials')).isSymbolicLink(), true);
    assert.equal(readlinkSync(join(dir, 'credentials')), 'real-credentials');
    assert.match(readFileSync(real, 'utf8'), /^\[a\]\nb = c\n\n\[tmp\]\naws_access_key_id = ASIAWRITTEN000000001\n/);
  });

  const refusals: { name: string; target: string; credentials?: Credentials; credentialsFile: string; options?: string[]; code: string; message: RegExp }[] = [
    { name: 'the long-term keys of any profile', target: 'keys', credentialsFile: '[keys]\naws_access_key_id = AKIAKEEP000000000001\naws_secret_access_key = s\n', code: 'USAGE', message: /would overwrite the long-term keys \(\*\*\*\*0001\) of profile "keys" at .*credentials:2/ },
    { name: 'a profile the assumed one depends on', target: 'proc', credentialsFile: '', options: ['chained', '--write-profile', 'proc'], code: 'USAGE', message: /would overwrite a profile "chained" depends on \(its chain: chained -> proc\)/ },
    { name: 'the profile being assumed', target: 'chained', credentialsFile: '', options: ['chained', '--write-profile', 'chained'], code: 'USAGE', message: /would overwrite the profile being assumed/ },
    { name: 'a role profile, whose role_arn the AWS CLI would use instead', target: 'other-role', credentialsFile: '', code: 'USAGE', message: /profile "other-role" has role_arn \(.*config:9\), which the AWS CLI uses before keys/ },
    { name: 'DEFAULT, which every section inherits', target: 'DEFAULT', credentialsFile: '', code: 'USAGE', message: /every profile/ },
    { name: 'long-term keys to write', target: 'tmp', credentials: { accessKeyId: 'AKIALONGTERM00000001', secretAccessKey: 'long-term-secret' }, credentialsFile: '', code: 'USAGE', message: /long-term keys \(\*\*\*\*0001\)/ },
    { name: 'a file the AWS CLI refuses (a byte order mark)', target: 'tmp', credentialsFile: '\uFEFF[a]\nb = c\n', code: 'CONFIG_PARSE', message: /byte order mark/ },
    { name: 'a file the AWS CLI refuses (a section twice)', target: 'tmp', credentialsFile: '[tmp]\na = b\n[tmp]\nc = d\n', code: 'CONFIG_PARSE', message: /written twice/ },
  ];
  for (const refusal of refusals) {
    it(`refuses to write over ${refusal.name}, leaving the file as it was`, async () => {
      const file = join(dir, 'credentials');
      writeFileSync(file, refusal.credentialsFile);
      chmodSync(file, 0o640);
      const options = refusal.options === undefined ? undefined : run(refusal.options);
      const error = await rejection(writeProfile(refusal.target, { credentials: refusal.credentials ?? temporary }, context(), options));
      assert.equal(error.code, refusal.code);
      assert.match(error.message, refusal.message);
      assert.equal(readFileSync(file, 'utf8'), refusal.credentialsFile);
      assert.equal(statSync(file).mode & 0o777, 0o640);
      assert.equal(`${error.message}${error.hint ?? ''}`.includes('written-secret'), false);
      assert.equal(out.stderr, '');
    });
  }
});
