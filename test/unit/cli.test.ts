import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCli } from '../../src/cli.js';
import type { CliOptions } from '../../src/cli.js';
import { AssumeError } from '../../src/errors.js';

function run(argv: string[]): CliOptions {
  const parsed = parseCli(argv, '1.2.3');
  assert.equal(parsed.kind, 'run');
  return parsed.options;
}

function usage(argv: string[], message: RegExp): void {
  assert.throws(() => parseCli(argv, '1.2.3'), (error: unknown) => {
    assert.ok(error instanceof AssumeError);
    assert.equal(error.code, 'USAGE');
    assert.match(error.message, message);
    return true;
  });
}

describe('parseCli: session parameters and CI flags', () => {
  it('collects repeated --tag, --transitive-tag and --policy-arn in order, splitting a tag at its first =', () => {
    const options = run(['--tag', 'A=1', '--tag', 'B=x=y', '--tag', 'C=', '--transitive-tag', 'A', '--transitive-tag', 'B', '--policy-arn', 'p1', '--policy-arn', 'p2', 'prof']);
    assert.deepEqual(options.tags, [{ key: 'A', value: '1' }, { key: 'B', value: 'x=y' }, { key: 'C', value: '' }]);
    assert.deepEqual(options.transitiveTagKeys, ['A', 'B']);
    assert.deepEqual(options.policyArns, ['p1', 'p2']);
    assert.equal(options.profile, 'prof');
  });

  it('defaults to no tags, no policies, not quiet, no outputs, no SSO login', () => {
    const options = run(['prof']);
    assert.deepEqual([options.tags, options.transitiveTagKeys, options.policyArns, options.policy, options.sourceIdentity], [[], [], [], undefined, undefined]);
    assert.deepEqual([options.quiet, options.outputs, options.ssoLogin], [false, false, false]);
  });

  it('reads --source-identity, --policy, --quiet / -q, --sso-login, and --format github with --output', () => {
    const options = run(['--source-identity', 'alice', '--policy', '{}', '-q', '--sso-login', '--format', 'github', '--output', 'prof']);
    assert.deepEqual([options.sourceIdentity, options.policy, options.quiet, options.ssoLogin, options.format, options.outputs], ['alice', '{}', true, true, 'github', true]);
    assert.equal(run(['--quiet', 'p']).quiet, true);
  });

  it('refuses a --tag without a key and =, and --output without --format github', () => {
    usage(['--tag', 'novalue', 'p'], /--tag "novalue" is not KEY=VALUE/);
    usage(['--tag', '=v', 'p'], /--tag "=v" is not KEY=VALUE/);
    usage(['--output', 'p'], /--output goes with --format github/);
    usage(['--format', 'gitlab', 'p'], /gitlab/);
  });
});
