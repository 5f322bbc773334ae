/**
 * Property-based round trips (fast-check): generated credential values, regions and shapes go
 * through every output format. sh and fish output is evaluated by the real bash, dash, zsh
 * and fish, under `eval "$(...)"` and `eval $(...)` (fish: `eval (...)`, `... | source` and
 * `eval "$(...)"`), and every variable must come back byte for byte, with no command run.
 * PowerShell, cmd and dotenv output is read back by reference readers written from their
 * quoting rules. Values also come from the STS emulator through `run` and bin/assume, and
 * from generated config files (region, profile name, role_session_name).
 *
 * ASSUME_PROPERTY_RUNS sets the cases per shell and form (default 5000: 10,000 per shell and
 * more for fish); ASSUME_PROPERTY_SEED replays a run (the seed is printed with any failure).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { CredentialsOutput } from '../../src/credentials.js';
import { AssumeError } from '../../src/errors.js';
import { run } from '../../src/main.js';
import { formatOutput } from '../../src/output/formatOutput.js';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator } from '../emulator/emulator.js';
import {
  credentialsOutput, credentialValue, hostileValue, isEnvironmentSafe, plainValue, regionValue, unsafeValue,
} from '../helpers/propertyArbitraries.js';
import { applyCmd, applyDotenv, applyPowerShell } from '../helpers/referenceParsers.js';
import { runAssume } from '../helpers/runAssume.js';
import {
  caseDifferences, createPool, createSandbox, expectedEnvironment, observedVariables, runShellBatch, staleValue,
} from '../helpers/shellBatch.js';
import type { BatchResult, ShellCase, ShellForm } from '../helpers/shellBatch.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

const runsPerForm = Number(process.env.ASSUME_PROPERTY_RUNS ?? 5000);
const seed = Number(process.env.ASSUME_PROPERTY_SEED ?? 0x5eed2026);
assert.ok(Number.isSafeInteger(runsPerForm) && runsPerForm > 0, 'ASSUME_PROPERTY_RUNS must be a positive integer');
assert.ok(Number.isSafeInteger(seed), 'ASSUME_PROPERTY_SEED must be an integer');
const replay = `seed ${seed} (replay: ASSUME_PROPERTY_SEED=${seed} ASSUME_PROPERTY_RUNS=${runsPerForm})`;

/** Cases per shell process: a failure names its chunk, and chunks spread over the cores. */
const chunkSize = 1250;

const forms: readonly ShellForm[] = [
  { shell: 'bash', form: 'quoted', label: 'bash, eval "$(cmd)"' },
  // nullglob makes a glob word left in the output vanish even when it matches no bait file, and
  // extglob adds @( +( !( patterns: both only make a mistake more visible.
  { shell: 'bash', form: 'unquoted', options: 'shopt -s extglob nullglob', label: 'bash, eval $(cmd) with extglob and nullglob' },
  { shell: 'dash', form: 'quoted', label: 'dash, eval "$(cmd)"' },
  { shell: 'dash', form: 'unquoted', label: 'dash, eval $(cmd)' },
  { shell: 'zsh', form: 'quoted', label: 'zsh, eval "$(cmd)"' },
  { shell: 'zsh', form: 'unquoted', label: 'zsh, eval $(cmd)' },
  { shell: 'fish', form: 'paren', label: 'fish, eval (cmd)' },
  { shell: 'fish', form: 'source', label: 'fish, cmd | source' },
  { shell: 'fish', form: 'quoted', label: 'fish, eval "$(cmd)"' },
];

/** zsh with GLOB_SUBST globs and tilde-expands substitution results: a tenth as many cases more. */
const globSubst: ShellForm = { shell: 'zsh', form: 'unquoted', options: 'setopt GLOB_SUBST EXTENDED_GLOB NULL_GLOB', label: 'zsh, eval $(cmd) with GLOB_SUBST' };

function formatFor(form: ShellForm): 'sh' | 'fish' {
  return form.shell === 'fish' ? 'fish' : 'sh';
}

function shellCase(form: ShellForm, out: CredentialsOutput): ShellCase {
  return { output: formatOutput(formatFor(form), out), expected: expectedEnvironment(out) };
}

function show(value: unknown): string {
  const text = JSON.stringify(value, (_key, item: unknown) => (item instanceof Date ? item.toISOString() : item));
  return text.length > 400 ? `${text.slice(0, 400)}...` : text;
}

const sandbox = createSandbox();
const pool = createPool(Math.max(2, availableParallelism()));
let runCounter = 0;

/** Runs the cases of one form in chunks of shell processes; the results in order, with the chunk start. */
async function runForm(form: ShellForm, cases: readonly ShellCase[]): Promise<{ start: number; result: BatchResult }[]> {
  const chunks: Promise<{ start: number; result: BatchResult }>[] = [];
  for (let start = 0; start < cases.length; start += chunkSize) {
    const id = `run-${runCounter++}`;
    chunks.push(pool(async () => ({ start, result: await runShellBatch(form, cases.slice(start, start + chunkSize), sandbox, id) })));
  }
  return Promise.all(chunks);
}

/** Every failure of one form's run, one line each: the process itself, then each case that differs. */
async function failuresOf(form: ShellForm, cases: readonly ShellCase[], describeCase: (index: number) => string): Promise<{ lines: string[]; failing: number[] }> {
  const lines: string[] = [];
  const failing: number[] = [];
  for (const { start, result } of await runForm(form, cases)) {
    if (result.code !== 0 || result.signal !== null) lines.push(`chunk at ${start}: exit ${result.code ?? result.signal}`);
    if (result.stderr !== '') lines.push(`chunk at ${start}: stderr ${JSON.stringify(result.stderr.slice(0, 300))}`);
    if (result.malformed !== undefined) lines.push(`chunk at ${start}: stdout malformed: ${result.malformed}`);
    const count = Math.min(chunkSize, cases.length - start);
    for (let offset = 0; offset < count; offset++) {
      const index = start + offset;
      const shellCase = cases[index];
      if (shellCase === undefined) continue;
      const differences = caseDifferences(shellCase, result.reports[offset]);
      if (differences.length > 0) {
        failing.push(index);
        lines.push(`case ${index} ${describeCase(index)}: ${differences.join('; ')}`);
      }
    }
  }
  return { lines, failing };
}

/** Whether `out` still fails alone in `form`. */
async function failsAlone(form: ShellForm, out: CredentialsOutput): Promise<boolean> {
  let one: ShellCase;
  try {
    one = shellCase(form, out);
  } catch {
    return false;
  }
  const id = `shrink-${runCounter++}`;
  const result = await runShellBatch(form, [one], sandbox, id);
  return result.code !== 0 || result.stderr !== '' || result.malformed !== undefined || caseDifferences(one, result.reports[0]).length > 0;
}

/**
 * A smaller failing case: fields made plain or dropped, then characters cut out of what is
 * left, while it still fails alone. At most 200 shell runs: this only runs on a failure.
 */
async function minimize(form: ShellForm, out: CredentialsOutput): Promise<CredentialsOutput> {
  let budget = 200;
  let current = out;
  const tries = async (candidate: CredentialsOutput): Promise<boolean> => {
    if (budget-- <= 0) return false;
    if (await failsAlone(form, candidate)) {
      current = candidate;
      return true;
    }
    return false;
  };
  const plain = 'AKIAIOSFODNN7EXAMPLE';
  await tries({ ...current, region: undefined });
  await tries({ ...current, credentials: { ...current.credentials, sessionToken: undefined } });
  await tries({ ...current, credentials: { ...current.credentials, expiration: undefined } });
  await tries({ ...current, credentials: { ...current.credentials, accessKeyId: plain } });
  await tries({ ...current, credentials: { ...current.credentials, secretAccessKey: plain } });
  const setters: [() => string | undefined, (value: string) => CredentialsOutput][] = [
    [() => current.credentials.accessKeyId, (value) => ({ ...current, credentials: { ...current.credentials, accessKeyId: value } })],
    [() => current.credentials.secretAccessKey, (value) => ({ ...current, credentials: { ...current.credentials, secretAccessKey: value } })],
    [() => current.credentials.sessionToken, (value) => ({ ...current, credentials: { ...current.credentials, sessionToken: value } })],
    [() => current.region, (value) => ({ ...current, region: value })],
  ];
  for (const [get, set] of setters) {
    for (let size = Math.ceil((get()?.length ?? 0) / 2); size >= 1; size = Math.floor(size / 2)) {
      for (let at = 0; at < (get()?.length ?? 0); ) {
        const value = get() ?? '';
        const shorter = value.slice(0, at) + value.slice(at + size);
        if (!isEnvironmentSafe(shorter) || !(await tries(set(shorter)))) at += size;
        if (budget <= 0) return current;
      }
    }
  }
  return current;
}

async function assertNoFailures(form: ShellForm, cases: readonly ShellCase[], outs: readonly CredentialsOutput[], what: string): Promise<void> {
  const { lines, failing } = await failuresOf(form, cases, (index) => show(outs[index]));
  if (lines.length === 0) return;
  const first = failing[0] === undefined ? undefined : outs[failing[0]];
  const minimal = first === undefined ? '' : `\nminimal failing case: ${show(await minimize(form, first))}`;
  assert.fail(`${lines.length} failures in ${form.label} for ${what}, ${replay}:\n${lines.slice(0, 10).join('\n')}${minimal}`);
}

/** The generated cases of each form: a seed per form, derived from the run's seed. */
const generated = new Map<ShellForm, { outs: CredentialsOutput[]; cases: ShellCase[] }>();
for (const [index, form] of [...forms, globSubst].entries()) {
  const numRuns = form === globSubst ? Math.ceil(runsPerForm / 10) : runsPerForm;
  const outs = fc.sample(credentialsOutput(), { seed: seed + index, numRuns });
  generated.set(form, { outs, cases: outs.map((out) => shellCase(form, out)) });
}

const started = Date.now();
const formRuns = new Map<ShellForm, Promise<void>>();

before(() => {
  for (const [form, { outs, cases }] of generated) {
    const done = assertNoFailures(form, cases, outs, `generated values (sample seed ${seed + [...generated.keys()].indexOf(form)})`);
    // Awaited by the form's test; a rejection must not go unhandled before that.
    done.catch(() => undefined);
    formRuns.set(form, done);
  }
});

after(() => {
  sandbox.cleanup();
});

describe('generated values round-trip through real shells', () => {
  it(`tests at least 10,000 cases per shell (${runsPerForm} per form)`, () => {
    for (const shell of ['bash', 'dash', 'zsh', 'fish']) {
      const total = [...generated].filter(([form]) => form.shell === shell).reduce((sum, [, { cases }]) => sum + cases.length, 0);
      assert.ok(total >= 2 * runsPerForm, `${shell}: only ${total} cases`);
    }
  });

  for (const form of [...forms, globSubst]) {
    const count = generated.get(form)?.cases.length ?? 0;
    it(`keeps ${count} generated outputs exact, unsets the stale variables and prints nothing else, in ${form.label}`, async () => {
      await formRuns.get(form);
    });
  }
});

describe('formats refuse what no environment variable can hold', () => {
  const formats = ['sh', 'fish', 'powershell', 'cmd', 'dotenv'] as const;
  const slots = ['accessKeyId', 'secretAccessKey', 'sessionToken', 'region'] as const;
  const names = { accessKeyId: 'AWS_ACCESS_KEY_ID', secretAccessKey: 'AWS_SECRET_ACCESS_KEY', sessionToken: 'AWS_SESSION_TOKEN', region: 'AWS_REGION' } as const;

  it('refuses a value with a NUL or a lone surrogate in every environment format, naming the variable and never the value', () => {
    fc.assert(
      fc.property(fc.constantFrom(...formats), fc.constantFrom(...slots), unsafeValue, (format, slot, value) => {
        const base = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' };
        const out: CredentialsOutput = slot === 'region' ? { credentials: base, region: value } : { credentials: { ...base, [slot]: value } };
        assert.throws(
          () => formatOutput(format, out),
          (error: unknown) =>
            error instanceof AssumeError &&
            error.code === 'OUTPUT_UNSAFE' &&
            error.message.startsWith(`${names[slot]} cannot be written safely in the ${format} format: `) &&
            error.hint !== undefined,
        );
      }),
      { seed, numRuns: Math.max(1000, runsPerForm) },
    );
  });

  it('prints any value, unsafe ones included, in json and credential-process (JSON holds any string)', () => {
    fc.assert(
      fc.property(fc.oneof(hostileValue, unsafeValue), (value) => {
        const out = { credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: value, sessionToken: value }, region: 'eu-west-1' };
        const json = JSON.parse(formatOutput('json', out)) as { SecretAccessKey: string; SessionToken: string };
        const process = JSON.parse(formatOutput('credential-process', out)) as { SecretAccessKey: string; SessionToken: string };
        assert.equal(json.SecretAccessKey, value);
        assert.equal(process.SessionToken, value);
      }),
      { seed, numRuns: Math.max(1000, runsPerForm) },
    );
  });
});

describe('PowerShell, cmd and dotenv output follows their quoting rules', () => {
  /** What the variables hold after applying a format's output to an environment where all are stale. */
  function applied(apply: (output: string, env: Map<string, string>) => void, output: string): Map<string, string> {
    const env = new Map<string, string>(observedVariables.map((name) => [name, staleValue]));
    apply(output, env);
    return env;
  }

  function assertMatches(env: Map<string, string>, out: CredentialsOutput, only?: (name: string) => boolean): void {
    for (const [name, value] of expectedEnvironment(out)) {
      if (only !== undefined && !only(name)) continue;
      assert.equal(env.get(name), value, name);
    }
  }

  const values = (out: CredentialsOutput): string[] =>
    [out.credentials.accessKeyId, out.credentials.secretAccessKey, out.credentials.sessionToken, out.region].filter((value) => value !== undefined);

  /** The table: values and the exact line each format must print for them, from the rules alone. */
  const table: readonly { value: string; powershell: string; cmd: string | undefined; dotenv: string | undefined }[] = [
    { value: 'plain/+=._,:@-', powershell: "'plain/+=._,:@-'", cmd: '"AWS_SECRET_ACCESS_KEY=plain/+=._,:@-"', dotenv: 'plain/+=._,:@-' },
    { value: "it's", powershell: "'it''s'", cmd: '"AWS_SECRET_ACCESS_KEY=it\'s"', dotenv: undefined },
    { value: '$(touch pwned) `x` & | < > ^', powershell: "'$(touch pwned) `x` & | < > ^'", cmd: '"AWS_SECRET_ACCESS_KEY=$(touch pwned) `x` & | < > ^"', dotenv: "'$(touch pwned) `x` & | < > ^'" },
    { value: '50%', powershell: "'50%'", cmd: undefined, dotenv: "'50%'" },
    { value: 'a!b', powershell: "'a!b'", cmd: undefined, dotenv: "'a!b'" },
    { value: 'say "hi"', powershell: '\'say "hi"\'', cmd: undefined, dotenv: '\'say "hi"\'' },
    { value: 'a\nb', powershell: "'a' + [char]0x000A + 'b'", cmd: undefined, dotenv: undefined },
    { value: '\u2019; touch pwned; \u2018', powershell: "'' + [char]0x2019 + '; touch pwned; ' + [char]0x2018", cmd: undefined, dotenv: "'\u2019; touch pwned; \u2018'" },
    { value: 'é😀', powershell: "'' + [char]0x00E9 + [char]0xD83D + [char]0xDE00", cmd: undefined, dotenv: "'é😀'" },
    { value: '', powershell: '', cmd: undefined, dotenv: '' },
  ];

  for (const row of table) {
    it(`writes ${JSON.stringify(row.value)} as the rules say in PowerShell, cmd and dotenv`, () => {
      const out = { credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: row.value } };
      if (row.value === '') {
        assert.throws(() => formatOutput('powershell', out), (error: unknown) => error instanceof AssumeError && error.code === 'OUTPUT_UNSAFE');
      } else {
        assert.ok(formatOutput('powershell', out).includes(`\n$env:AWS_SECRET_ACCESS_KEY = ${row.powershell};\n`));
        assert.equal(applied(applyPowerShell, formatOutput('powershell', out)).get('AWS_SECRET_ACCESS_KEY'), row.value);
      }
      if (row.cmd === undefined) {
        assert.throws(() => formatOutput('cmd', out), (error: unknown) => error instanceof AssumeError && error.code === 'OUTPUT_UNSAFE');
      } else {
        assert.ok(formatOutput('cmd', out).includes(`\nset ${row.cmd}\n`));
        assert.equal(applied(applyCmd, formatOutput('cmd', out)).get('AWS_SECRET_ACCESS_KEY'), row.value);
      }
      if (row.dotenv === undefined) {
        assert.throws(() => formatOutput('dotenv', out), (error: unknown) => error instanceof AssumeError && error.code === 'OUTPUT_UNSAFE');
      } else {
        assert.ok(formatOutput('dotenv', out).includes(`\nAWS_SECRET_ACCESS_KEY=${row.dotenv}\n`));
      }
    });
  }

  const numRuns = Math.max(2000, runsPerForm * 2);

  it(`prints PowerShell that its single-quote rules read back exactly, or refuses exactly the empty value (${numRuns} cases)`, () => {
    fc.assert(
      fc.property(credentialsOutput(fc.oneof(credentialValue, hostileValue)), (out) => {
        if (values(out).includes('')) {
          assert.throws(() => formatOutput('powershell', out), (error: unknown) => error instanceof AssumeError && error.code === 'OUTPUT_UNSAFE');
          return;
        }
        assertMatches(applied(applyPowerShell, formatOutput('powershell', out)), out);
      }),
      { seed, numRuns },
    );
  });

  it(`prints cmd that set "NAME=value" reads back exactly, or refuses exactly what cmd cannot hold (${numRuns} cases)`, () => {
    const cmdValue = fc.oneof(plainValue, fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 40 }), hostileValue, fc.constant(0).chain(() => fc.integer({ min: 8150, max: 8200 })).map((length) => 'a'.repeat(length)));
    fc.assert(
      fc.property(credentialsOutput(cmdValue, fc.oneof(regionValue, cmdValue)), (out) => {
        const writable = (value: string): boolean => value !== '' && /^[\x20-\x7e]*$/.test(value) && !/["%!]/.test(value);
        // A line of cmd.exe holds at most 8191 characters, name and quotes included.
        const fits = [...expectedEnvironment(out)].every(([name, value]) => value === undefined || value === staleValue || (writable(value) && `set "${name}=${value}"`.length <= 8191));
        if (!fits || !values(out).every(writable)) {
          assert.throws(() => formatOutput('cmd', out), (error: unknown) => error instanceof AssumeError && error.code === 'OUTPUT_UNSAFE');
          return;
        }
        assertMatches(applied(applyCmd, formatOutput('cmd', out)), out);
      }),
      { seed, numRuns },
    );
  });

  it(`prints env files that read back exactly, or refuses exactly a quote, CR or LF (${numRuns} cases)`, () => {
    fc.assert(
      fc.property(credentialsOutput(fc.oneof(credentialValue, hostileValue)), (out) => {
        if (values(out).some((value) => /['\r\n]/.test(value))) {
          assert.throws(() => formatOutput('dotenv', out), (error: unknown) => error instanceof AssumeError && error.code === 'OUTPUT_UNSAFE');
          return;
        }
        // An env file cannot unset: only the variables it sets are checked.
        const env = applied(applyDotenv, formatOutput('dotenv', out));
        assertMatches(env, out, (name) => expectedEnvironment(out).get(name) !== undefined && !(out.region === undefined && name.endsWith('REGION')));
      }),
      { seed, numRuns },
    );
  });
});

/**
 * What XML itself cannot carry, as with real STS: CR, C0 controls but tab and LF, U+FFFE and
 * U+FFFF; the SDK also trims an element's text, and an empty one is no value.
 */
function xmlCarries(value: string): boolean {
  return value !== '' && value === value.trim() && !Array.from(value).some((char) => {
    const code = char.codePointAt(0) ?? 0;
    return (code < 0x20 && code !== 0x09 && code !== 0x0a) || code === 0xfffe || code === 0xffff;
  });
}

/** A config line value that reads back as written: no line break, no surrounding Python whitespace, not a comment. */
const pythonSpaces = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const pythonSpace = new RegExp(`^[${pythonSpaces}]|[${pythonSpaces}]$`);
function isConfigLine(line: string): boolean {
  return line !== '' && !/[\r\n]/.test(line) && !pythonSpace.test(line) && !/^[#;]/.test(line);
}
const configLine = fc.oneof(regionValue, hostileValue).filter(isConfigLine);
/** A region as a config file can hold it: one line, or continuation lines (read joined with LF). */
const configRegion = fc.array(configLine, { minLength: 1, maxLength: 3 }).map((lines) => ({ text: lines.join('\n  '), value: lines.join('\n') }));

describe('values from the STS emulator and config files, through assume, into real shells', () => {
  let emu: Emulator;
  let home: TempHome;
  const baseKeys = { accessKeyId: '', secretAccessKey: '' };
  const servedRuns = Math.max(60, Math.ceil(runsPerForm / 16));
  const binaryRuns = Math.max(6, Math.ceil(runsPerForm / 400));
  const configRuns = Math.max(60, Math.ceil(runsPerForm / 25));

  before(async () => {
    emu = await startEmulator();
    const user = emu.addUser({ name: 'dev', accountId: '111111111111' });
    emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [user.arn] });
    baseKeys.accessKeyId = user.accessKeyId;
    baseKeys.secretAccessKey = user.secretAccessKey;
    home = createTempHome();
  });

  after(async () => {
    emu.setCredentialFactory(undefined);
    home.cleanup();
    await emu.close();
  });

  function roleConfig(extra: string): string {
    return `[profile admin]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = base\n${extra}\n[profile base]\naws_access_key_id = ${baseKeys.accessKeyId}\naws_secret_access_key = ${baseKeys.secretAccessKey}\n`;
  }

  /** One output of assume and the credentials it must set: the expiration is read from it, the emulator's clock sets it. */
  interface Output {
    readonly text: string;
    readonly out: CredentialsOutput;
  }
  interface Printed {
    readonly sh: Output;
    readonly fish: Output;
  }

  function printed(text: string, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region: string | undefined): Output {
    const expiration = /AWS_CREDENTIAL_EXPIRATION[=' ]+([0-9T:Z-]+)'/.exec(text)?.[1];
    return { text, out: { credentials: { ...credentials, expiration: expiration === undefined ? undefined : new Date(expiration) }, region } };
  }

  async function assumeInProcess(args: string[], env: Record<string, string> = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const result = await run(args, { HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url, ...env }, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    }, { homeDir: home.dir });
    return { exitCode: 'exitCode' in result ? result.exitCode : -1, stdout, stderr };
  }

  /** Sends each output through one sh form and one fish form, in turn, so all nine forms get a share. */
  async function roundTrip(items: readonly Printed[], what: string): Promise<void> {
    const shForms = forms.filter((form) => form.shell !== 'fish');
    const fishForms = forms.filter((form) => form.shell === 'fish');
    const failures = await Promise.all(
      [...shForms.map((form, index) => ({ form, index, of: shForms.length })), ...fishForms.map((form, index) => ({ form, index, of: fishForms.length }))].map(async ({ form, index, of }) => {
        const mine = items.filter((_item, itemIndex) => itemIndex % of === index);
        const printed = mine.map((item) => (form.shell === 'fish' ? item.fish : item.sh));
        const cases = printed.map(({ text, out }) => ({ output: text, expected: expectedEnvironment(out) }));
        const { lines } = await failuresOf(form, cases, (caseIndex) => show(printed[caseIndex]?.out));
        return lines.map((line) => `${form.label}: ${line}`);
      }),
    );
    const all = failures.flat();
    assert.deepEqual(all.slice(0, 10), [], `${all.length} failures for ${what}, ${replay}`);
  }

  const servedValue = hostileValue.filter(xmlCarries);
  const served = fc.record({ secretAccessKey: fc.oneof(servedValue, plainValue.filter(xmlCarries)), sessionToken: servedValue });

  it(`served by the emulator, generated values come out of run exact in every shell (${servedRuns} cases)`, async () => {
    writeFileSync(home.configFile, roleConfig('region = eu-west-1\n'));
    const items: Printed[] = [];
    for (const [index, keys] of fc.sample(served, { seed, numRuns: servedRuns }).entries()) {
      const accessKeyId = `ASIA${String(index).padStart(16, '0')}`;
      emu.setCredentialFactory(() => ({ accessKeyId, ...keys }));
      const sh = await assumeInProcess(['--no-cache', '--format', 'sh', 'admin']);
      const fish = await assumeInProcess(['--no-cache', '--format', 'fish', 'admin']);
      assert.equal(sh.exitCode, 0, `case ${index} ${show(keys)}: ${sh.stderr} (${replay})`);
      assert.equal(fish.exitCode, 0, `case ${index} ${show(keys)}: ${fish.stderr} (${replay})`);
      items.push({ sh: printed(sh.stdout, { accessKeyId, ...keys }, 'eu-west-1'), fish: printed(fish.stdout, { accessKeyId, ...keys }, 'eu-west-1') });
    }
    await roundTrip(items, 'values served by the emulator');
  });

  it(`served by the emulator, generated values come out of the real bin/assume exact in every shell (${binaryRuns} cases)`, async () => {
    writeFileSync(home.configFile, roleConfig('region = eu-west-1\n'));
    const items: Printed[] = [];
    for (const [index, keys] of fc.sample(served, { seed: seed + 100, numRuns: binaryRuns }).entries()) {
      const accessKeyId = `ASIA${String(index).padStart(16, '1')}`;
      emu.setCredentialFactory(() => ({ accessKeyId, ...keys }));
      const env = { HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url };
      const [sh, fish] = await Promise.all([
        runAssume(['--no-cache', '--format', 'sh', 'admin'], env),
        runAssume(['--no-cache', '--format', 'fish', 'admin'], env),
      ]);
      assert.equal(sh.code, 0, `case ${index} ${show(keys)}: ${sh.stderr} (${replay})`);
      assert.equal(fish.code, 0, `case ${index} ${show(keys)}: ${fish.stderr} (${replay})`);
      items.push({ sh: printed(sh.stdout, { accessKeyId, ...keys }, 'eu-west-1'), fish: printed(fish.stdout, { accessKeyId, ...keys }, 'eu-west-1') });
    }
    await roundTrip(items, 'values served by the emulator through bin/assume');
  });

  /**
   * Profile names a section header can hold as written: no whitespace or line break, no `]`,
   * and none of the quotes and backslash botocore's shlex.split of the header would take out.
   */
  const profileName = fc
    .oneof(fc.stringMatching(/^[A-Za-z0-9._-]{1,20}$/), hostileValue)
    .filter((name) => name !== '' && !new RegExp(`[\\s\\]"'\\\\${pythonSpaces}]`, 'u').test(name) && !name.startsWith('-') && name !== 'default' && isConfigLine(name));

  /** botocore's validate_region_name, the oracle: a region the AWS CLI accepts. */
  const validRegion = (region: string): boolean => /^(?![0-9]+$)(?!-)[a-zA-Z0-9-]{0,63}(?<!-)$/.test(region);

  /** A refusal of an invalid region: exit 3 (config) or 2 (AWS_REGION), one message naming it, nothing on stdout. */
  function refusedRegion(result: { exitCode: number; stdout: string; stderr: string }, what: string): void {
    assert.equal(result.stdout, '', `${what}: a refusal prints nothing on stdout`);
    assert.equal(result.exitCode, 3, `${what}: ${result.stderr}`);
    assert.match(result.stderr, /^assume: region ".*" (\(and \d+ more lines?, not shown\) )?is not a valid region name \(.*config:\d+\)\n {2}hint: .+\n$/, what);
  }

  it(`exports a generated region and profile from a config file exactly in every shell, or refuses an invalid region (${configRuns} cases, static keys)`, async () => {
    const items: Printed[] = [];
    const cases = fc.sample(fc.record({ profile: profileName, region: configRegion, byEnv: fc.boolean() }), { seed: seed + 200, numRuns: configRuns });
    for (const [index, { profile, region, byEnv }] of cases.entries()) {
      const keys = { accessKeyId: `AKIA${String(index).padStart(16, '0')}`, secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
      writeFileSync(home.configFile, `[profile ${profile}]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\nregion = ${region.text}\n`);
      const args = byEnv ? [] : [profile];
      const env: Record<string, string> = byEnv ? { AWS_PROFILE: profile } : {};
      const sh = await assumeInProcess(['--no-cache', '--format', 'sh', ...args], env);
      if (!validRegion(region.value)) {
        refusedRegion(sh, `case ${index} ${show({ profile, region, byEnv })} (${replay})`);
        continue;
      }
      const fish = await assumeInProcess(['--no-cache', '--format', 'fish', ...args], env);
      assert.equal(sh.exitCode, 0, `case ${index} ${show({ profile, region, byEnv })}: ${sh.stderr} (${replay})`);
      assert.equal(fish.exitCode, 0, `case ${index}: ${fish.stderr}`);
      items.push({ sh: printed(sh.stdout, keys, region.value), fish: printed(fish.stdout, keys, region.value) });
    }
    await roundTrip(items, 'regions and profile names from config files');
  });

  it(`exports a generated region of a role profile exactly, or refuses it printing nothing (${configRuns} cases)`, async () => {
    const cases = fc.sample(configRegion, { seed: seed + 300, numRuns: configRuns });
    const items: Printed[] = [];
    for (const [index, region] of cases.entries()) {
      // Fixed keys, so the sh and the fish call print the same ones.
      const keys = { accessKeyId: `ASIA${String(index).padStart(16, '2')}`, secretAccessKey: 'secret/+=', sessionToken: 'token+/=' };
      emu.setCredentialFactory(() => keys);
      writeFileSync(home.configFile, roleConfig(`region = ${region.text}\n`));
      const sh = await assumeInProcess(['--no-cache', '--format', 'sh', 'admin']);
      if (!validRegion(region.value)) {
        refusedRegion(sh, `case ${index} ${show(region)} (${replay})`);
        continue;
      }
      assert.equal(sh.exitCode, 0, `case ${index} ${show(region)}: ${sh.stderr} (${replay})`);
      const fish = await assumeInProcess(['--no-cache', '--format', 'fish', 'admin']);
      assert.equal(fish.exitCode, 0, fish.stderr);
      items.push({ sh: printed(sh.stdout, keys, region.value), fish: printed(fish.stdout, keys, region.value) });
    }
    assert.ok(items.length > 0, 'some generated regions are valid ones');
    await roundTrip(items, 'regions from config files on a role profile');
  });

  it('refuses a region STS cannot be called in as a config error (exit 3) naming the file, before any call', async () => {
    writeFileSync(home.configFile, roleConfig('region = eu west\n'));
    emu.reset();
    const result = await assumeInProcess(['--no-cache', '--format', 'sh', 'admin']);
    refusedRegion(result, 'region = eu west');
    assert.equal(emu.count(), 0);
  });

  const sessionName = fc.oneof(fc.stringMatching(/^[\w+=,.@-]{2,64}$/), hostileValue.filter(isConfigLine), fc.stringMatching(/^[\w+=,.@-]{65,70}$/));

  it(`passes a valid generated role_session_name to STS and refuses any other with exit 3, printing nothing (${configRuns} cases)`, async () => {
    emu.setCredentialFactory(undefined);
    for (const [index, name] of fc.sample(sessionName.filter(isConfigLine), { seed: seed + 400, numRuns: configRuns }).entries()) {
      writeFileSync(home.configFile, roleConfig(`role_session_name = ${name}\nregion = eu-west-1\n`));
      const result = await assumeInProcess(['--no-cache', '--format', 'json', 'admin']);
      const valid = /^[\w+=,.@-]{2,64}$/.test(name);
      assert.equal(result.exitCode, valid ? 0 : 3, `case ${index} ${show(name)}: ${result.stderr} (${replay})`);
      if (!valid) {
        assert.equal(result.stdout, '');
        assert.match(result.stderr, /^assume: role session name .* is not valid/s);
      } else {
        assert.match((JSON.parse(result.stdout) as { AccessKeyId: string }).AccessKeyId, /^ASIA/);
      }
    }
  });
});

describe('nothing any value held was ever run', () => {
  it('leaves no mark of a command, decoy or not found, and no file beside the bait files', async () => {
    await Promise.allSettled(formRuns.values());
    assert.deepEqual(sandbox.executed(), []);
    assert.deepEqual(sandbox.strayFiles(), []);
    process.stderr.write(`# shellProperty: ${runsPerForm} cases per shell and form, ${replay}, shells took ${Math.round((Date.now() - started) / 1000)} s\n`);
  });
});

// The arbitraries must not be able to make what the sh and fish formats refuse.
assert.ok(fc.sample(credentialsOutput(), { seed, numRuns: 200 }).every((out) => [out.credentials.accessKeyId, out.credentials.secretAccessKey, out.credentials.sessionToken ?? '', out.region ?? ''].every(isEnvironmentSafe)));
