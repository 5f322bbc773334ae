// Round-trips hundreds of adversarial values through real shells. Each case's formatter
// output is written to a file; one shell process per (shell, form) evals every case in turn,
// as `eval "$(assume ...)"` would, and writes each variable it then holds to a file with
// builtins (every 50th case it also dumps its real environment with `env -0`); Node compares
// every variable byte for byte. Stale AWS_PROFILE & co. are set before each eval and must be
// gone after it. The shells run in a folder of bait files (names a glob would match), and
// any file a value manages to create there (`touch`, `>`) fails the test.
// Forks are slow where this runs (about 10 ms each), so the shells read the files with
// builtins, and each case puts its value in one variable only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CredentialsOutput } from '../../src/credentials.js';
import { formatFish } from '../../src/output/formatFish.js';
import { formatSh } from '../../src/output/formatSh.js';
import { generateValues, handPicked } from '../helpers/adversarialValues.js';

const values = [...handPicked, ...generateValues(Math.max(0, 300 - handPicked.length), 0x5eed)];

const plain = {
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN==',
  region: 'eu-west-1',
};

/**
 * One case per value, the value in one variable (access key, secret or token in turn, the
 * region every eighth case) and plain values in the others: every value that is not plain
 * costs the shell a fork for printf (two for the region, set twice), and forks are what makes
 * this test slow. Some cases leave out the token (the shell must unset the stale one) or the
 * region (the user's stays).
 */
function buildCases(values: readonly string[]): CredentialsOutput[] {
  return values.map((value, index) => buildCase(value, index));
}

function buildCase(value: string, index: number): CredentialsOutput {
  const slot = index % 8 === 7 ? 3 : index % 3;
  const hasToken = slot === 2 || index % 5 !== 4;
  const hasRegion = slot === 3 || index % 7 !== 5;
  return {
    credentials: {
      accessKeyId: slot === 0 ? value : plain.accessKeyId,
      secretAccessKey: slot === 1 ? value : plain.secretAccessKey,
      sessionToken: !hasToken ? undefined : slot === 2 ? value : plain.sessionToken,
      expiration: hasToken ? new Date(Date.UTC(2026, 10, 28, 17, 36, 45, index % 1000)) : undefined,
    },
    region: !hasRegion ? undefined : slot === 3 ? value : plain.region,
  };
}

const cases = buildCases(values);

/** The hand-picked values a glob, tilde or `=` expansion of a substitution result could change. */
const globCases = buildCases(handPicked.filter((value) => /[~*?[\]()<>|^#=!@+{}]/.test(value)));

const observed = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_REGION',
  'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN',
] as const;
const staleValue = 'stale';

/** What the environment must hold after a case: every observed variable, or undefined when unset. */
function expectedEnvironment(out: CredentialsOutput): Map<string, string | undefined> {
  const { credentials, region } = out;
  const expiration = credentials.expiration?.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return new Map<string, string | undefined>([
    ['AWS_ACCESS_KEY_ID', credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey],
    ['AWS_SESSION_TOKEN', credentials.sessionToken],
    ['AWS_CREDENTIAL_EXPIRATION', expiration],
    // No region known: the region the user had stays.
    ['AWS_REGION', region ?? staleValue],
    ['AWS_DEFAULT_REGION', region ?? staleValue],
    ['AWS_PROFILE', undefined],
    ['AWS_DEFAULT_PROFILE', undefined],
    ['AWS_SECURITY_TOKEN', undefined],
  ]);
}

/** Every this many cases, and for the last, the run also dumps its real environment with `env -0`. */
const envDumpEvery = 50;

interface Run {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly format: (out: CredentialsOutput) => string;
  readonly cases: readonly CredentialsOutput[];
  /** Shell code defining `stale_all` (sets every observed variable to `stale`, exported) and `dump PREFIX`. */
  readonly prelude: string;
  /** The statement that evaluates the output stored in a file, as the user would. */
  readonly evaluate: (input: string) => string;
}

/**
 * sh `dump PREFIX`: writes each observed variable that is set to PREFIX.NAME with builtins
 * only (no fork): printf '%s' writes the bytes as they are.
 */
const shPrelude = [
  `stale_all() { export ${observed.map((name) => `${name}=${staleValue}`).join(' ')}; }`,
  'dump() {',
  ...observed.map((name) => `  if [ -n "\${${name}+set}" ]; then printf '%s' "$${name}" >"$1.${name}"; fi`),
  '}',
  // dash has no $(<file): a loop of builtins prints the file in a forked subshell, without exec.
  'emit() { while IFS= read -r line; do printf \'%s\\n\' "$line"; done <"$1"; }',
  '',
].join('\n');

/** fish `dump PREFIX`: the same, for exported variables only; a variable set but not exported is written to PREFIX.NAME.unexported. */
const fishPrelude = [
  `function stale_all; for name in ${observed.join(' ')}; set -gx $name ${staleValue}; end; end`,
  'function dump',
  `  for name in ${observed.join(' ')}`,
  '    if set -qx $name',
  '      printf \'%s\' "$$name" >$argv[1].$name',
  '    else if set -q $name',
  '      printf \'%s\' "$$name" >$argv[1].$name.unexported',
  '    end',
  '  end',
  'end',
  '',
].join('\n');

const sh = (label: string, shell: string, args: readonly string[], options: string, evaluate: (input: string) => string, runCases = cases): Run => ({
  label, command: `/usr/bin/${shell}`, args, format: formatSh, cases: runCases, prelude: `${options}${shPrelude}`, evaluate,
});
const fish = (label: string, evaluate: (input: string) => string): Run => ({
  label, command: '/usr/bin/fish', args: ['--no-config'], format: formatFish, cases, prelude: fishPrelude, evaluate,
});

// bash and zsh read a file into $(...) without a fork ($(<file) is their cat); dash runs `emit`.
// Each $(...) result goes through the same stripping (and, unquoted, splitting) as $(assume ...).
const runs: readonly Run[] = [
  sh('bash with eval "$(cmd)"', 'bash', [], '', (input) => `eval "$(<'${input}')"`),
  // nullglob makes a glob word left in the output vanish even when it matches no bait file,
  // and extglob adds @( +( !( patterns: both only make a mistake more visible.
  sh('bash with eval $(cmd) unquoted, extglob and nullglob on', 'bash', [], 'shopt -s extglob nullglob\n', (input) => `eval $(<'${input}')`),
  sh('dash with eval "$(cmd)"', 'dash', [], '', (input) => `eval "$(emit '${input}')"`),
  sh('dash with eval $(cmd) unquoted', 'dash', [], '', (input) => `eval $(emit '${input}')`),
  sh('zsh with eval "$(cmd)"', 'zsh', ['-f'], '', (input) => `eval "$(<'${input}')"`),
  sh('zsh with eval $(cmd) unquoted', 'zsh', ['-f'], '', (input) => `eval $(<'${input}')`),
  // GLOB_SUBST globs (and tilde-expands) the results of substitutions: the values with such
  // characters suffice.
  sh('zsh with eval $(cmd) unquoted and GLOB_SUBST', 'zsh', ['-f'], 'setopt GLOB_SUBST EXTENDED_GLOB NULL_GLOB\n', (input) => `eval $(<'${input}')`, globCases),
  // fish's own `string split` prints the file's lines without a fork; (…) splits them as it would cat's.
  fish('fish with eval (cmd)', (input) => `eval (string split \\n <'${input}')`),
  fish('fish with cmd | source', (input) => `string split \\n <'${input}' | source`),
  fish('fish with eval "$(cmd)"', (input) => `eval "$(string split \\n <'${input}')"`),
];

/** Names a glob left in the output would match, so such a mistake changes a value. */
const baitFiles = ['a', 'b', 'ab', 'abc', 'x', 'X', '1', '-', 'export', 'AWS_REGION=a;', "AWS_REGION='a';"];

interface RunResult {
  readonly code: number | null;
  readonly stderr: string;
  readonly outputs: string;
}

function runShell(run: Run, root: string, bait: string, home: string, index: number): Promise<RunResult> {
  const inputs = join(root, `in-${index}`);
  const outputs = join(root, `out-${index}`);
  mkdirSync(inputs);
  mkdirSync(outputs);
  let script = run.prelude;
  run.cases.forEach((out, caseIndex) => {
    const input = join(inputs, String(caseIndex));
    const output = join(outputs, String(caseIndex));
    writeFileSync(input, run.format(out));
    script += `stale_all\n${run.evaluate(input)}\ndump '${output}'\n`;
    if (caseIndex % envDumpEvery === 0 || caseIndex === run.cases.length - 1) script += `env -0 >'${output}.env'\n`;
  });
  const scriptFile = join(root, `script-${index}`);
  writeFileSync(scriptFile, script);
  const env = { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8', XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share') };
  return new Promise((resolve, reject) => {
    const child = spawn(run.command, [...run.args, scriptFile], { cwd: bait, env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stderr, outputs });
    });
  });
}

/** The observed variables in an `env -0` dump, as raw bytes. */
function parseEnvDump(dump: Buffer): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  let start = 0;
  while (start < dump.length) {
    let end = dump.indexOf(0, start);
    if (end === -1) end = dump.length;
    const entry = dump.subarray(start, end);
    const equals = entry.indexOf(0x3d);
    const name = entry.subarray(0, equals).toString('latin1');
    if ((observed as readonly string[]).includes(name)) found.set(name, entry.subarray(equals + 1));
    start = end + 1;
  }
  return found;
}

/** The observed variables `dump` wrote for one case: a file per variable that was set. */
function readDump(prefix: string): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  for (const name of observed) {
    if (existsSync(`${prefix}.${name}`)) found.set(name, readFileSync(`${prefix}.${name}`));
    if (existsSync(`${prefix}.${name}.unexported`)) found.set(name, Buffer.from('(set but not exported)'));
  }
  return found;
}

function show(value: string | Buffer | undefined): string {
  if (value === undefined) return 'unset';
  return JSON.stringify(typeof value === 'string' ? value : value.toString('utf8')).slice(0, 200);
}

/** Every difference between what a case must leave and what the shell holds. */
function compare(label: string, out: CredentialsOutput, found: Map<string, Buffer>): string[] {
  const failures: string[] = [];
  for (const [name, value] of expectedEnvironment(out)) {
    const actual = found.get(name);
    const same = value === undefined ? actual === undefined : actual?.equals(Buffer.from(value, 'utf8')) === true;
    if (!same) failures.push(`${label} ${name}: expected ${show(value)}, got ${show(actual)}`);
  }
  return failures;
}

describe('shell round trip', () => {
  const root = mkdtempSync(join(tmpdir(), 'assume-shells-'));
  const bait = join(root, 'cwd');
  const home = join(root, 'home');
  const results = new Map<string, Promise<RunResult>>();

  before(() => {
    mkdirSync(bait);
    mkdirSync(home);
    for (const name of baitFiles) writeFileSync(join(bait, name), '');
    runs.forEach((run, index) => results.set(run.label, runShell(run, root, bait, home, index)));
  });

  after(async () => {
    await Promise.allSettled(results.values());
    rmSync(root, { recursive: true, force: true });
  });

  it('tests at least 300 values in every shell and form', () => {
    assert.ok(cases.length >= 300, `only ${cases.length} cases`);
    assert.ok(handPicked.length >= 200, `only ${handPicked.length} hand-picked values`);
  });

  for (const run of runs) {
    it(`keeps ${run.cases.length} values exact and removes stale variables in ${run.label}`, async () => {
      const result = await results.get(run.label);
      assert.ok(result);
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      const failures: string[] = [];
      run.cases.forEach((out, caseIndex) => {
        const prefix = join(result.outputs, String(caseIndex));
        failures.push(...compare(`case ${caseIndex}`, out, readDump(prefix)));
        if (existsSync(`${prefix}.env`)) failures.push(...compare(`case ${caseIndex} (env -0)`, out, parseEnvDump(readFileSync(`${prefix}.env`))));
      });
      assert.deepEqual(failures.slice(0, 20), [], `${failures.length} mismatches`);
    });
  }

  it('runs no command from any value: no file appears beside the bait files', async () => {
    await Promise.all(results.values());
    assert.deepEqual(readdirSync(bait).sort(), [...baitFiles].sort());
  });
});
