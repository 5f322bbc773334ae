import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CacheEntry } from '../../../src/cache/cacheEntry.js';
import { cacheKey } from '../../../src/cache/cacheKey.js';
import { createFileCache } from '../../../src/cache/createFileCache.js';
import type { CredentialCache, FileCacheOptions } from '../../../src/cache/createFileCache.js';
import { AssumeError, ExitCode } from '../../../src/errors.js';
import { sampleEntry } from '../../fixtures/cache/sampleEntry.js';

const roots: string[] = [];
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** A fresh temp folder; the cache dir inside it does not exist yet. */
function tempRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'assume-cache-'));
  roots.push(root);
  return root;
}

/** A cache on an existing 0700 directory. */
function tempCache(options: Omit<FileCacheOptions, 'dir'> = {}): CredentialCache {
  const dir = join(tempRoot(), 'assume');
  mkdirSync(dir, { mode: 0o700 });
  return createFileCache({ dir, ...options });
}

const key = cacheKey({ roleArn: 'arn:aws:iam::123456789012:role/Admin' });
const otherKey = cacheKey({ roleArn: 'arn:aws:iam::123456789012:role/Other' });
const isRoot = process.getuid?.() === 0;

function mode(path: string): number {
  return lstatSync(path).mode & 0o7777;
}

/** Checks an AssumeError CACHE_UNSAFE naming the path and the problem. */
function unsafe(path: string, problem: RegExp): (error: unknown) => boolean {
  return (error) => {
    assert.ok(error instanceof AssumeError, String(error));
    assert.equal(error.code, 'CACHE_UNSAFE');
    assert.equal(error.exitCode, ExitCode.config);
    assert.ok(error.message.includes(path), error.message);
    assert.match(error.message, problem);
    assert.ok(error.hint !== undefined && error.hint !== '');
    return true;
  };
}

/** Writes a lock file as another assume would, with its mtime `ageMs` in the past. */
function plantLock(cache: CredentialCache, record: object | string, ageMs = 0): string {
  const path = join(cache.dir, `${key}.lock`);
  writeFileSync(path, typeof record === 'string' ? record : JSON.stringify(record), { mode: 0o600 });
  const when = new Date(Date.now() - ageMs);
  utimesSync(path, when, when);
  return path;
}

/** A pid that no process has: that of a child that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid;
}

/** A valid entry's JSON with one byte of its secret replaced by 0xFF, which is not UTF-8. */
function invalidUtf8Entry(): Buffer {
  const bytes = Buffer.from(JSON.stringify(sampleEntry()));
  bytes[bytes.indexOf('wJalr') + 1] = 0xff;
  return bytes;
}

const lockRecord = (pid: number, host = hostname()): object => ({ pid, hostname: host, token: 'someone-else', createdAt: new Date().toISOString() });

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - start };
}

describe('createFileCache', () => {
  it('reads back the entry it wrote', async () => {
    const cache = tempCache();
    await cache.write(key, sampleEntry());
    assert.deepEqual(await cache.read(key), sampleEntry());
    assert.equal(await cache.read(otherKey), undefined);
  });

  it('replaces an entry on a second write', async () => {
    const cache = tempCache();
    await cache.write(key, sampleEntry());
    const { profile: _dropped, ...second } = sampleEntry({ accessKeyId: 'ASIASECOND' });
    await cache.write(key, second);
    assert.deepEqual(await cache.read(key), second);
    assert.deepEqual(readdirSync(cache.dir), [`${key}.json`]);
  });

  it('creates the directory 0700 on first write, with its parents, and the entry 0600', async () => {
    const dir = join(tempRoot(), 'home', '.cache', 'assume');
    const cache = createFileCache({ dir });
    await cache.write(key, sampleEntry());
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(join(dir, `${key}.json`)), 0o600);
    assert.ok(statSync(join(dir, '..')).isDirectory());
  });

  it('keeps those modes exact whatever the umask', async () => {
    for (const umask of [0o000, 0o077, 0o777]) {
      const dir = join(tempRoot(), 'assume');
      const previous = process.umask(umask);
      try {
        await createFileCache({ dir }).write(key, sampleEntry());
      } finally {
        process.umask(previous);
      }
      assert.equal(mode(dir), 0o700, `umask ${umask.toString(8)}`);
      assert.equal(mode(join(dir, `${key}.json`)), 0o600, `umask ${umask.toString(8)}`);
    }
  });

  it('creates nothing when reading, listing or removing in a missing directory', async () => {
    const root = tempRoot();
    const cache = createFileCache({ dir: join(root, 'cache', 'assume') });
    assert.equal(await cache.read(key), undefined);
    assert.deepEqual(await cache.list(), []);
    await cache.remove(key);
    assert.deepEqual(readdirSync(root), []);
  });

  it('refuses a symlinked directory for every operation, and writes nothing through it', async () => {
    const root = tempRoot();
    const target = join(root, 'elsewhere');
    mkdirSync(target, { mode: 0o700 });
    const dir = join(root, 'assume');
    symlinkSync(target, dir);
    const cache = createFileCache({ dir });
    const check = unsafe(dir, /symbolic link/);
    await assert.rejects(cache.read(key), check);
    await assert.rejects(cache.list(), check);
    await assert.rejects(cache.write(key, sampleEntry()), check);
    await assert.rejects(cache.remove(key), check);
    await assert.rejects(cache.withLock(key, () => Promise.resolve()), check);
    assert.deepEqual(readdirSync(target), []);
  });

  it('refuses a cache path that is a file', async () => {
    const dir = join(tempRoot(), 'assume');
    writeFileSync(dir, '', { mode: 0o600 });
    const cache = createFileCache({ dir });
    await assert.rejects(cache.read(key), unsafe(dir, /not a directory/));
    await assert.rejects(cache.write(key, sampleEntry()), unsafe(dir, /not a directory/));
  });

  for (const dirMode of [0o770, 0o730, 0o707, 0o703, 0o777, 0o1777]) {
    it(`refuses a directory with mode ${dirMode.toString(8)}, writable by group or others`, async () => {
      const cache = tempCache();
      await cache.write(key, sampleEntry());
      chmodSync(cache.dir, dirMode);
      await assert.rejects(cache.read(key), unsafe(cache.dir, new RegExp(`writable by group or others \\(mode ${dirMode.toString(8).padStart(4, '0')}\\)`)));
      await assert.rejects(cache.list(), unsafe(cache.dir, /writable/));
      await assert.rejects(cache.write(key, sampleEntry()), unsafe(cache.dir, /writable/));
      await assert.rejects(cache.withLock(key, () => Promise.resolve()), unsafe(cache.dir, /writable/));
    });
  }

  it('accepts a directory that others may read but not write', async () => {
    const cache = tempCache();
    chmodSync(cache.dir, 0o755);
    await cache.write(key, sampleEntry());
    assert.deepEqual(await cache.read(key), sampleEntry());
  });

  it('refuses a directory owned by another user', async () => {
    let dir: string;
    if (isRoot) {
      dir = join(tempRoot(), 'assume');
      mkdirSync(dir, { mode: 0o700 });
      chownSync(dir, 65534, 65534);
    } else {
      // Not root: the root directory is someone else's (root's), and not writable by others.
      dir = '/';
    }
    const cache = createFileCache({ dir });
    await assert.rejects(cache.read(key), unsafe(dir, /owned by uid \d+, not by you/));
    await assert.rejects(cache.list(), unsafe(dir, /owned by uid/));
    await assert.rejects(cache.write(key, sampleEntry()), unsafe(dir, /owned by uid/));
  });

  it('treats a symlinked entry as a miss, and writing replaces the link, not its target', async () => {
    const cache = tempCache();
    const target = join(tempRoot(), 'planted.json');
    const planted = `${JSON.stringify(sampleEntry({ accessKeyId: 'ASIAPLANTED' }))}\n`;
    writeFileSync(target, planted, { mode: 0o600 });
    const entryPath = join(cache.dir, `${key}.json`);
    symlinkSync(target, entryPath);
    assert.equal(await cache.read(key), undefined);
    assert.deepEqual(await cache.list(), []);
    await cache.write(key, sampleEntry());
    assert.ok(lstatSync(entryPath).isFile());
    assert.equal(readFileSync(target, 'utf8'), planted);
    assert.deepEqual(await cache.read(key), sampleEntry());
  });

  it('treats a dangling symlink as a miss', async () => {
    const cache = tempCache();
    symlinkSync(join(cache.dir, 'nowhere'), join(cache.dir, `${key}.json`));
    assert.equal(await cache.read(key), undefined);
  });

  const corrupt: { name: string; content: string | Buffer }[] = [
    { name: 'an empty entry', content: '' },
    { name: 'a truncated entry', content: JSON.stringify(sampleEntry()).slice(0, 100) },
    { name: 'an entry of garbage', content: Buffer.from([0xde, 0xad, 0xbe, 0xef]) },
    { name: 'an entry of another version', content: JSON.stringify({ ...sampleEntry(), version: 2 }) },
    { name: 'an entry with invalid UTF-8 inside a string', content: invalidUtf8Entry() },
    { name: 'an entry over 1 MiB', content: JSON.stringify(sampleEntry({ sessionToken: 'x'.repeat(1_100_000) })) },
  ];
  for (const { name, content } of corrupt) {
    it(`treats ${name} as a miss`, async () => {
      const cache = tempCache();
      writeFileSync(join(cache.dir, `${key}.json`), content, { mode: 0o600 });
      assert.equal(await cache.read(key), undefined);
      assert.deepEqual(await cache.list(), []);
    });
  }

  it('treats a FIFO in place of an entry as a miss without blocking on it', async () => {
    const cache = tempCache();
    const made = spawnSync('mkfifo', ['-m', '600', join(cache.dir, `${key}.json`)]);
    assert.equal(made.status, 0, String(made.stderr));
    assert.equal(await cache.read(key), undefined);
    assert.deepEqual(await cache.list(), []);
  });

  it('treats a directory in place of an entry as a miss', async () => {
    const cache = tempCache();
    mkdirSync(join(cache.dir, `${key}.json`));
    assert.equal(await cache.read(key), undefined);
  });

  it('treats an entry readable by others as a miss: assume never wrote it', async () => {
    const cache = tempCache();
    await cache.write(key, sampleEntry());
    chmodSync(join(cache.dir, `${key}.json`), 0o644);
    assert.equal(await cache.read(key), undefined);
  });

  it('treats an entry owned by another user as a miss', async () => {
    const cache = tempCache();
    await cache.write(key, sampleEntry());
    const path = join(cache.dir, `${key}.json`);
    if (isRoot) {
      chownSync(path, 65534, 65534);
      assert.equal(await cache.read(key), undefined);
    } else {
      // Not root: an entry cannot be given away, so only its owner can be checked.
      assert.equal(lstatSync(path).uid, process.getuid?.());
    }
  });

  it('lists every valid entry by key, skipping corrupt entries, temporary files and locks', async () => {
    const cache = tempCache();
    const [first, second] = [key, otherKey].sort() as [string, string];
    await cache.write(first, sampleEntry({ profile: 'first' }));
    await cache.write(second, sampleEntry({ profile: 'second' }));
    writeFileSync(join(cache.dir, `${cacheKey('corrupt')}.json`), '{"version":1', { mode: 0o600 });
    writeFileSync(join(cache.dir, `.${key}.json.123.0123456789ab.tmp`), JSON.stringify(sampleEntry()), { mode: 0o600 });
    writeFileSync(join(cache.dir, `${key}.lock`), '{}', { mode: 0o600 });
    writeFileSync(join(cache.dir, 'not a key.json'), JSON.stringify(sampleEntry()), { mode: 0o600 });
    writeFileSync(join(cache.dir, 'README'), 'hello', { mode: 0o600 });
    assert.deepEqual(await cache.list(), [
      { key: first, entry: sampleEntry({ profile: 'first' }) },
      { key: second, entry: sampleEntry({ profile: 'second' }) },
    ]);
  });

  it('removes an entry, and removing an absent one is fine', async () => {
    const cache = tempCache();
    await cache.write(key, sampleEntry());
    await cache.remove(key);
    assert.equal(await cache.read(key), undefined);
    await cache.remove(key);
    assert.deepEqual(readdirSync(cache.dir), []);
  });

  it('removes temporary files older than a minute on write, and leaves younger ones', async () => {
    const cache = tempCache();
    const old = join(cache.dir, `.${key}.json.4242.0123456789ab.tmp`);
    const young = join(cache.dir, `.${key}.json.4343.ba9876543210.tmp`);
    writeFileSync(old, '{"vers', { mode: 0o600 });
    writeFileSync(young, '{"vers', { mode: 0o600 });
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    utimesSync(old, twoMinutesAgo, twoMinutesAgo);
    await cache.write(otherKey, sampleEntry());
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(young), true);
  });

  for (const bad of ['', '../escape', 'a/b', '.hidden', 'key.json', 'k'.repeat(129), 'sp ace']) {
    it(`refuses the key ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 8)}...` : bad)}`, async () => {
      const cache = tempCache();
      await assert.rejects(cache.read(bad), TypeError);
      await assert.rejects(cache.write(bad, sampleEntry()), TypeError);
      await assert.rejects(cache.remove(bad), TypeError);
      await assert.rejects(cache.withLock(bad, () => Promise.resolve()), TypeError);
      assert.deepEqual(readdirSync(cache.dir), []);
    });
  }

  it('refuses to write an invalid entry, naming none of its secrets, and creates nothing', async () => {
    const dir = join(tempRoot(), 'assume');
    const cache = createFileCache({ dir });
    const invalid = sampleEntry({ expiration: '2026-11-28T16:00:00Z', secretAccessKey: 'TOP-SECRET-VALUE', sessionToken: 'TOP-SECRET-TOKEN' });
    await assert.rejects(cache.write(key, invalid), (error: unknown) => {
      assert.ok(error instanceof TypeError);
      assert.doesNotMatch(error.message, /TOP-SECRET/);
      return true;
    });
    await assert.rejects(cache.write(key, { ...sampleEntry(), version: 2 } as unknown as CacheEntry), TypeError);
    assert.equal(existsSync(dir), false);
  });

  it('writes only the known fields of an entry', async () => {
    const cache = tempCache();
    await cache.write(key, { ...sampleEntry(), extra: 'dropped' } as CacheEntry);
    assert.deepEqual(await cache.read(key), sampleEntry());
  });

  it('refuses lock timings under which a live lock would look stale', () => {
    assert.throws(() => createFileCache({ dir: '/x', lockStaleMs: 1_000, heartbeatMs: 1_000 }), RangeError);
    assert.throws(() => createFileCache({ dir: '/x', lockPollMs: 0 }), RangeError);
    assert.throws(() => createFileCache({ dir: '/x', lockTimeoutMs: Number.NaN }), RangeError);
  });
});

describe('createFileCache withLock', () => {
  it('returns what fn returns and removes its lock', async () => {
    const cache = tempCache();
    assert.equal(await cache.withLock(key, () => Promise.resolve(42)), 42);
    assert.deepEqual(readdirSync(cache.dir), []);
  });

  it('creates the directory 0700 when it has to lock in a missing one', async () => {
    const dir = join(tempRoot(), 'assume');
    await createFileCache({ dir }).withLock(key, () => Promise.resolve());
    assert.equal(mode(dir), 0o700);
  });

  it('holds a 0600 lock file naming its pid and host while fn runs', async () => {
    const cache = tempCache();
    await cache.withLock(key, () => {
      const path = join(cache.dir, `${key}.lock`);
      assert.equal(mode(path), 0o600);
      const record = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      assert.equal(record.pid, process.pid);
      assert.equal(record.hostname, hostname());
      assert.match(String(record.token), /^[0-9a-f]{32}$/);
      assert.ok(!Number.isNaN(Date.parse(String(record.createdAt))));
      return Promise.resolve();
    });
  });

  it('passes on what fn throws, and still removes its lock', async () => {
    const cache = tempCache();
    await assert.rejects(cache.withLock(key, () => Promise.reject(new Error('boom'))), /boom/);
    assert.deepEqual(readdirSync(cache.dir), []);
  });

  it('lets one holder at a time through within a process', async () => {
    const cache = tempCache({ lockPollMs: 2 });
    let inside = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map((n) =>
        cache.withLock(key, async () => {
          inside++;
          most = Math.max(most, inside);
          await sleep(10);
          order.push(n);
          inside--;
        }),
      ),
    );
    assert.equal(most, 1);
    assert.equal(order.length, 5);
  });

  it('does not hold one key up with another', async () => {
    const cache = tempCache({ lockTimeoutMs: 1_000 });
    await cache.withLock(key, () => cache.withLock(otherKey, () => Promise.resolve()));
  });

  it('refreshes the lock mtime every heartbeatMs while fn runs', async () => {
    const cache = tempCache({ heartbeatMs: 20, lockStaleMs: 1_000 });
    await cache.withLock(key, async () => {
      const path = join(cache.dir, `${key}.lock`);
      const past = new Date(Date.now() - 60_000);
      utimesSync(path, past, past);
      await sleep(150);
      assert.ok(Date.now() - statSync(path).mtimeMs < 100, 'mtime refreshed');
    });
  });

  it('leaves a lock that is no longer its own', async () => {
    const cache = tempCache();
    const path = join(cache.dir, `${key}.lock`);
    const theirs = JSON.stringify(lockRecord(process.pid));
    await cache.withLock(key, () => {
      writeFileSync(path, theirs);
      return Promise.resolve();
    });
    assert.equal(readFileSync(path, 'utf8'), theirs);
  });

  it('takes over at once a lock whose pid is dead on this host, however young', async () => {
    const cache = tempCache({ lockStaleMs: 60_000 });
    plantLock(cache, lockRecord(deadPid()));
    const { value, ms } = await timed(() => cache.withLock(key, () => Promise.resolve('mine')));
    assert.equal(value, 'mine');
    assert.ok(ms < 1_000, `${ms} ms`);
    assert.deepEqual(readdirSync(cache.dir), []);
  });

  it('waits for a lock whose pid is from another host until its mtime is older than lockStaleMs', async () => {
    const cache = tempCache({ lockStaleMs: 400, heartbeatMs: 100 });
    plantLock(cache, lockRecord(deadPid(), 'another-host.example'));
    const { ms } = await timed(() => cache.withLock(key, () => Promise.resolve()));
    assert.ok(ms >= 300 && ms < 3_000, `${ms} ms`);
  });

  it('takes over a lock whose pid lives once its mtime is older than lockStaleMs', async () => {
    const cache = tempCache({ lockStaleMs: 60_000 });
    plantLock(cache, lockRecord(process.pid), 120_000);
    const { ms } = await timed(() => cache.withLock(key, () => Promise.resolve()));
    assert.ok(ms < 1_000, `${ms} ms`);
  });

  it('waits lockStaleMs for a young lock whose pid lives but whose heartbeat stopped', async () => {
    const cache = tempCache({ lockStaleMs: 400, heartbeatMs: 100 });
    plantLock(cache, lockRecord(process.pid));
    const { ms } = await timed(() => cache.withLock(key, () => Promise.resolve()));
    assert.ok(ms >= 300 && ms < 3_000, `${ms} ms`);
  });

  it('treats an empty lock (its creator died before writing it) as live until its mtime is stale', async () => {
    const cache = tempCache({ lockStaleMs: 400, heartbeatMs: 100 });
    plantLock(cache, '');
    const { ms } = await timed(() => cache.withLock(key, () => Promise.resolve()));
    assert.ok(ms >= 300 && ms < 3_000, `${ms} ms`);
  });

  it('removes a steal mutex left behind by a dead pid, or older than a few seconds', async () => {
    for (const [record, ageMs] of [[lockRecord(deadPid()), 0], [lockRecord(process.pid), 10_000]] as const) {
      const cache = tempCache({ lockStaleMs: 60_000 });
      plantLock(cache, lockRecord(process.pid), 120_000);
      const mutex = join(cache.dir, `${key}.lock.steal`);
      writeFileSync(mutex, JSON.stringify(record), { mode: 0o600 });
      const when = new Date(Date.now() - ageMs);
      utimesSync(mutex, when, when);
      const { ms } = await timed(() => cache.withLock(key, () => Promise.resolve()));
      assert.ok(ms < 1_000, `${ms} ms`);
      assert.deepEqual(readdirSync(cache.dir), []);
    }
  });

  it('gives up with LOCK_TIMEOUT after lockTimeoutMs, naming the holder and, in the hint, the lock file', async () => {
    const cache = tempCache({ lockTimeoutMs: 200 });
    const path = plantLock(cache, lockRecord(process.pid));
    let ran = false;
    const start = performance.now();
    await assert.rejects(
      cache.withLock(key, () => {
        ran = true;
        return Promise.resolve();
      }),
      (error: unknown) => {
        assert.ok(error instanceof AssumeError);
        assert.equal(error.code, 'LOCK_TIMEOUT');
        assert.equal(error.exitCode, ExitCode.unavailable);
        assert.match(error.message, new RegExp(`held by pid ${process.pid}`));
        assert.ok(error.hint?.includes(path), error.hint);
        return true;
      },
    );
    const ms = performance.now() - start;
    assert.ok(ms >= 190 && ms < 2_000, `${ms} ms`);
    assert.equal(ran, false);
    assert.ok(existsSync(path), 'the live lock is left alone');
  });

  it('refuses a lock path that is a directory or a symlink', async () => {
    const cache = tempCache({ lockTimeoutMs: 500 });
    const path = join(cache.dir, `${key}.lock`);
    mkdirSync(path);
    await assert.rejects(cache.withLock(key, () => Promise.resolve()), unsafe(path, /not a regular file/));
    rmSync(path, { recursive: true });
    symlinkSync(join(cache.dir, 'nowhere'), path);
    await assert.rejects(cache.withLock(key, () => Promise.resolve()), unsafe(path, /not a regular file/));
  });

  it('returns what settled finds while another holder has the lock, without running fn', async () => {
    const cache = tempCache({ lockPollMs: 5 });
    let releaseHolder = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      releaseHolder = resolve;
    });
    let published: string | undefined;
    let holding = (): void => undefined;
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const holder = cache.withLock(key, async () => {
      published = 'made by the holder';
      holding();
      await gate;
      return 'holder';
    });
    // Start the waiter only once the holder is inside its lock: started together, either could win the race.
    await held;
    let ran = false;
    const waiter = await cache.withLock(
      key,
      () => {
        ran = true;
        return Promise.resolve('waiter ran');
      },
      () => Promise.resolve(published),
    );
    assert.equal(waiter, 'made by the holder');
    assert.equal(ran, false);
    assert.ok(existsSync(join(cache.dir, `${key}.lock`)), 'the holder still holds its lock');
    releaseHolder();
    assert.equal(await holder, 'holder');
  });

  it('takes the lock and runs fn when settled finds nothing', async () => {
    const cache = tempCache({ lockPollMs: 5 });
    assert.equal(await cache.withLock(key, () => Promise.resolve('ran'), () => Promise.resolve(undefined)), 'ran');
  });
});
