import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isFresh, parseCacheEntry } from '../../../src/cache/cacheEntry.js';
import type { CacheEntry } from '../../../src/cache/cacheEntry.js';
import { sampleEntry } from '../../fixtures/cache/sampleEntry.js';

const valid = sampleEntry();
const text = (value: unknown): string => JSON.stringify(value);
const without = (key: keyof CacheEntry): Record<string, unknown> => Object.fromEntries(Object.entries(valid).filter(([name]) => name !== key));

describe('parseCacheEntry', () => {
  it('reads back an entry written as JSON, with only the known fields', () => {
    assert.deepEqual(parseCacheEntry(text(valid)), valid);
    assert.deepEqual(parseCacheEntry(`${text(valid)}\n`), valid);
  });

  it('accepts an entry without its optional fields', () => {
    const minimal = {
      version: 1, kind: 'mfa-session', issuedAt: '2026-11-28T17:00:00.123Z', expiration: '2026-11-29T05:00:00+01:00',
      accessKeyId: 'ASIA1', secretAccessKey: 's', sessionToken: 't',
    };
    assert.deepEqual(parseCacheEntry(text(minimal)), minimal);
  });

  const refusals: { name: string; text: string }[] = [
    { name: 'empty text', text: '' },
    { name: 'only white space', text: ' \n' },
    { name: 'truncated JSON', text: text(valid).slice(0, 60) },
    { name: 'JSON cut just before its last brace', text: text(valid).slice(0, -1) },
    { name: 'garbage after the JSON', text: `${text(valid)}garbage` },
    { name: 'a second JSON value after the first', text: `${text(valid)}{}` },
    { name: 'a byte order mark', text: `\uFEFF${text(valid)}` },
    { name: 'not JSON', text: 'accessKeyId=ASIA1' },
    { name: 'null', text: 'null' },
    { name: 'an array', text: text([valid]) },
    { name: 'a string', text: text('entry') },
    { name: 'version 2', text: text({ ...valid, version: 2 }) },
    { name: 'version "1" as a string', text: text({ ...valid, version: '1' }) },
    { name: 'no version', text: text(without('version')) },
    { name: 'an unknown kind', text: text({ ...valid, kind: 'sso' }) },
    { name: 'no accessKeyId', text: text(without('accessKeyId')) },
    { name: 'no secretAccessKey', text: text(without('secretAccessKey')) },
    { name: 'no sessionToken', text: text(without('sessionToken')) },
    { name: 'no expiration', text: text(without('expiration')) },
    { name: 'no issuedAt', text: text(without('issuedAt')) },
    { name: 'an empty secretAccessKey', text: text({ ...valid, secretAccessKey: '' }) },
    { name: 'a numeric accessKeyId', text: text({ ...valid, accessKeyId: 12345 }) },
    { name: 'a null sessionToken', text: text({ ...valid, sessionToken: null }) },
    { name: 'a numeric profile', text: text({ ...valid, profile: 7 }) },
    { name: 'a null roleArn', text: text({ ...valid, roleArn: null }) },
    { name: 'an empty mfaSerial', text: text({ ...valid, mfaSerial: '' }) },
    { name: 'an unknown member', text: text({ ...valid, region: 'eu-west-1' }) },
    { name: 'a __proto__ member', text: text(valid).replace('{', '{"__proto__":{},') },
    { name: 'expiration as epoch milliseconds', text: text({ ...valid, expiration: Date.parse(valid.expiration) }) },
    { name: 'expiration that is not a date', text: text({ ...valid, expiration: 'tomorrow' }) },
    { name: 'expiration without a time zone', text: text({ ...valid, expiration: '2026-11-28T18:00:00' }) },
    { name: 'expiration on February 30', text: text({ ...valid, expiration: '2026-02-30T18:00:00Z', issuedAt: '2026-02-01T00:00:00Z' }) },
    { name: 'expiration at hour 24', text: text({ ...valid, expiration: '2026-11-28T24:00:00Z' }) },
    { name: 'expiration in month 13', text: text({ ...valid, expiration: '2026-13-01T00:00:00Z' }) },
    { name: 'a date only', text: text({ ...valid, issuedAt: '2026-11-28' }) },
    { name: 'expiration before issuedAt', text: text({ ...valid, expiration: '2026-11-28T16:00:00Z' }) },
    { name: 'expiration equal to issuedAt', text: text({ ...valid, expiration: valid.issuedAt }) },
  ];
  for (const refusal of refusals) {
    it(`refuses ${refusal.name}`, () => {
      assert.equal(parseCacheEntry(refusal.text), undefined);
    });
  }
});

describe('isFresh', () => {
  const at = (minutes: number): Date => new Date(Date.parse('2026-11-28T17:00:00Z') + minutes * 60_000);
  const minutes = (n: number): number => n * 60_000;
  // Issued 17:00, expires 17:15.
  const short = sampleEntry({ issuedAt: at(0).toISOString(), expiration: at(15).toISOString() });
  // Issued 17:00, expires 18:00.
  const hour = sampleEntry({ issuedAt: at(0).toISOString(), expiration: at(60).toISOString() });
  // Issued 17:00, expires 05:00 the next day.
  const twelveHours = sampleEntry({ issuedAt: at(0).toISOString(), expiration: at(720).toISOString() });

  const cases: { name: string; entry: CacheEntry; now: number; margin: number; fresh: boolean }[] = [
    { name: 'a 15-minute session with a 5-minute margin is fresh when issued', entry: short, now: 0, margin: minutes(5), fresh: true },
    { name: 'a 15-minute session with a 5-minute margin is fresh after 9 minutes', entry: short, now: 9, margin: minutes(5), fresh: true },
    { name: 'a 15-minute session with a 5-minute margin is stale after exactly 10 minutes', entry: short, now: 10, margin: minutes(5), fresh: false },
    { name: 'a 15-minute session with a 5-minute margin is stale after 12 minutes', entry: short, now: 12, margin: minutes(5), fresh: false },
    { name: 'a 15-minute session with a 20-minute margin is fresh when issued', entry: short, now: 0, margin: minutes(20), fresh: true },
    { name: 'a 15-minute session with a 20-minute margin is fresh after 7 minutes', entry: short, now: 7, margin: minutes(20), fresh: true },
    { name: 'a 15-minute session with a 20-minute margin is stale after exactly 7.5 minutes', entry: short, now: 7.5, margin: minutes(20), fresh: false },
    { name: 'a 15-minute session with a 20-minute margin is stale after 8 minutes', entry: short, now: 8, margin: minutes(20), fresh: false },
    { name: 'a 15-minute session is stale once expired', entry: short, now: 16, margin: minutes(5), fresh: false },
    { name: 'a 15-minute session with no margin is fresh until its last millisecond', entry: short, now: 14.99, margin: 0, fresh: true },
    { name: 'a one-hour session with a 15-minute margin is fresh after 44 minutes', entry: hour, now: 44, margin: minutes(15), fresh: true },
    { name: 'a one-hour session with a 15-minute margin is stale after 46 minutes', entry: hour, now: 46, margin: minutes(15), fresh: false },
    { name: 'a 12-hour session with a 15-minute margin is fresh after 11 hours', entry: twelveHours, now: 660, margin: minutes(15), fresh: true },
    { name: 'a 12-hour session with a 15-minute margin is stale 10 minutes before it expires', entry: twelveHours, now: 710, margin: minutes(15), fresh: false },
    { name: 'an entry is fresh when the clock is before its issue time', entry: hour, now: -5, margin: minutes(15), fresh: true },
  ];
  for (const { name, entry, now, margin, fresh } of cases) {
    it(name, () => {
      assert.equal(isFresh(entry, at(now), margin), fresh);
    });
  }

  it('never calls fresh an entry whose dates do not parse', () => {
    assert.equal(isFresh(sampleEntry({ expiration: 'soon' }), at(0), 0), false);
  });
});
