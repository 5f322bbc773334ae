/**
 * The fast path's command-line parser against the real one: for every argv, parseFastArgv
 * either defers (undefined) or yields exactly the options parseCli yields, so a cache hit
 * answered by the fast entry is the hit main would have found.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCli } from '../../src/cli.js';
import type { CliOptions } from '../../src/cli.js';
import { parseFastArgv } from '../../src/fast/parseFastArgv.js';

/** What parseCli makes of argv: run options, or 'other' (help, version, cache, or a usage error). */
function full(argv: readonly string[]): CliOptions | 'other' {
  try {
    const parsed = parseCli(argv, '1.2.3');
    return parsed.kind === 'run' ? parsed.options : 'other';
  } catch {
    return 'other';
  }
}

/** Asserts the property for one argv and says whether the fast parser took it. */
function agrees(argv: readonly string[]): boolean {
  const fast = parseFastArgv(argv);
  if (fast === undefined) return false;
  assert.deepEqual(fast, full(argv), `argv ${JSON.stringify(argv)}`);
  return true;
}

/** Command lines the fast path takes: those of credential_process and of `eval "$(assume ...)"`. */
const taken: readonly (readonly string[])[] = [
  [],
  ['prod'],
  ['--format', 'credential-process', 'prod'],
  ['prod', '--format', 'credential-process'],
  ['--format=credential-process', 'prod'],
  ['-f', 'json', 'prod'],
  ['-f', 'sh'],
  ['--format', 'fish', 'prod'],
  ['--format', 'powershell', 'prod'],
  ['--format', 'cmd', 'prod'],
  ['--format', 'dotenv', 'prod'],
  ['-r', 'eu-west-1', 'prod'],
  ['--region', 'eu-west-1', 'prod'],
  ['--region=eu-west-1', 'prod'],
  ['-d', '1h', 'prod'],
  ['--duration', '3600', 'prod'],
  ['--duration=1h30m', 'prod'],
  ['--timeout', '10', 'prod'],
  ['--timeout', '0.5', 'prod'],
  ['--timeout=0x10', 'prod'],
  ['--min-remaining', '15m', 'prod'],
  ['--min-remaining', '600', 'prod'],
  ['--min-remaining=0', 'prod'],
  ['-q', 'prod'],
  ['--quiet', 'prod'],
  ['--no-color', 'prod'],
  ['prod', '-q', '--no-color', '-f', 'credential-process', '-r', 'us-east-1', '--min-remaining', '1h'],
  ['help'],
  ['list'],
  ['x', '-q'],
  ['--format', 'json', 'cache'],
];

/** Command lines it leaves to the full path, valid or not. */
const deferred: readonly (readonly string[])[] = [
  ['cache', 'list'],
  ['cache'],
  ['prod', '--', 'aws', 's3', 'ls'],
  ['--', 'env'],
  ['--help'],
  ['-h'],
  ['--version'],
  ['-V'],
  ['--debug', 'prod'],
  ['--refresh', 'prod'],
  ['--no-cache', 'prod'],
  ['--sso-login', 'prod'],
  ['--format', 'github', 'prod'],
  ['--format=github', 'prod'],
  ['--format', 'github', '--output', 'prod'],
  ['--role-arn', 'arn:aws:iam::123456789012:role/X'],
  ['--tag', 'A=1', 'prod'],
  ['--policy', '{}', 'prod'],
  ['--token-code', '123456', 'prod'],
  ['-qf', 'json', 'prod'],
  ['-fjson', 'prod'],
  ['-rus-east-1', 'prod'],
  ['-f=json', 'prod'],
  ['--format', 'json', '--format', 'sh', 'prod'],
  ['-q', '-q', 'prod'],
  ['--region', '', 'prod'],
  ['--region=', 'prod'],
  ['--region', '-q', 'prod'],
  ['--format', 'yaml', 'prod'],
  ['--format'],
  ['--duration', 'soon', 'prod'],
  ['--timeout', '0', 'prod'],
  ['--timeout', 'x', 'prod'],
  ['--min-remaining', '5 minutes', 'prod'],
  ['--quiet=yes', 'prod'],
  ['--color', 'prod'],
  ['--bogus', 'prod'],
  ['prod', 'other'],
  [''],
  ['-'],
  ['-5'],
  ['--output', 'prod'],
  // The subcommands, and the flags of issue 5: never a profile named like a command.
  ['ls'],
  ['ls', '--json'],
  ['whoami'],
  ['explain', 'prod'],
  ['doctor'],
  ['init', 'bash'],
  ['completion', 'zsh'],
  ['console', 'prod'],
  ['__complete', 'profiles'],
  ['--list'],
  ['--console', 'prod'],
  ['--console', '--open', 'prod'],
  ['--write-profile', 'tmp', 'prod'],
  ['--unset'],
  ['-p', 'ls'],
  ['--profile', 'prod'],
];

describe('parseFastArgv', () => {
  it('yields exactly what parseCli yields for the command lines of a cache hit', () => {
    for (const argv of taken) assert.equal(agrees(argv), true, `the fast parser takes ${JSON.stringify(argv)}`);
  });

  it('defers everything else to the full path: other commands, other flags, every form it is not sure of', () => {
    for (const argv of deferred) assert.equal(parseFastArgv(argv), undefined, `the fast parser defers ${JSON.stringify(argv)}`);
  });

  it('never disagrees with parseCli on command lines made of its own tokens and their neighbours', () => {
    const token = fc.constantFrom(
      'prod',
      'cache',
      'help',
      '',
      '-',
      '--',
      '-q',
      '--quiet',
      '--no-color',
      '-f',
      '--format',
      '--format=json',
      '--format=github',
      'json',
      'sh',
      'credential-process',
      'github',
      'yaml',
      '-r',
      '--region',
      '--region=eu-west-1',
      'eu-west-1',
      '-d',
      '--duration',
      '1h',
      '900',
      '--timeout',
      '--timeout=3',
      '0',
      '--min-remaining',
      '--min-remaining=10m',
      '5m',
      '-qf',
      '-fjson',
      '--debug',
      '--refresh',
      '--no-cache',
      '-h',
      '-V',
      '--output',
    );
    let answered = 0;
    fc.assert(
      fc.property(fc.array(token, { maxLength: 7 }), (argv) => {
        if (agrees(argv)) answered += 1;
      }),
      { numRuns: 3000 },
    );
    assert.ok(answered > 100, `the fast parser took ${answered} of the generated command lines`);
  });
});
