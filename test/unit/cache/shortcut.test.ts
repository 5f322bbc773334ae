import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { envDigest, fileIdentity, parseShortcut, recordingEnv, shortcutKey } from '../../../src/cache/shortcut.js';

describe('resolution shortcut', () => {
  it('records every variable read, present or absent, through get, in and enumeration', () => {
    const recording = recordingEnv({ AWS_PROFILE: 'p', OTHER: 'x' });
    assert.equal(recording.env.AWS_PROFILE, 'p');
    assert.equal(recording.env.AWS_REGION, undefined);
    assert.equal('AWS_CONFIG_FILE' in recording.env, false);
    assert.deepEqual(recording.read(), ['AWS_CONFIG_FILE', 'AWS_PROFILE', 'AWS_REGION']);
    assert.deepEqual(Object.keys(recording.env), ['AWS_PROFILE', 'OTHER']);
    assert.deepEqual(recording.read(), ['AWS_CONFIG_FILE', 'AWS_PROFILE', 'AWS_REGION', 'OTHER']);
  });

  it('digests the values of the named variables: a change, an appearance or a removal changes it', () => {
    const names = ['AWS_PROFILE', 'AWS_REGION'];
    const base = envDigest({ AWS_PROFILE: 'p' }, names);
    assert.equal(envDigest({ AWS_PROFILE: 'p', UNRELATED: 'x' }, names), base);
    assert.notEqual(envDigest({ AWS_PROFILE: 'q' }, names), base);
    assert.notEqual(envDigest({ AWS_PROFILE: 'p', AWS_REGION: 'eu-west-1' }, names), base);
    assert.notEqual(envDigest({}, names), base);
    assert.notEqual(envDigest({ AWS_PROFILE: 'p', AWS_REGION: '' }, names), base, 'empty is not absent');
  });

  it('gives a file a new identity when it is rewritten, even with the same size and mtime, and "missing" when absent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'assume-shortcut-'));
    try {
      const file = join(dir, 'config');
      assert.equal(await fileIdentity(file), 'missing');
      writeFileSync(file, '[profile a]\n');
      const first = await fileIdentity(file);
      assert.equal(await fileIdentity(file), first);
      const then = new Date('2026-01-01T00:00:00Z');
      utimesSync(file, then, then);
      const dated = await fileIdentity(file);
      writeFileSync(file, '[profile b]\n');
      utimesSync(file, then, then);
      assert.notEqual(await fileIdentity(file), dated, 'same size and mtime, but a new ctime');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keys by the resolve options and both file identities', () => {
    const key = shortcutKey({ profile: 'a' }, ['1', '2']);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(shortcutKey({ profile: 'a', roleArn: undefined }, ['1', '2']), key);
    assert.notEqual(shortcutKey({ profile: 'b' }, ['1', '2']), key);
    assert.notEqual(shortcutKey({ profile: 'a' }, ['1', '3']), key);
  });

  it('parses only a well-formed record', () => {
    const hex = 'a'.repeat(64);
    const good = { version: 1, chainKey: hex, envNames: ['AWS_PROFILE'], envDigest: hex, region: 'eu-west-1', profile: 'p' };
    assert.deepEqual(parseShortcut(JSON.stringify(good)), good);
    for (const bad of ['', '{', '[]', 'null', JSON.stringify({ ...good, version: 2 }), JSON.stringify({ ...good, chainKey: 'x' }), JSON.stringify({ ...good, envNames: [1] }), JSON.stringify({ ...good, region: 3 })]) {
      assert.equal(parseShortcut(bad), undefined, bad);
    }
  });
});
