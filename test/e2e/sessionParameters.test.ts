import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { runAssume } from '../helpers/runAssume.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

let emu: Emulator;
let user: UserKeys;
let home: TempHome;

const ADMIN = 'arn:aws:iam::222222222222:role/Admin';
const NEXT = 'arn:aws:iam::333333333333:role/Next';

function configText(u: UserKeys): string {
  return `[profile base]
aws_access_key_id = ${u.accessKeyId}
aws_secret_access_key = ${u.secretAccessKey}

[profile admin]
role_arn = ${ADMIN}
source_profile = base

[profile tagged]
role_arn = ${ADMIN}
source_profile = base
session_tags =
  Project = apollo
  Cost Center = 42
transitive_session_tags = Project
source_identity = alice
session_policy_arns = arn:aws:iam::aws:policy/ReadOnlyAccess

[profile next]
role_arn = ${NEXT}
source_profile = tagged
`;
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home.dir, XDG_CACHE_HOME: join(home.dir, 'cache'), AWS_ENDPOINT_URL_STS: emu.url, USER: 'alice', ...extra };
}

/** The AssumeRole parameters the emulator saw, in call order. */
function assumeRoleParams(): Record<string, string>[] {
  return emu.requests.filter((r) => r.action === 'AssumeRole').map((r) => r.params);
}

describe('session parameters, session names and the success line', () => {
  before(async () => {
    emu = await startEmulator();
    user = emu.addUser({ name: 'alice' });
    emu.addRole({ arn: ADMIN, trust: [user.arn], allowTagSession: true, allowSetSourceIdentity: true });
    emu.addRole({ arn: NEXT, trust: [ADMIN], allowTagSession: true, allowSetSourceIdentity: true });
    home = createTempHome(configText(user));
  });
  after(async () => {
    await emu.close();
    home.cleanup();
  });
  beforeEach(() => {
    emu.reset();
  });

  it('sends the configured tags, transitive keys, source identity and policy ARNs with AssumeRole', async () => {
    const result = await runAssume(['--no-cache', '--format', 'json', 'tagged'], env());
    assert.equal(result.code, 0, result.stderr);
    const params = assumeRoleParams()[0] ?? {};
    assert.equal(params['Tags.member.1.Key'], 'Project');
    assert.equal(params['Tags.member.1.Value'], 'apollo');
    assert.equal(params['Tags.member.2.Key'], 'Cost Center');
    assert.equal(params['Tags.member.2.Value'], '42');
    assert.equal(params['TransitiveTagKeys.member.1'], 'Project');
    assert.equal(params.SourceIdentity, 'alice');
    assert.equal(params['PolicyArns.member.1.arn'], 'arn:aws:iam::aws:policy/ReadOnlyAccess');
    const keys = JSON.parse(result.stdout) as { AccessKeyId: string };
    assert.deepEqual(emu.sessionInfo(keys.AccessKeyId)?.tags, [{ key: 'Project', value: 'apollo' }, { key: 'Cost Center', value: '42' }]);
  });

  it('carries the transitive tag and the source identity through a chain, as STS does', async () => {
    const result = await runAssume(['--no-cache', '--format', 'json', 'next'], env());
    assert.equal(result.code, 0, result.stderr);
    const keys = JSON.parse(result.stdout) as { AccessKeyId: string };
    const info = emu.sessionInfo(keys.AccessKeyId);
    assert.ok(info);
    assert.deepEqual(info.tags, [{ key: 'Project', value: 'apollo' }]);
    assert.equal(info.sourceIdentity, 'alice');
  });

  it('takes --tag, --transitive-tag, --source-identity, --policy (JSON or file) and --policy-arn for the last role', async () => {
    const policyFile = join(home.dir, 'policy.json');
    const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
    writeFileSync(policyFile, policy);
    for (const given of [policy, policyFile]) {
      emu.reset();
      const args = ['--no-cache', '--format', 'json', '--tag', 'Run=7', '--tag', 'Team=', '--transitive-tag', 'Run', '--source-identity', 'ci-bot', '--policy', given, '--policy-arn', 'arn:aws:iam::222222222222:policy/Limit', 'admin'];
      const result = await runAssume(args, env());
      assert.equal(result.code, 0, result.stderr);
      const params = assumeRoleParams()[0] ?? {};
      assert.deepEqual(
        [params['Tags.member.1.Key'], params['Tags.member.1.Value'], params['Tags.member.2.Key'], params['Tags.member.2.Value'], params['TransitiveTagKeys.member.1'], params.SourceIdentity, params.Policy, params['PolicyArns.member.1.arn']],
        ['Run', '7', 'Team', '', 'Run', 'ci-bot', policy, 'arn:aws:iam::222222222222:policy/Limit'],
      );
    }
  });

  it('caches credentials with different tags or policies apart', async () => {
    const cacheEnv = env({ XDG_CACHE_HOME: join(home.dir, 'cache-apart') });
    for (const tag of ['Run=1', 'Run=2', 'Run=1']) {
      const result = await runAssume(['--format', 'json', '--tag', tag, 'admin'], cacheEnv);
      assert.equal(result.code, 0, result.stderr);
    }
    assert.equal(emu.count('AssumeRole'), 2, 'the third run is served from the cache of the first');
  });

  it('refuses a --policy that is not JSON, nor a readable file, before any call', async () => {
    for (const [given, message] of [['{"Version":', /not valid JSON/], ['/nonexistent/policy.json', /neither JSON nor a file assume can read \(ENOENT\)/], ['[1]', /neither JSON nor a file/]] as const) {
      const result = await runAssume(['--no-cache', '--policy', given, 'admin'], env());
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
    }
    assert.equal(emu.count(), 0);
  });

  it('names generated sessions after who asked: the login name, or the GitHub actor in GitHub Actions', async () => {
    await runAssume(['--no-cache', 'admin'], env({ USER: 'alice smith' }));
    await runAssume(['--no-cache', 'admin'], env({ GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'octocat', GITHUB_ENV: '' }));
    const names = assumeRoleParams().map((p) => p.RoleSessionName ?? '');
    assert.match(names[0] ?? '', /^alice-smith@assume-\d{10}$/);
    assert.match(names[1] ?? '', /^octocat@assume-\d{10}$/);
  });

  it('prints one success line on stderr in CI, with the account and expiry, and no secret', async () => {
    const first = await runAssume(['admin'], env({ CI: 'true', XDG_CACHE_HOME: join(home.dir, 'cache-ci') }));
    assert.equal(first.code, 0);
    assert.match(first.stderr, /^admin \(222222222222\) valid until (?:\d{4}-\d\d-\d\d )?\d\d:\d\d, (?:59m|1h) left\n$/);
    const second = await runAssume(['admin'], env({ CI: 'true', XDG_CACHE_HOME: join(home.dir, 'cache-ci') }));
    assert.match(second.stderr, /^admin \(222222222222\) valid until .*, (?:\d+m|1h) left, from the cache\n$/);
    for (const text of [first.stderr, second.stderr]) assert.ok(!text.includes(user.secretAccessKey));
  });

  it('prints nothing on stderr with --quiet, nor for credential_process, nor when stderr is not a terminal outside CI', async () => {
    for (const args of [['--quiet', 'admin'], ['-q', 'admin'], ['--format', 'credential-process', 'admin']]) {
      const result = await runAssume(['--no-cache', ...args], env({ CI: 'true' }));
      assert.equal(result.code, 0);
      assert.equal(result.stderr, '', args.join(' '));
    }
    const plain = await runAssume(['--no-cache', 'admin'], env());
    assert.equal(plain.stderr, '');
  });
});
