import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseCli } from '../../../src/cli.js';
import complete, { completeFlags, completeProfiles } from '../../../src/commands/complete.js';
import completion, { formatCompletion } from '../../../src/commands/completion.js';
import type { CommandContext, Subcommand } from '../../../src/commands/types.js';
import { AssumeError } from '../../../src/errors.js';
import { subcommandNames } from '../../../src/fast/subcommands.js';
import { outputFormats } from '../../../src/output/formatOutput.js';
import { commandWords, completionShells, formatWords, mainOptions } from '../../../src/shell/cliWords.js';

const root = mkdtempSync(join(tmpdir(), 'assume-completion-'));
after(() => {
  rmSync(root, { recursive: true, force: true });
});

/** A context whose stdout and stderr are strings. */
function capture(env: Record<string, string> = {}, homeDir = root): { context: CommandContext; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  const context: CommandContext = {
    env,
    io: { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text), isTTY: false } },
    homeDir,
    now: () => new Date('2026-01-01T00:00:00Z'),
    colorLevel: 0,
    version: '9.8.7',
    deps: {},
  };
  return { context, out: () => stdout, err: () => stderr };
}

/** The options `assume --help` lists: long name, short name, whether it takes a value. */
function helpOptions(): string[] {
  const parsed = parseCli(['--help'], '9.8.7');
  assert.equal(parsed.kind, 'print');
  const options: string[] = [];
  for (const match of parsed.text.matchAll(/^ {2}(?:(-[A-Za-z]), )?(--[a-z-]+)( <[^>]+>)?/gm)) {
    options.push(`${match[2] ?? ''} ${match[1] ?? ''} ${match[3] === undefined ? 'flag' : 'value'}`);
  }
  return options.sort();
}

describe('the words of the command line (src/shell/cliWords.ts)', () => {
  it('name every option of assume --help, with its short form and whether it takes a value', () => {
    const ours = mainOptions.map((option) => `${option.long} ${option.short ?? ''} ${option.value === undefined ? 'flag' : 'value'}`).sort();
    assert.deepEqual(ours, helpOptions());
  });

  it('name every subcommand, __complete being kept out of the menus', () => {
    assert.deepEqual([...commandWords.map((command) => command.name), '__complete'].sort(), [...subcommandNames].sort());
  });

  it('give --format every format parseCli accepts', () => {
    assert.deepEqual(formatWords, [...outputFormats, 'github']);
    const parsed = parseCli(['--help'], '9.8.7');
    assert.ok(parsed.kind === 'print' && parsed.text.replace(/\s+/g, ' ').includes(`(choices: ${formatWords.map((format) => `"${format}"`).join(', ')}`));
  });
});

describe('assume completion', () => {
  for (const shell of completionShells) {
    it(`prints the ${shell} script, which reads profiles with __complete and knows every option and format`, async () => {
      const { context, out, err } = capture();
      assert.deepEqual(await completion([shell], context), { exitCode: 0 });
      assert.equal(out(), formatCompletion(shell));
      assert.equal(err(), '');
      const text = out();
      assert.match(text, /\b_?_assume_(?:words|profiles)\b[\s\S]*__complete/, 'profiles are read at completion time, with __complete');
      assert.match(text, /__complete (?:"\$@"|\$argv|profiles)/);
      for (const option of mainOptions) assert.ok(text.includes(shell === 'fish' ? `-l ${option.long.slice(2)} ` : option.long), option.long);
      for (const format of formatWords) assert.ok(text.includes(format), format);
      for (const command of commandWords) assert.ok(text.includes(command.name), command.name);
      assert.ok(text.includes('ASSUME_BIN'), 'runs the same program as the function of assume init');
    });
  }

  it('registers the bash function for assume, and the zsh one both autoloaded and evaluated', () => {
    assert.match(formatCompletion('bash'), /^complete -F _assume_completion assume$/m);
    assert.match(formatCompletion('zsh'), /^#compdef assume\n/);
    assert.ok(formatCompletion('zsh').endsWith('if [ "$funcstack[1]" = "_assume" ]; then\n  _assume "$@"\nelse\n  compdef _assume assume\nfi\n'));
  });

  for (const [shell, check] of [
    ['bash', ['bash', '-n']],
    ['zsh', ['zsh', '-n']],
    ['fish', ['fish', '--no-config', '--no-execute']],
  ] as const) {
    it(`${shell}: the shell parses the script`, () => {
      const script = join(root, `completion.${shell}`);
      writeFileSync(script, formatCompletion(shell));
      const [file, ...args] = check;
      const result = spawnSync(file, [...args, script], { encoding: 'utf8' });
      assert.equal(result.stderr, '');
      assert.equal(result.status, 0);
    });
  }

  it('shows help with examples on stdout and refuses an unknown shell', async () => {
    const help = capture();
    assert.deepEqual(await completion(['--help'], help.context), { exitCode: 0 });
    assert.ok(help.out().includes('source <(assume completion bash)'));
    assert.ok(help.out().includes('assume completion fish | source'));
    const { context } = capture();
    await assert.rejects(completion(['powershell'], context), (error: unknown) => error instanceof AssumeError && error.code === 'USAGE');
  });
});

describe('assume __complete', () => {
  const home = join(root, 'home');
  mkdirSync(join(home, '.aws'), { recursive: true });
  writeFileSync(join(home, '.aws', 'config'), '[default]\nregion = eu-west-1\n[profile prod]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = default\n[sso-session corp]\nsso_region = eu-west-1\n');
  writeFileSync(join(home, '.aws', 'credentials'), '[default]\naws_access_key_id = AKIAEXAMPLE\n[only-keys]\naws_access_key_id = AKIAEXAMPLE2\n');
  const other = join(root, 'other-config');
  writeFileSync(other, '[profile elsewhere]\nregion = us-east-1\n');

  it('prints the profile names of the merged files, one per line, and no sso-session', async () => {
    const { context, out, err } = capture({}, home);
    assert.deepEqual(await complete(['profiles'], context), { exitCode: 0 });
    assert.equal(out(), 'default\nprod\nonly-keys\n');
    assert.equal(err(), '');
  });

  it('honors AWS_CONFIG_FILE', async () => {
    const { context } = capture({ AWS_CONFIG_FILE: other, AWS_SHARED_CREDENTIALS_FILE: join(root, 'missing') }, home);
    assert.equal(await completeProfiles(context), 'elsewhere\n');
  });

  it('prints nothing and succeeds when the config cannot be read or parsed', async () => {
    const broken = join(root, 'broken');
    writeFileSync(broken, '[profile ok]\nregion = x\n[profile bad\n');
    for (const file of [broken, root]) {
      const { context, out, err } = capture({ AWS_CONFIG_FILE: file }, home);
      assert.deepEqual(await complete(['profiles'], context), { exitCode: 0 });
      assert.deepEqual({ out: out(), err: err() }, { out: '', err: '' });
    }
  });

  it("lists the long options a command's --help shows", async () => {
    const fake: Subcommand = (argv, context) => {
      assert.deepEqual(argv, ['--help']);
      context.io.stdout.write('Usage: assume ls [options]\n\nOptions:\n  --json      as JSON\n  -h, --help  show this help\n\nExamples:\n  assume ls --json   (--not-an-option)\n');
      return Promise.resolve({ exitCode: 0 });
    };
    const { context } = capture();
    assert.equal(await completeFlags('ls', context, () => Promise.resolve({ default: fake })), '--json\n--help\n');
    assert.equal(await completeFlags('ls', context, () => Promise.reject(new Error('not built'))), '');
    assert.equal(await completeFlags('nosuch', context), '');
  });

  it('refuses anything else with a usage error', async () => {
    for (const argv of [[], ['nope'], ['profiles', 'extra'], ['flags']]) {
      const { context } = capture();
      await assert.rejects(complete(argv, context), (error: unknown) => error instanceof AssumeError && error.code === 'USAGE', JSON.stringify(argv));
    }
  });
});
