import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import init, { formatInit } from '../../../src/commands/init.js';
import type { CommandContext } from '../../../src/commands/types.js';
import { AssumeError } from '../../../src/errors.js';
import { subcommandNames } from '../../../src/fast/subcommands.js';
import { initShells } from '../../../src/shell/cliWords.js';
import { formatFishFunction } from '../../../src/shell/initFish.js';

/** A context whose stdout and stderr are strings. */
function capture(): { context: CommandContext; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  const context: CommandContext = {
    env: {},
    io: { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text), isTTY: false } },
    homeDir: '/nonexistent',
    now: () => new Date('2026-01-01T00:00:00Z'),
    colorLevel: 0,
    version: '9.8.7',
    deps: {},
  };
  return { context, out: () => stdout, err: () => stderr };
}

/** The words the function passes through as they are, whatever the shell. */
const passThroughWords = ['--', '--help', '-h', '--version', '-V', '--format', '-f', '--list', '--console', '--write-profile'];

describe('assume init', () => {
  for (const shell of initShells) {
    it(`prints the ${shell} function on stdout and nothing on stderr`, async () => {
      const { context, out, err } = capture();
      assert.deepEqual(await init([shell], context), { exitCode: 0 });
      assert.equal(out(), formatInit(shell));
      assert.equal(err(), '');
    });
  }

  it('shows help with examples for every shell, on stdout', async () => {
    const { context, out } = capture();
    assert.deepEqual(await init(['--help'], context), { exitCode: 0 });
    assert.match(out(), /^Usage: assume init \[options\] <shell>/);
    for (const line of ['eval "$(assume init bash)"', 'eval "$(assume init zsh)"', 'assume init fish | source', 'Invoke-Expression (assume init powershell | Out-String)']) {
      assert.ok(out().includes(line), line);
    }
  });

  for (const argv of [[], ['tcsh'], ['bash', 'zsh'], ['--nope']]) {
    it(`refuses ${JSON.stringify(argv)} with a usage error that names the shells`, async () => {
      const { context, out } = capture();
      await assert.rejects(init(argv, context), (error: unknown) => error instanceof AssumeError && error.code === 'USAGE' && (error.hint ?? '').includes('bash, zsh, fish, powershell'));
      assert.equal(out(), '');
    });
  }
});

describe('formatInit', () => {
  for (const shell of ['bash', 'zsh'] as const) {
    it(`${shell}: runs the program with command (never the function) and evaluates --format sh output only on success`, () => {
      const text = formatInit(shell);
      assert.match(text, /^function assume \{$/m);
      assert.ok(text.includes(`eval "$(assume init ${shell})"`));
      assert.ok(text.includes('__assume_out=$(command "${ASSUME_BIN:-assume}" --format sh "$@") || return\n  eval "$__assume_out"\n'));
      assert.ok(text.includes('command "${ASSUME_BIN:-assume}" "$@"\n    return\n'));
      // Every line that runs something named assume goes through `command`.
      for (const line of text.split('\n').filter((l) => /(^|[;(|&]\s*)assume\b/.test(l.replace(/^#.*/, '')))) assert.fail(`runs assume without command: ${line}`);
      assert.ok(text.includes(`    ${subcommandNames.join('|')})\n      __assume_mode=pass`), 'every subcommand passes through');
      for (const word of passThroughWords) assert.match(text, new RegExp(`[ |]${word.replace(/-/g, '\\-')}[|)]`), word);
      assert.match(text, /^ {2}local __assume_mode=eval __assume_skip=no __assume_arg= __assume_rest= __assume_out=$/m, 'its variables are local and set');
    });
  }

  it('fish: captures `command ... --format fish` and sources it only on success', () => {
    const text = formatFishFunction();
    assert.match(text, /^function assume --description /m);
    assert.ok(text.includes('set -l __assume_out (command $__assume_bin --format fish $argv)\n    set -l __assume_status $status\n    if test $__assume_status -ne 0\n        return $__assume_status\n    end\n    string join \\n -- $__assume_out | source\n'));
    assert.ok(text.includes(`contains -- $argv[1] ${subcommandNames.join(' ')}`));
    for (const word of passThroughWords) assert.ok(text.includes(` ${word} `) || text.includes(` ${word}\n`), word);
  });

  it('powershell (tested as text: PowerShell is not installed here): the application, never the function, with --format powershell', () => {
    const text = formatInit('powershell');
    assert.match(text, /^function assume \{$/m);
    assert.ok(text.includes("$assumeBin = $env:ASSUME_BIN\n  if (-not $assumeBin) {\n    $assumeBin = (Get-Command -Name 'assume' -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source\n  }"));
    assert.ok(text.includes('$assumeOut = & $assumeBin --format powershell @args\n  if ($LASTEXITCODE -ne 0) { return }\n  if ($null -ne $assumeOut) { Invoke-Expression ($assumeOut -join "`n") }'));
    assert.ok(text.includes('  if ($assumePass) {\n    & $assumeBin @args\n    return\n  }'));
    assert.ok(text.includes(`@(${subcommandNames.map((name) => `'${name}'`).join(', ')}) -ccontains [string]$args[0]`));
    for (const word of passThroughWords) assert.ok(text.includes(`'${word}'`), word);
    assert.ok(text.includes("-cmatch '^-[q]*[fVh]|^--format=|^--write-profile='"));
    assert.ok(text.includes("-cmatch '^-[q]*[prd]$'"));
    assert.ok(text.includes("'--'"), 'tells to quote the separator');
    // Balanced, as far as text can tell without a PowerShell to parse it.
    const code = text.replace(/^#.*$/gm, '').replace(/'[^']*'/g, "''").replace(/"[^"]*"/g, '""');
    for (const [open, close] of [['{', '}'], ['(', ')'], ['@(', ')']] as const) {
      if (open === '@(') continue;
      assert.equal(code.split(open).length, code.split(close).length, `${open} and ${close} balance`);
    }
  });

  for (const [shell, check] of [
    ['bash', ['bash', '-n']],
    ['zsh', ['zsh', '-n']],
    ['fish', ['fish', '--no-config', '--no-execute']],
  ] as const) {
    it(`${shell}: the shell parses it`, () => {
      const [file, ...args] = check;
      const dir = mkdtempSync(join(tmpdir(), 'assume-init-'));
      const script = join(dir, `init.${shell}`);
      writeFileSync(script, formatInit(shell));
      const result = spawnSync(file, [...args, script], { encoding: 'utf8' });
      rmSync(dir, { recursive: true, force: true });
      assert.equal(result.stderr, '');
      assert.equal(result.status, 0);
    });
  }
});
