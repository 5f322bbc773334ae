import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { loadAwsConfig } from '../../src/config/loadAwsConfig.js';
import { run } from '../../src/main.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { runAssume } from '../helpers/runAssume.js';
import { ADMIN, OTHER, adminConfig, startAdminWorld, stopAdminWorld } from '../helpers/adminWorld.js';
import type { TempHome } from '../helpers/tempHome.js';

let emu: Emulator;
let user: UserKeys;
let home: TempHome;
let cacheHome: string;
let cacheCount = 0;


function env(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home.dir, XDG_CACHE_HOME: cacheHome, AWS_ENDPOINT_URL_STS: emu.url, ...extra };
}

/** Runs assume in this process, counting how often it reads and parses the config files. */
async function assumeCounting(args: string[], extra: Record<string, string> = {}): Promise<{ exitCode: number; stdout: string; loads: number }> {
  let stdout = '';
  let loads = 0;
  const result = await run(args, env(extra), { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: () => true } }, {
    homeDir: home.dir,
    loadConfig: (paths) => {
      loads += 1;
      return loadAwsConfig(paths);
    },
  });
  return { exitCode: 'exitCode' in result ? result.exitCode : -1, stdout, loads };
}

describe('resolution shortcut: a cache hit without reading the config', () => {
  before(async () => {
    ({ emu, user, home } = await startAdminWorld());
  });
  after(() => stopAdminWorld({ emu, user, home }));
  beforeEach(() => {
    emu.reset();
    writeFileSync(home.configFile, adminConfig(user, ADMIN));
    cacheCount += 1;
    cacheHome = join(home.dir, `cache-${cacheCount}`);
  });

  it('serves the second run from the cache without loading the config, with the same credentials and region', async () => {
    const first = await assumeCounting(['--format', 'json', 'admin']);
    const second = await assumeCounting(['--format', 'json', 'admin']);
    assert.deepEqual([first.exitCode, first.loads, second.exitCode, second.loads], [0, 1, 0, 0]);
    assert.equal(second.stdout, first.stdout);
    assert.equal((JSON.parse(second.stdout) as { Region: string }).Region, 'eu-west-1');
    assert.equal(emu.count('AssumeRole'), 1);
  });

  it('resolves again when a variable the plan read changes, and follows it', async () => {
    await assumeCounting(['--format', 'json', 'admin']);
    const moved = await assumeCounting(['--format', 'json', 'admin'], { AWS_REGION: 'ap-south-1' });
    assert.equal(moved.loads, 1);
    assert.equal((JSON.parse(moved.stdout) as { Region: string }).Region, 'ap-south-1');
    const unrelated = await assumeCounting(['--format', 'json', 'admin'], { AWS_REGION: 'ap-south-1', SOMETHING_ELSE: '1' });
    assert.equal(unrelated.loads, 0, 'a variable resolvePlan never read does not matter');
  });

  it('resolves again for other flags, and with --refresh', async () => {
    await assumeCounting(['--format', 'json', 'admin']);
    assert.equal((await assumeCounting(['--format', 'json', '--region', 'us-west-2', 'admin'])).loads, 1);
    assert.equal((await assumeCounting(['--format', 'json', '--refresh', 'admin'])).loads, 1);
    assert.equal((await assumeCounting(['--format', 'json', 'admin'])).loads, 0);
  });

  it('never serves an edited config from the shortcut: a new role is assumed, a broken file is refused', async () => {
    assert.equal((await runAssume(['admin'], env())).code, 0);
    writeFileSync(home.configFile, adminConfig(user, OTHER));
    const edited = await runAssume(['--format', 'json', 'admin'], env());
    assert.equal(edited.code, 0, edited.stderr);
    assert.deepEqual(emu.requests.filter((r) => r.action === 'AssumeRole').map((r) => r.params.RoleArn), [ADMIN, OTHER]);
    writeFileSync(home.configFile, `${adminConfig(user, OTHER)}[profile admin]\n`);
    const broken = await runAssume(['admin'], env());
    assert.equal(broken.code, 3);
    assert.equal(broken.stdout, '');
    assert.match(broken.stderr, /config:\d+/);
  });

  it('writes no secret and no credential into the shortcut file, only 0600', async () => {
    const first = await assumeCounting(['--format', 'json', 'admin']);
    const keys = JSON.parse(first.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
    const dir = join(cacheHome, 'assume');
    const plans = readdirSync(dir).filter((name) => name.endsWith('.plan'));
    assert.equal(plans.length, 1);
    const path = join(dir, plans[0] ?? '');
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const text = readFileSync(path, 'utf8');
    for (const secret of [user.accessKeyId, user.secretAccessKey, keys.AccessKeyId, keys.SecretAccessKey, keys.SessionToken]) {
      assert.ok(!text.includes(secret), 'no key, secret or token in the shortcut');
    }
  });
});
