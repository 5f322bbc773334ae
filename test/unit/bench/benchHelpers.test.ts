import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatKib,
  formatMs,
  formatRatio,
  generatedRoleArn,
  isCredentialProcessJson,
  isEnvExport,
  manyProfilesConfig,
  markdownTable,
  median,
  parseBenchArgs,
  roleProfile,
  staticProfile,
  targetVerdict,
} from '../../bench/benchHelpers.js';
import { resolvePlan } from '../../../src/resolve/resolvePlan.js';
import { configFrom } from '../../helpers/config.js';

const keys = { accessKeyId: 'AKIABENCH00000000001', secretAccessKey: 'bench-secret-000000000000000000000000001' };

describe('median', () => {
  it('takes the middle sample of an odd count, whatever the order', () => {
    assert.equal(median([5]), 5);
    assert.equal(median([9, 1, 5]), 5);
    assert.equal(median([3, 100, 1, 2, 50]), 3);
  });

  it('takes the mean of the middle two of an even count', () => {
    assert.equal(median([4, 1]), 2.5);
    assert.equal(median([10, 2, 8, 4]), 6);
  });

  it('leaves its input as it was', () => {
    const samples = [3, 1, 2];
    median(samples);
    assert.deepEqual(samples, [3, 1, 2]);
  });

  it('refuses no samples', () => {
    assert.throws(() => median([]), /no samples/);
  });
});

describe('formatting', () => {
  it('formats a ratio to a base with two decimals', () => {
    assert.equal(formatRatio(130, 100), '1.30x');
    assert.equal(formatRatio(41.2, 41.2), '1.00x');
    assert.equal(formatRatio(1, 3), '0.33x');
  });

  it('says n/a for a ratio without a value or a positive base', () => {
    assert.equal(formatRatio(undefined, 100), 'n/a');
    assert.equal(formatRatio(100, undefined), 'n/a');
    assert.equal(formatRatio(100, 0), 'n/a');
    assert.equal(formatRatio(Number.NaN, 100), 'n/a');
  });

  it('formats durations in ms below 10 s, in s from there', () => {
    assert.equal(formatMs(41.26), '41.3 ms');
    assert.equal(formatMs(9999.9), '9999.9 ms');
    assert.equal(formatMs(12_345), '12.35 s');
  });

  it('formats a peak RSS given in KiB as MiB', () => {
    assert.equal(formatKib(49_357), '48.2 MiB');
  });

  it('writes a markdown table, escaping | in cells', () => {
    assert.equal(markdownTable(['a', 'b'], [['1', 'x | y']]), '| a | b |\n| --- | --- |\n| 1 | x \\| y |');
  });
});

describe('targetVerdict', () => {
  it('checks an upper limit, the limit itself included', () => {
    assert.equal(targetVerdict({ name: 't', kind: 'max', limit: 1.3, measured: 1.3 }), 'met');
    assert.equal(targetVerdict({ name: 't', kind: 'max', limit: 1.3, measured: 1.31 }), 'not met');
  });

  it('checks a lower limit, the limit itself included', () => {
    assert.equal(targetVerdict({ name: 't', kind: 'min', limit: 5, measured: 5 }), 'met');
    assert.equal(targetVerdict({ name: 't', kind: 'min', limit: 5, measured: 4.9 }), 'not met');
  });

  it('says not measured without a figure', () => {
    assert.equal(targetVerdict({ name: 't', kind: 'max', limit: 2, measured: undefined }), 'not measured');
    assert.equal(targetVerdict({ name: 't', kind: 'max', limit: 2, measured: Number.NaN }), 'not measured');
  });
});

describe('config generation', () => {
  it('writes a static profile and a role profile that assume resolves to one hop', () => {
    const config = configFrom(`${staticProfile('source', keys)}\n${roleProfile('target', 'arn:aws:iam::222222222222:role/T', 'source')}`);
    const plan = resolvePlan(config, {}, { profile: 'target' });
    assert.equal(plan.source.kind, 'static');
    assert.equal(plan.source.accessKeyId, keys.accessKeyId);
    assert.deepEqual(plan.hops.map((hop) => hop.roleArn.value), ['arn:aws:iam::222222222222:role/T']);
  });

  it('generates count role profiles plus the source, the target last', () => {
    const text = manyProfilesConfig({ name: 'source', keys }, 1000, { name: 'target', roleArn: 'arn:aws:iam::222222222222:role/T' });
    const sections = [...text.matchAll(/^\[profile ([^\]]+)\]$/gm)].map((match) => match[1]);
    assert.equal(sections.length, 1001);
    assert.equal(sections[0], 'source');
    assert.equal(sections[1], 'role-00001');
    assert.equal(sections.at(-1), 'target');
    assert.equal(new Set(sections).size, sections.length, 'no section twice');
    assert.equal((text.match(/^source_profile = source$/gm) ?? []).length, 1000);
  });

  it('generates a config that assume parses, every profile one hop from the source', () => {
    const config = configFrom(manyProfilesConfig({ name: 'source', keys }, 50, { name: 'target', roleArn: 'arn:aws:iam::222222222222:role/T' }));
    assert.deepEqual(resolvePlan(config, {}, { profile: 'target' }).hops.map((hop) => hop.roleArn.value), ['arn:aws:iam::222222222222:role/T']);
    assert.deepEqual(resolvePlan(config, {}, { profile: 'role-00049' }).hops.map((hop) => hop.roleArn.value), [generatedRoleArn(49)]);
  });

  it('gives every generated profile its own valid role ARN', () => {
    assert.equal(generatedRoleArn(7), 'arn:aws:iam::222222222222:role/bench-00007');
    assert.match(generatedRoleArn(10_000), /^arn:aws:iam::\d{12}:role\/bench-10000$/);
  });

  it('refuses a count below one', () => {
    assert.throws(() => manyProfilesConfig({ name: 'source', keys }, 0, { name: 'target', roleArn: 'arn:aws:iam::222222222222:role/T' }));
  });
});

describe('output checks', () => {
  const valid = { Version: 1, AccessKeyId: 'ASIA1', SecretAccessKey: 's', SessionToken: 't', Expiration: '2026-11-28T18:00:00Z' };

  it('accepts credential_process JSON with temporary credentials', () => {
    assert.equal(isCredentialProcessJson(JSON.stringify(valid)), true);
    assert.equal(isCredentialProcessJson(`${JSON.stringify(valid)}\n`), true);
  });

  it('refuses anything else', () => {
    for (const text of ['', 'null', '[]', '{', JSON.stringify({ ...valid, Version: 2 }), JSON.stringify({ ...valid, SessionToken: '' }), JSON.stringify({ ...valid, Expiration: 'soon' })]) {
      assert.equal(isCredentialProcessJson(text), false, text);
    }
  });

  it('accepts the AWS CLI env export with the three variables', () => {
    assert.equal(isEnvExport('export AWS_ACCESS_KEY_ID=ASIA1\nexport AWS_SECRET_ACCESS_KEY=s\nexport AWS_SESSION_TOKEN=t\nexport AWS_CREDENTIAL_EXPIRATION=2026-11-28T18:00:00+00:00\n'), true);
    assert.equal(isEnvExport('export AWS_ACCESS_KEY_ID=AKIA1\nexport AWS_SECRET_ACCESS_KEY=s\n'), false);
    assert.equal(isEnvExport(''), false);
  });
});

describe('parseBenchArgs', () => {
  it('defaults to 15 runs, 2 warm-up runs and 3 batches', () => {
    assert.deepEqual(parseBenchArgs([]), { runs: 15, warmup: 2, batches: 3 });
  });

  it('reads --runs N, --runs=N and --warmup N', () => {
    assert.deepEqual(parseBenchArgs(['--runs', '30', '--warmup=0']), { runs: 30, warmup: 0, batches: 6 });
    assert.deepEqual(parseBenchArgs(['--runs', '21']), { runs: 21, warmup: 2, batches: 5 });
    assert.deepEqual(parseBenchArgs(['--runs=4']), { runs: 4, warmup: 2, batches: 3 });
    assert.deepEqual(parseBenchArgs(['--runs', '1']), { runs: 1, warmup: 2, batches: 1 });
  });

  it('refuses unknown arguments and bad numbers', () => {
    assert.throws(() => parseBenchArgs(['--fast']), /unknown argument/);
    assert.throws(() => parseBenchArgs(['--runs']), /whole number/);
    assert.throws(() => parseBenchArgs(['--runs', '0']), /at least 1/);
    assert.throws(() => parseBenchArgs(['--runs', '1.5']), /whole number/);
    assert.throws(() => parseBenchArgs(['--warmup', '-1']), /whole number/);
  });
});
