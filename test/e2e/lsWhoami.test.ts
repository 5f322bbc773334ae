import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { assumeBin, runAssume, runCommand } from '../helpers/runAssume.js';
import type { RunResult } from '../helpers/runAssume.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

let emu: Emulator;
let user: UserKeys;
let home: TempHome;
let cacheRoot: string;

function configText(u: UserKeys): string {
  return `[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
region = eu-west-1

[profile ci.deploy]
role_arn = arn:aws:iam::333333333333:role/Deploy
credential_source = Environment

[profile dev]
sso_session = corp
sso_account_id = 444444444444
sso_role_name = Developer

[sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1

[profile base]
aws_access_key_id = ${u.accessKeyId}
aws_secret_access_key = ${u.secretAccessKey}
`;
}

/** The usual environment of a run, with a cache of its own (so each test starts with none). */
function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    HOME: home.dir,
    AWS_CONFIG_FILE: home.configFile,
    AWS_SHARED_CREDENTIALS_FILE: home.credentialsFile,
    XDG_CACHE_HOME: mkdtempSync(join(cacheRoot, 'cache-')),
    AWS_ENDPOINT_URL_STS: emu.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    TZ: 'UTC',
    ...extra,
  };
}

function assertCleanFailure(result: RunResult, code: number, message: RegExp): void {
  assert.equal(result.code, code, `exit code; stderr was: ${result.stderr}`);
  assert.equal(result.stdout, '', 'nothing on stdout when it fails');
  assert.match(result.stderr, message);
  assert.match(result.stderr, /^assume: /);
  assert.match(result.stderr, /\n {2}hint: /);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace without --debug');
  assert.ok(!result.stderr.includes(user.secretAccessKey), 'no secret on stderr');
}

before(async () => {
  emu = await startEmulator();
  user = emu.addUser({ name: 'alice', accountId: '111111111111' });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [user.arn] });
  home = createTempHome(configText(user));
  cacheRoot = mkdtempSync(join(home.dir, 'caches-'));
});

after(async () => {
  home.cleanup();
  rmSync(cacheRoot, { recursive: true, force: true });
  await emu.close();
});

describe('assume ls', () => {
  it('prints every profile as an aligned table, calling no STS', async () => {
    const before = emu.count();
    const result = await runAssume(['ls'], env());
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(
      result.stdout,
      [
        'PROFILE    KIND    ROLE                                   SOURCE                         REGION     EXPIRES',
        'admin      role    arn:aws:iam::222222222222:role/Admin   source_profile base            eu-west-1  -',
        'base       static  -                                      static keys                    -          -',
        'ci.deploy  role    arn:aws:iam::333333333333:role/Deploy  credential_source Environment  -          -',
        'dev        sso     444444444444/Developer                 sso_session corp               -          -',
        '',
      ].join('\n'),
    );
    assert.ok(!result.stdout.includes(user.accessKeyId) && !result.stdout.includes(user.secretAccessKey), 'no key on stdout');
    assert.equal(emu.count(), before, 'no STS call');
  });

  it('shows, after a real assume, the expiry of the cached credentials in --list --json', async () => {
    const runEnv = env();
    const assumed = await runAssume(['--format', 'credential-process', 'admin'], runEnv);
    assert.equal(assumed.code, 0, assumed.stderr);
    const { Expiration } = JSON.parse(assumed.stdout) as { Expiration: string };

    const listed = await runAssume(['--list', '--json'], runEnv);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stderr, '');
    const rows = JSON.parse(listed.stdout) as { name: string; kind: string; roleArn: string | null; expires: string | null; file: string; line: number }[];
    assert.deepEqual(
      rows.map((row) => row.name),
      ['admin', 'base', 'ci.deploy', 'dev'],
    );
    const admin = rows.find((row) => row.name === 'admin');
    assert.ok(admin, 'admin is listed');
    assert.equal(admin.kind, 'role');
    assert.equal(admin.roleArn, 'arn:aws:iam::222222222222:role/Admin');
    assert.equal(admin.file, home.configFile);
    assert.equal(admin.line, 1);
    assert.ok(admin.expires !== null, 'admin has a cached expiry');
    // The cache keeps STS's milliseconds; credential_process drops them.
    assert.equal(Math.floor(new Date(admin.expires).getTime() / 1000), new Date(Expiration).getTime() / 1000);
    assert.deepEqual(
      rows.filter((row) => row.name !== 'admin').map((row) => row.expires),
      [null, null, null],
    );
    for (const secret of [user.secretAccessKey, (JSON.parse(assumed.stdout) as { SecretAccessKey: string }).SecretAccessKey]) {
      assert.ok(!listed.stdout.includes(secret), 'no secret in the listing');
    }

    const table = await runAssume(['ls'], runEnv);
    assert.match(table.stdout, /^admin +role +arn:aws:iam::222222222222:role\/Admin +source_profile base +eu-west-1 +(?:\d{4}-\d\d-\d\d )?\d\d:\d\d \((\d+m|1h) left\)$/m);
  });

  it('says there are no profiles on stderr, with a hint, and exits 0 with an empty stdout ([] with --json)', async () => {
    const empty = createTempHome('', '');
    try {
      const runEnv = env({ HOME: empty.dir, AWS_CONFIG_FILE: empty.configFile, AWS_SHARED_CREDENTIALS_FILE: empty.credentialsFile });
      const plain = await runAssume(['ls'], runEnv);
      assert.equal(plain.code, 0);
      assert.equal(plain.stdout, '');
      assert.match(plain.stderr, /^assume: no profiles in .*config or .*credentials\n {2}hint: /);
      const json = await runAssume(['ls', '--json'], runEnv);
      assert.equal(json.code, 0);
      assert.equal(json.stdout, '[]\n');
    } finally {
      empty.cleanup();
    }
  });

  it('refuses a config the parser refuses with exit 3', async () => {
    const broken = createTempHome('[profile ok]\nregion = eu-west-1\n[profile broken\n', '');
    try {
      const result = await runAssume(['ls'], env({ HOME: broken.dir, AWS_CONFIG_FILE: broken.configFile, AWS_SHARED_CREDENTIALS_FILE: broken.credentialsFile }));
      assertCleanFailure(result, 3, new RegExp(broken.configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    } finally {
      broken.cleanup();
    }
  });
});

describe('assume whoami', () => {
  it('after eval "$(assume PROFILE)" in the same bash, shows the assumed role and the time left', async () => {
    const identityCalls = emu.count('GetCallerIdentity');
    const script = 'assume() { "$NODE" "$ASSUME_BIN" "$@"; }\neval "$(assume admin)" || exit 9\nassume whoami\n';
    const result = await runCommand('bash', ['-c', script], { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE: process.execPath, ASSUME_BIN: assumeBin, ...env() });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], 'account  222222222222');
    assert.match(lines[1] ?? '', /^arn {6}arn:aws:sts::222222222222:assumed-role\/Admin\/[\w+=,.@-]+$/);
    assert.match(lines[2] ?? '', /^user id {2}AROA[A-Z0-9]+:[\w+=,.@-]+$/);
    assert.match(lines[3] ?? '', /^expires {2}\d{4}-\d\d-\d\d \d\d:\d\d \((\d+m|1h) left\)$/);
    assert.equal(lines.length, 5);
    assert.equal(emu.count('GetCallerIdentity'), identityCalls + 1, 'one GetCallerIdentity call');
  });

  it('prints JSON for a script with --json, the expiry from AWS_CREDENTIAL_EXPIRATION', async () => {
    const runEnv = env();
    const assumed = JSON.parse((await runAssume(['--format', 'credential-process', 'admin'], runEnv)).stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
    const result = await runAssume(['whoami', '--json', '--timeout', '10'], {
      ...runEnv,
      AWS_ACCESS_KEY_ID: assumed.AccessKeyId,
      AWS_SECRET_ACCESS_KEY: assumed.SecretAccessKey,
      AWS_SESSION_TOKEN: assumed.SessionToken,
      AWS_CREDENTIAL_EXPIRATION: assumed.Expiration,
    });
    assert.equal(result.code, 0, result.stderr);
    const parsed = JSON.parse(result.stdout) as { account: string; arn: string; userId: string; expiration: string; secondsLeft: number };
    assert.equal(parsed.account, '222222222222');
    assert.match(parsed.arn, /^arn:aws:sts::222222222222:assumed-role\/Admin\//);
    assert.equal(new Date(parsed.expiration).getTime(), new Date(assumed.Expiration).getTime());
    assert.ok(parsed.secondsLeft > 0 && parsed.secondsLeft <= 3600);
    for (const secret of [assumed.SecretAccessKey, assumed.SessionToken]) assert.ok(!result.stdout.includes(secret) && !result.stderr.includes(secret));
  });

  it('shows the user of long-term keys', async () => {
    const result = await runAssume(['whoami'], env({ AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey }));
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^account {2}111111111111\narn {6}arn:aws:iam::111111111111:user\/alice\n/);
    assert.match(result.stdout, /^expires {2}never \(long-term keys\)$/m);
  });

  it('exits 5 with a hint when the environment holds no credentials, calling no STS', async () => {
    const before = emu.count();
    const result = await runAssume(['whoami'], env());
    assertCleanFailure(result, 5, /no AWS credentials in the environment/);
    assert.match(result.stderr, /eval "\$\(assume PROFILE\)"/);
    assert.equal(emu.count(), before);
  });

  it('exits 5 when STS does not know the credentials, never showing the secret', async () => {
    const secret = 'not-a-real-secret-0123456789abcdefghijklmn';
    const result = await runAssume(['whoami'], env({ AWS_ACCESS_KEY_ID: 'AKIAUNKNOWN000000042', AWS_SECRET_ACCESS_KEY: secret }));
    assertCleanFailure(result, 5, /the credentials in the environment are not valid/);
    assert.ok(!result.stderr.includes(secret));
    assert.ok(!result.stderr.includes('AKIAUNKNOWN000000042'), 'the key id is shown redacted');
  });
});
