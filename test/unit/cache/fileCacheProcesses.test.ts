// The cache shared between processes, with real child processes (test/fixtures/cache/lockWorker.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { cacheKey } from '../../../src/cache/cacheKey.js';
import { createFileCache } from '../../../src/cache/createFileCache.js';
import { sharedClock } from '../../fixtures/cache/lockWorker.js';
import type { FetchOutcome, HoldResult, WorkerArgs } from '../../fixtures/cache/lockWorker.js';
import { sampleEntry, writerEntry } from '../../fixtures/cache/sampleEntry.js';

const workerPath = fileURLToPath(new URL('../../fixtures/cache/lockWorker.js', import.meta.url));
const key = cacheKey({ roleArn: 'arn:aws:iam::123456789012:role/Shared' });

const roots: string[] = [];
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A temp folder with an empty 0700 cache directory `dir` and a folder `out` for reports. */
function tempSetup(): { dir: string; out: string } {
  const root = mkdtempSync(join(tmpdir(), 'assume-cache-mp-'));
  roots.push(root);
  const dir = join(root, 'assume');
  const out = join(root, 'out');
  mkdirSync(dir, { mode: 0o700 });
  mkdirSync(out);
  return { dir, out };
}

interface Worker {
  readonly child: ChildProcess;
  /** Resolves with the exit code (null when killed) and what the worker wrote on stderr. */
  readonly exited: Promise<{ code: number | null; stderr: string }>;
}

function startWorker(args: WorkerArgs): Worker {
  const child = spawn(process.execPath, [workerPath, JSON.stringify(args)], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('exit', (code) => {
      children.delete(child);
      resolve({ code, stderr });
    });
  });
  return { child, exited };
}

/** Waits until `worker` has written `path`; fails at once, with its stderr, if it exits first. */
async function waitForFile(worker: Worker, path: string, timeoutMs = 10_000): Promise<void> {
  let exit: { code: number | null; stderr: string } | undefined;
  void worker.exited.then((value) => (exit = value));
  const deadline = performance.now() + timeoutMs;
  while (!existsSync(path)) {
    if (exit !== undefined) throw new Error(`the worker exited (${String(exit.code)}) before writing ${path}: ${exit.stderr}`);
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${path}`);
    await sleep(5);
  }
}

function readResult(path: string): HoldResult {
  return JSON.parse(readFileSync(path, 'utf8')) as HoldResult;
}

/** Asserts that no two hold intervals overlap and that no worker found another inside. */
function assertOneAtATime(results: readonly HoldResult[]): void {
  assert.ok(results.every((r) => !r.overlapped), 'a worker found another holder inside');
  const sorted = [...results].sort((a, b) => a.enteredAt - b.enteredAt);
  for (let i = 1; i < sorted.length; i++) {
    const previous = sorted[i - 1] as HoldResult;
    const current = sorted[i] as HoldResult;
    assert.ok(current.enteredAt >= previous.leftAt, `pid ${current.pid} entered ${(previous.leftAt - current.enteredAt).toFixed(3)} ms before pid ${previous.pid} left`);
  }
}

/** Starts `count` workers made by `args(i)`, lets them all go at once, and waits for them all to exit 0. */
async function runAtOnce(count: number, out: string, args: (i: number) => WorkerArgs): Promise<void> {
  const goFile = join(out, 'go');
  const workers = Array.from({ length: count }, (_, i) => startWorker({ ...args(i), readyFile: join(out, `ready-${i}`), goFile }));
  await Promise.all(workers.map((worker, i) => waitForFile(worker, join(out, `ready-${i}`))));
  writeFileSync(goFile, '');
  const exits = await Promise.all(workers.map((w) => w.exited));
  for (const exit of exits) assert.equal(exit.code, 0, exit.stderr);
}

/** Runs `count` hold workers at once on `key` and returns their reports. */
async function runHolders(count: number, dir: string, out: string, options: WorkerArgs['options'], holdMs: number): Promise<HoldResult[]> {
  const insideFile = join(out, 'inside');
  await runAtOnce(count, out, (i) => ({ mode: 'hold', dir, key, options, holdMs, insideFile, resultFile: join(out, `result-${i}.json`) }));
  return Array.from({ length: count }, (_, i) => readResult(join(out, `result-${i}.json`)));
}

describe('createFileCache across processes', () => {
  it('lets 20 processes that want the same lock through one at a time, and all of them finish', async () => {
    const { dir, out } = tempSetup();
    const results = await runHolders(20, dir, out, { lockTimeoutMs: 30_000 }, 15);
    assert.equal(results.length, 20);
    assert.equal(new Set(results.map((r) => r.pid)).size, 20);
    assertOneAtATime(results);
    assert.deepEqual(readdirSync(dir), [], 'no lock or mutex left behind');
  });

  it('makes one fetch for 20 processes that miss the same entry at once', async (t) => {
    const { dir, out } = tempSetup();
    const entry = sampleEntry({ accessKeyId: 'ASIAFETCHED' });
    await runAtOnce(20, out, (i) => ({ mode: 'fetch-once', dir, key, entry, holdMs: 200, resultFile: join(out, `outcome-${i}`), options: { lockTimeoutMs: 30_000 } }));
    const outcomes = Array.from({ length: 20 }, (_, i) => readFileSync(join(out, `outcome-${i}`), 'utf8') as FetchOutcome);
    const count = (outcome: FetchOutcome): number => outcomes.filter((o) => o === outcome).length;
    t.diagnostic(`1 fetched, ${count('hit after waiting')} waited for it, ${count('hit')} came after`);
    assert.equal(count('fetched'), 1, outcomes.join(', '));
    assert.ok(count('hit after waiting') >= 10, 'most of them missed at once and waited');
    assert.deepEqual(await createFileCache({ dir }).read(key), entry);
  });

  it('hands the lock of a holder killed with SIGKILL to a waiter within a second, without waiting for lockStaleMs', async (t) => {
    const { dir, out } = tempSetup();
    // Staleness by mtime would take a minute: only noticing the dead pid can be this fast.
    const options = { lockStaleMs: 60_000, heartbeatMs: 1_000, lockTimeoutMs: 30_000 };
    const holder = startWorker({ mode: 'forever', dir, key, options, readyFile: join(out, 'holding') });
    await waitForFile(holder, join(out, 'holding'));
    const waiter = startWorker({ mode: 'hold', dir, key, options, readyFile: join(out, 'waiting'), resultFile: join(out, 'waiter.json') });
    await waitForFile(waiter, join(out, 'waiting'));
    // Long enough for the waiter to find the lock held and poll a few times.
    await sleep(200);
    assert.ok(!existsSync(join(out, 'waiter.json')), 'the waiter did not get in while the holder lived');
    const killedAt = sharedClock();
    holder.child.kill('SIGKILL');
    const exit = await waiter.exited;
    assert.equal(exit.code, 0, exit.stderr);
    const recoveryMs = readResult(join(out, 'waiter.json')).enteredAt - killedAt;
    t.diagnostic(`lock taken ${recoveryMs.toFixed(1)} ms after kill -9 of its holder (lockStaleMs 60000, lockPollMs 25)`);
    assert.ok(recoveryMs > 0 && recoveryMs < 1_000, `${recoveryMs} ms`);
    assert.equal((await holder.exited).code, null);
  });

  const staleLocks: { name: string; record: () => object; ageMs: number }[] = [
    { name: 'a live pid and an old mtime', record: () => ({ pid: process.pid, hostname: hostname(), token: 'stale', createdAt: 'x' }), ageMs: 120_000 },
    { name: 'a dead pid', record: () => ({ pid: 2 ** 22 + 12345, hostname: hostname(), token: 'stale', createdAt: 'x' }), ageMs: 0 },
  ];
  for (const { name, record, ageMs } of staleLocks) {
    it(`has waiters that race to steal a stale lock with ${name} hold it one at a time`, async () => {
      const { dir, out } = tempSetup();
      const lock = join(dir, `${key}.lock`);
      writeFileSync(lock, JSON.stringify(record()), { mode: 0o600 });
      const when = new Date(Date.now() - ageMs);
      utimesSync(lock, when, when);
      const results = await runHolders(8, dir, out, { lockStaleMs: 3_000, heartbeatMs: 200, lockTimeoutMs: 20_000 }, 30);
      assert.equal(results.length, 8);
      assertOneAtATime(results);
      assert.deepEqual(readdirSync(dir), []);
    });
  }

  it('shows readers the old entry or a whole new one, never a part, while writers are killed mid-write', async (t) => {
    const { dir } = tempSetup();
    const cache = createFileCache({ dir });
    // Big tokens, so that each write takes long enough to be killed in the middle of.
    const tokenLength = 100_000;
    const old = sampleEntry({ accessKeyId: 'ASIAOLD' });
    const valid = [old, writerEntry(1, tokenLength), writerEntry(2, tokenLength)].map((e) => JSON.stringify(e));
    await cache.write(key, old);
    let reads = 0;
    for (let round = 0; round < 5; round++) {
      const ready = join(dir, '..', `ready-${round}`);
      const writer = startWorker({ mode: 'write-loop', dir, key, tokenLength, readyFile: ready });
      await waitForFile(writer, ready);
      const killAt = performance.now() + 20 + Math.random() * 60;
      let killed = false;
      while (!killed || performance.now() < killAt + 20) {
        if (!killed && performance.now() >= killAt) {
          writer.child.kill('SIGKILL');
          killed = true;
        }
        const entry = await cache.read(key);
        reads++;
        assert.ok(entry !== undefined, 'an entry once written is never missing');
        assert.ok(valid.includes(JSON.stringify(entry)), 'a read entry is one that was written whole');
      }
      assert.equal((await writer.exited).code, null);
    }
    const leftovers = readdirSync(dir).filter((name) => name.endsWith('.tmp')).length;
    t.diagnostic(`${reads} reads, ${leftovers} temporary files left by the 5 killed writers`);
    const listed = await cache.list();
    assert.equal(listed.length, 1);
    assert.ok(valid.includes(JSON.stringify(listed[0]?.entry)));
  });

  it('keeps the old entry when a writer is killed between writing its temporary file and renaming it', async () => {
    const { dir } = tempSetup();
    const cache = createFileCache({ dir });
    const old = sampleEntry({ accessKeyId: 'ASIAOLD' });
    await cache.write(key, old);
    const ready = join(dir, '..', 'ready');
    const writer = startWorker({ mode: 'partial-temp', dir, key, entry: sampleEntry({ accessKeyId: 'ASIANEW' }), readyFile: ready });
    await waitForFile(writer, ready);
    writer.child.kill('SIGKILL');
    await writer.exited;
    const temps = readdirSync(dir).filter((name) => name.endsWith('.tmp'));
    assert.equal(temps.length, 1, 'the half-written temporary file is there');
    assert.deepEqual(await cache.read(key), old);
    assert.deepEqual(await cache.list(), [{ key, entry: old }]);
    // A minute later, the next write cleans it up.
    const temp = join(dir, temps[0] as string);
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(temp, twoMinutesAgo, twoMinutesAgo);
    await cache.write(key, sampleEntry({ accessKeyId: 'ASIANEWER' }));
    assert.deepEqual(readdirSync(dir), [`${key}.json`]);
  });
});
