import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeResult, localTime, timeLeft } from '../../../src/output/describeResult.js';

const now = new Date(2026, 10, 28, 15, 5, 0); // local time, as the line prints it
const minutes = (count: number): Date => new Date(now.getTime() + count * 60_000);
const temporary = (expiration: Date | undefined) => ({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token', expiration });
const role = 'arn:aws:sts::123456789012:assumed-role/Admin/alice@assume-1795892511';

describe('describeResult: the success line', () => {
  it('says profile, account, local expiry and time left, as `prod-admin (123456789012) valid until 16:04, 59m left`', () => {
    assert.equal(describeResult({ profile: 'prod-admin', assumedRoleArn: role, credentials: temporary(minutes(59)), cached: false }, now), 'prod-admin (123456789012) valid until 16:04, 59m left\n');
    assert.equal(describeResult({ profile: 'prod-admin', assumedRoleArn: role, credentials: temporary(minutes(12 * 60)), cached: true }, now), 'prod-admin (123456789012) valid until 2026-11-29 03:05, 12h left, from the cache\n');
  });

  it('names the role when no profile was given, and leaves out the account when STS named no role session', () => {
    assert.equal(describeResult({ assumedRoleArn: role, credentials: temporary(minutes(61)), cached: false }, now), 'Admin (123456789012) valid until 16:06, 1h 1m left\n');
    assert.equal(describeResult({ profile: 'sso-dev', credentials: temporary(minutes(30)), cached: false }, now), 'sso-dev valid until 15:35, 30m left\n');
    assert.equal(describeResult({ credentials: temporary(minutes(30)), cached: false }, now), 'credentials valid until 15:35, 30m left\n');
  });

  it('says long-term keys have no expiry', () => {
    assert.equal(describeResult({ profile: 'base', credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' }, cached: false }, now), 'base long-term keys, no expiry\n');
    assert.equal(describeResult({ profile: 'p', credentials: temporary(undefined), cached: false }, now), 'p no expiry given\n');
  });

  it('paints at a color level: the name bold, the account dim, time left green, yellow under 15 minutes; no color at level 0', () => {
    const green = describeResult({ profile: 'p', assumedRoleArn: role, credentials: temporary(minutes(59)), cached: true }, now, 1);
    assert.equal(green, '\u001b[1mp\u001b[22m \u001b[2m(123456789012)\u001b[22m valid until 16:04, \u001b[32m59m left\u001b[39m\u001b[2m, from the cache\u001b[22m\n');
    const yellow = describeResult({ profile: 'p', credentials: temporary(minutes(14)), cached: false }, now, 1);
    assert.ok(yellow.includes('\u001b[33m14m left\u001b[39m'), yellow);
    assert.equal(describeResult({ profile: 'p', credentials: temporary(minutes(14)), cached: false }, now, 0).includes('\u001b'), false);
  });

  it('never prints a key, secret or token', () => {
    const line = describeResult({ profile: 'p', assumedRoleArn: role, credentials: temporary(minutes(5)), cached: false }, now, 3);
    for (const secret of ['ASIAEXAMPLE', 'secret', 'token']) assert.ok(!line.includes(secret));
  });
});

describe('timeLeft and localTime', () => {
  it('rounds the time left down to the minute', () => {
    assert.deepEqual([0, 59_999, 60_000, 3_599_999, 3_600_000, 3_660_000, 43_200_000, -5].map(timeLeft), ['<1m', '<1m', '1m', '59m', '1h', '1h 1m', '12h', '<1m']);
  });

  it('gives the clock on the same day, and the date too on another', () => {
    assert.equal(localTime(new Date(2026, 10, 28, 9, 7), now), '09:07');
    assert.equal(localTime(new Date(2026, 10, 29, 0, 0), now), '2026-11-29 00:00');
    assert.equal(localTime(new Date(2027, 0, 1, 23, 59), now), '2027-01-01 23:59');
  });
});
