/**
 * The fast path of a cache hit (src/fastEntry.ts, dist/bundle/fast.js) end to end: real
 * bin/assume processes against the STS emulator. A warm hit it answers prints the very bytes
 * the full path prints, loading only fast.js and a few Node built-ins; anything else (a stale
 * entry, an edited config, a changed variable, a flag it does not know) runs the full path.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import { ExitCode } from '../../src/errors.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { loadBundleMeta } from '../fixtures/bundleMeta.js';
import { assumeBin, runCommand } from '../helpers/runAssume.js';
import type { RunResult } from '../helpers/runAssume.js';
import { ADMIN, OTHER, adminConfig, startAdminWorld, stopAdminWorld } from '../helpers/adminWorld.js';
import type { TempHome } from '../helpers/tempHome.js';

const preload = fileURLToPath(new URL('../fixtures/recordModuleLoads.js', import.meta.url));
const bundle = loadBundleMeta();
const fastUrl = bundle.url('dist/bundle/fast.js');
const entryUrl = bundle.url(bundle.entry);

let emu: Emulator;
let user: UserKeys;
let home: TempHome;
let cacheHome: string;

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home.dir, XDG_CACHE_HOME: cacheHome, AWS_ENDPOINT_URL_STS: emu.url, ...extra };
}

/** A bin/assume run, with the modules it loaded (ES module loader) and the built-ins Node loaded. */
interface TracedRun extends RunResult {
  readonly modules: readonly string[];
  readonly builtins: readonly string[];
}

let traceCount = 0;
async function assume(args: readonly string[], extra: Record<string, string> = {}): Promise<TracedRun> {
  traceCount += 1;
  const modules = join(cacheHome, `modules-${traceCount}.log`);
  const builtins = join(cacheHome, `builtins-${traceCount}.log`);
  const result = await runCommand(process.execPath, ['--import', preload, assumeBin, ...args], env({ ASSUME_TEST_MODULE_LOG: modules, ASSUME_TEST_BUILTIN_LOG: builtins, ...extra }));
  const lines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((line) => line !== '');
  return { ...result, modules: lines(modules), builtins: lines(builtins) };
}

/** Which path answered: the fast entry alone, or the full one. */
function path(run: TracedRun): 'fast' | 'full' {
  assert.ok(run.modules.includes(fastUrl), `bin/assume imports fast.js: ${run.modules.join(', ')}`);
  return run.modules.includes(entryUrl) ? 'full' : 'fast';
}

/** What a run printed, for comparing two runs byte for byte. */
function printed(run: RunResult): { code: number | null; stdout: string; stderr: string } {
  return { code: run.code, stdout: run.stdout, stderr: run.stderr };
}

describe('the fast path of a cache hit (bin/assume -> dist/bundle/fast.js)', () => {
  before(async () => {
    ({ emu, user, home } = await startAdminWorld());
  });
  after(() => stopAdminWorld({ emu, user, home }));
  beforeEach(() => {
    emu.reset();
    writeFileSync(home.configFile, adminConfig(user, ADMIN));
    cacheHome = mkdtempSync(join(home.dir, 'cache-'));
  });

  it('answers a warm credential_process call loading only fast.js and six Node built-ins: no commander, chalk, readline, child_process or tty', async () => {
    const cold = await assume(['--format', 'credential-process', 'admin']);
    assert.equal(cold.code, 0, cold.stderr);
    assert.equal(path(cold), 'full');
    const warm = await assume(['--format', 'credential-process', 'admin']);
    assert.deepEqual(printed(warm), printed(cold));
    assert.deepEqual(
      [...new Set(warm.modules)].sort(),
      [fastUrl, pathToFileURL(assumeBin).href, 'node:crypto', 'node:fs', 'node:fs/promises', 'node:os', 'node:path', 'node:timers/promises'].sort(),
    );
    // Also what Node loads internally (through require): none of these on a hit; the full path
    // answering the same hit (-fFORMAT, a form the fast parser leaves to it) loads them all.
    const full = await assume(['-fcredential-process', 'admin']);
    assert.deepEqual([path(warm), path(full)], ['fast', 'full']);
    assert.deepEqual(printed(full), printed(warm));
    for (const name of ['child_process', 'tty', 'http', 'https', 'zlib']) {
      assert.ok(!warm.builtins.includes(name), `a warm hit does not load ${name}`);
      assert.ok(full.builtins.includes(name) || cold.builtins.includes(name), `the detector sees ${name} on the full path`);
    }
    // The MFA prompt's readline is imported lazily by the full path too (every ES module
    // program loads Node's internal/readline/* itself).
    assert.ok(!warm.builtins.includes('readline'), 'a warm hit does not load readline');
    assert.equal(emu.count('AssumeRole'), 1);
  });

  // Each format as the fast path answers it (`-f FORMAT`) and as the full path does
  // (`-fFORMAT`: the same options for parseCli, a form the fast parser leaves to it).
  for (const format of ['sh', 'fish', 'powershell', 'cmd', 'dotenv', 'json', 'credential-process'] as const) {
    it(`prints the same bytes as the full path for a warm hit in --format ${format}, with and without a success line`, async () => {
      assert.equal((await assume(['admin'])).code, 0);
      const environments: Record<string, string>[] = [{}, { CI: 'true' }, { GITHUB_ACTIONS: 'true' }];
      for (const extra of environments) {
        for (const quiet of [[], ['-q']]) {
          const fast = await assume([...quiet, '-f', format, 'admin'], extra);
          const full = await assume([...quiet, `-f${format}`, 'admin'], extra);
          assert.deepEqual([path(fast), path(full)], ['fast', 'full'], `${format} ${JSON.stringify(extra)} ${quiet.join(' ')}`);
          // The success line says how long is left: the two runs may straddle a minute.
          const sameMinute = (text: string): string => text.replace(/, (?:\d+h )?(?:\d+m|<1m) left/, ', N left');
          assert.deepEqual({ ...printed(fast), stderr: sameMinute(fast.stderr) }, { ...printed(full), stderr: sameMinute(full.stderr) });
          assert.equal(fast.code, 0);
          const wantsLine = quiet.length === 0 && format !== 'credential-process' && Object.keys(extra).length > 0;
          assert.match(fast.stderr, wantsLine ? /^admin \(222222222222\) valid until (?:\d{4}-\d\d-\d\d )?\d\d:\d\d, (?:59m|1h) left, from the cache\n$/ : /^$/);
        }
      }
      assert.equal(emu.count('AssumeRole'), 1);
    });
  }

  it('takes the region, duration and min-remaining flags into the key as main does', async () => {
    assert.equal((await assume(['-r', 'us-west-2', '--min-remaining', '10m', '-f', 'json', 'admin'])).code, 0);
    const warm = await assume(['--min-remaining=10m', '-f', 'json', '--region', 'us-west-2', 'admin']);
    assert.equal(path(warm), 'fast');
    assert.equal((JSON.parse(warm.stdout) as { Region: string }).Region, 'us-west-2');
    const other = await assume(['-f', 'json', 'admin']);
    assert.equal(path(other), 'full', 'another region is another shortcut');
    assert.equal((JSON.parse(other.stdout) as { Region: string }).Region, 'eu-west-1');
    assert.equal(emu.count('AssumeRole'), 1, 'the same credentials serve both regions');
  });

  it('leaves a stale entry to the full path, which renews it', async () => {
    const first = await assume(['-f', 'json', 'admin']);
    const dir = join(cacheHome, 'assume');
    const entryFile = join(dir, readdirSync(dir).find((name) => name.endsWith('.json')) ?? '');
    const entry = JSON.parse(readFileSync(entryFile, 'utf8')) as Record<string, string>;
    // Two minutes left of an hour: inside the default 5-minute margin.
    const at = (ms: number): string => new Date(Date.now() + ms).toISOString().replace(/\.\d+Z$/, 'Z');
    writeFileSync(entryFile, JSON.stringify({ ...entry, issuedAt: at(-58 * 60_000), expiration: at(2 * 60_000) }));
    const renewed = await assume(['-f', 'json', 'admin']);
    assert.equal(renewed.code, 0, renewed.stderr);
    assert.equal(path(renewed), 'full');
    assert.notEqual((JSON.parse(renewed.stdout) as { AccessKeyId: string }).AccessKeyId, (JSON.parse(first.stdout) as { AccessKeyId: string }).AccessKeyId);
    assert.equal(emu.count('AssumeRole'), 2);
    assert.equal(path(await assume(['-f', 'json', 'admin'])), 'fast');
  });

  it('leaves an edited config to the full path: the new role is assumed, a broken file is refused', async () => {
    assert.equal((await assume(['-f', 'json', 'admin'])).code, 0);
    writeFileSync(home.configFile, adminConfig(user, OTHER));
    const edited = await assume(['-f', 'json', 'admin']);
    assert.equal(edited.code, 0, edited.stderr);
    assert.equal(path(edited), 'full');
    assert.deepEqual(emu.requests.filter((r) => r.action === 'AssumeRole').map((r) => r.params.RoleArn), [ADMIN, OTHER]);
    writeFileSync(home.configFile, `${adminConfig(user, OTHER)}[profile admin]\n`);
    const broken = await assume(['-f', 'json', 'admin']);
    assert.deepEqual([broken.code, broken.stdout, path(broken)], [3, '', 'full']);
    assert.match(broken.stderr, /^assume: .*config:\d+/);
  });

  it('leaves a changed variable the plan read to the full path, and follows it', async () => {
    assert.equal((await assume(['-f', 'json', 'admin'])).code, 0);
    const moved = await assume(['-f', 'json', 'admin'], { AWS_REGION: 'ap-south-1' });
    assert.equal(path(moved), 'full');
    assert.equal((JSON.parse(moved.stdout) as { Region: string }).Region, 'ap-south-1');
    const again = await assume(['-f', 'json', 'admin'], { AWS_REGION: 'ap-south-1', SOMETHING_ELSE: '1' });
    assert.equal(path(again), 'fast', 'a variable the plan never read does not matter');
    assert.deepEqual(printed(again), printed(moved));
  });

  it('leaves an unsafe cache directory to the full path, which reports it', async () => {
    assert.equal((await assume(['-f', 'json', 'admin'])).code, 0);
    chmodSync(join(cacheHome, 'assume'), 0o777);
    const refused = await assume(['-f', 'json', 'admin']);
    assert.equal(path(refused), 'full');
    assert.deepEqual([refused.code, refused.stdout], [ExitCode.config, '']);
    assert.match(refused.stderr, /^assume: the credential cache directory .* is writable by group or others/);
  });

  it('leaves flags it does not know to the full path, which runs them as before', async () => {
    assert.equal((await assume(['-f', 'json', 'admin'])).code, 0);
    // --timeout 60: these two call STS, and the emulator answers from this busy test process.
    for (const args of [['--no-cache', '--timeout', '60', '-f', 'json', 'admin'], ['--refresh', '--timeout', '60', '-f', 'json', 'admin'], ['-f', 'json', 'admin', '--', process.execPath, '-e', '0'], ['--version'], ['cache', 'list']]) {
      const run = await assume(args);
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
      assert.equal(path(run), 'full', args.join(' '));
    }
    const usage = await assume(['--bogus', 'admin']);
    assert.deepEqual([usage.code, usage.stdout, path(usage)], [2, '', 'full']);
    assert.match(usage.stderr, /^assume: unknown option '--bogus'/);
  });
});
