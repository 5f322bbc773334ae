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

describe('parseCli: the commands and flags of the terminal tools', () => {
  function subcommand(argv: string[]): { name: string; argv: readonly string[] } {
    const parsed = parseCli(argv, '1.2.3');
    assert.equal(parsed.kind, 'subcommand');
    return { name: parsed.name, argv: parsed.argv };
  }

  it('routes a command word in first place to its command, with the rest of argv as it is', () => {
    for (const name of ['ls', 'whoami', 'explain', 'doctor', 'init', 'completion', '__complete']) {
      assert.deepEqual(subcommand([name, 'x', '--json', '--', 'y']), { name, argv: ['x', '--json', '--', 'y'] });
    }
    assert.equal(parseCli(['cache', 'list'], '1.2.3').kind, 'cache');
  });

  it('takes a command word in another place as a profile, and --profile reaches a profile named like a command', () => {
    assert.equal(run(['-q', 'ls']).profile, 'ls');
    assert.equal(run(['--profile', 'ls']).profile, 'ls');
    assert.equal(run(['-p', 'init', '-f', 'json']).profile, 'init');
    usage(['--profile', 'a', 'b'], /two profiles given: "b" and --profile "a"/);
  });

  it('makes --list the ls command, and `console PROFILE` the same as `--console PROFILE`', () => {
    assert.deepEqual(subcommand(['--list', '--json']), { name: 'ls', argv: ['--json'] });
    assert.deepEqual(subcommand(['--json', '--list']), { name: 'ls', argv: ['--json'] });
    usage(['--list', '--', 'env'], /--list prints the profiles/);
    const viaCommand = run(['console', 'prod', '--open']);
    assert.deepEqual([viaCommand.console, viaCommand.open, viaCommand.profile], [true, true, 'prod']);
    assert.deepEqual(viaCommand, run(['--console', '--open', 'prod']));
    assert.equal(run(['console', 'prod', '--federation-endpoint', 'http://127.0.0.1:9/federation']).federationEndpoint, 'http://127.0.0.1:9/federation');
  });

  it('refuses console flags without --console, and --console with a command', () => {
    usage(['--open', 'prod'], /--open goes with --console/);
    usage(['--federation-endpoint', 'https://x', 'prod'], /--federation-endpoint goes with --console/);
    usage(['--console', 'prod', '--', 'env'], /--console makes a sign-in URL; it runs no command/);
  });

  it('takes --write-profile NAME with a plain profile name, alone', () => {
    assert.equal(run(['prod', '--write-profile', 'prod-tmp']).writeProfile, 'prod-tmp');
    usage(['prod', '--write-profile', 'a b'], /--write-profile "a b" is not a profile name/);
    usage(['prod', '--write-profile', 'x]'], /is not a profile name/);
    usage(['prod', '--write-profile', 'x', '--', 'env'], /--write-profile writes the credentials to a file/);
    usage(['--console', 'prod', '--write-profile', 'x'], /--write-profile writes the credentials to a file/);
  });

  it('takes --unset alone, with a format', () => {
    const options = run(['--unset', '-f', 'fish']);
    assert.deepEqual([options.unset, options.format, options.profile], [true, 'fish', undefined]);
    usage(['--unset', 'prod'], /--unset clears the variables/);
    usage(['--unset', '--role-arn', 'arn:aws:iam::123456789012:role/X'], /--unset clears the variables/);
  });

  it('defaults every new option off, and --no-color turns color off', () => {
    const options = run(['prod']);
    assert.deepEqual([options.console, options.open, options.federationEndpoint, options.writeProfile, options.unset, options.color], [false, false, undefined, undefined, false, true]);
    assert.equal(run(['--no-color', 'prod']).color, false);
  });

  it('lists every command with an example in --help', () => {
    const parsed = parseCli(['--help'], '1.2.3');
    assert.equal(parsed.kind, 'print');
    for (const word of ['ls [--json]', 'whoami', 'explain [profile]', 'doctor', 'console [profile]', 'init bash|zsh|fish|powershell', 'completion bash|zsh|fish', 'cache list|clear', 'assume --unset', '--write-profile tmp']) {
      assert.ok(parsed.text.includes(word), word);
    }
  });
});

describe('parseCli: assume cache --help', () => {
  it('shows examples', () => {
    const parsed = parseCli(['cache', '--help'], '1.2.3');
    assert.equal(parsed.kind, 'print');
    assert.match(parsed.text, /Examples:\n {2}assume cache list /);
    assert.match(parsed.text, /assume cache clear prod-admin/);
  });
});
