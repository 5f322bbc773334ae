/**
 * Evaluates many formatter outputs in one real shell process, as `eval "$(assume ...)"` would,
 * and reads back what each left in the environment. Forks cost several milliseconds each
 * where the tests run, so the shells do everything else with builtins: one process runs
 * thousands of cases, reads each output file with a builtin (`$(<file)` in bash and zsh,
 * `string split` in fish), and prints every observed variable with `printf` as a
 * NUL-terminated record on stdout (no value can hold a NUL); Node compares the bytes.
 *
 * The shells run in a sandbox: a folder of bait files as the working directory (names a stray
 * glob would match; a file a value manages to create there shows up), a PATH of nothing but
 * decoy commands that log their use, and command-not-found handlers that log too. So any
 * command a value gets run, known or not, is seen.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CredentialsOutput } from '../../src/credentials.js';
import { formatExpiration } from '../../src/output/formatExpiration.js';

/** Every variable a case is checked on, in the order `report` prints them. */
export const observedVariables = [
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_REGION',
  'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SECURITY_TOKEN',
] as const;

/** What every observed variable holds, exported, before each case is evaluated. */
export const staleValue = 'stale';

/** One output to evaluate and what the environment must hold afterwards (undefined: unset). */
export interface ShellCase {
  readonly output: string;
  readonly expected: ReadonlyMap<string, string | undefined>;
}

/** What the environment must hold after evaluating the output for `out` (see credentialVariables). */
export function expectedEnvironment(out: CredentialsOutput): Map<string, string | undefined> {
  const { credentials, region } = out;
  return new Map<string, string | undefined>([
    ['AWS_ACCESS_KEY_ID', credentials.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', credentials.secretAccessKey],
    ['AWS_SESSION_TOKEN', credentials.sessionToken],
    ['AWS_CREDENTIAL_EXPIRATION', credentials.expiration === undefined ? undefined : formatExpiration(credentials.expiration)],
    // No region known: the region the user had stays.
    ['AWS_REGION', region ?? staleValue],
    ['AWS_DEFAULT_REGION', region ?? staleValue],
    ['AWS_PROFILE', undefined],
    ['AWS_DEFAULT_PROFILE', undefined],
    ['AWS_SECURITY_TOKEN', undefined],
  ]);
}

/** The shells, at the paths the issue names. */
export const shellPaths = { bash: '/bin/bash', dash: '/bin/dash', zsh: '/usr/bin/zsh', fish: '/usr/bin/fish' } as const;
export type ShellName = keyof typeof shellPaths;

/**
 * How the output reaches eval:
 * - `quoted`: `eval "$(assume ...)"`; `unquoted`: `eval $(assume ...)` (split, globbed, joined);
 * - fish `paren`: `eval (assume ...)`; `source`: `assume ... | source`; `quoted` in fish is
 *   its `eval "$(assume ...)"`.
 */
export type EvalForm = 'quoted' | 'unquoted' | 'paren' | 'source';

export interface ShellForm {
  readonly shell: ShellName;
  readonly form: EvalForm;
  /** Shell options set first, such as `shopt -s extglob nullglob`. */
  readonly options?: string;
  readonly label: string;
}

/** The decoy command names on PATH: whatever a leaked value might try to run. */
const decoys = [
  'touch', 'cat', 'ls', 'rm', 'id', 'sh', 'bash', 'dash', 'zsh', 'fish', 'env', 'echo', 'printf', 'test', 'true', 'false',
  'sleep', 'curl', 'wget', 'nc', 'python3', 'perl', 'node', 'x', 'a', 'b', 'c', 'evil', 'pwned', 'export', 'set', 'eval',
];

/** Names a glob left in the output would match, so such a mistake changes a value. */
const baitFiles = ['a', 'b', 'ab', 'abc', 'x', 'X', '1', '-', 'export', 'AWS_REGION=a;', "AWS_REGION='a';", 'set', '-gx'];

/** The folders one batch of shell runs shares; remove with `cleanup`. */
export interface Sandbox {
  readonly root: string;
  /** The shells' working directory, holding only the bait files. */
  readonly cwd: string;
  /** PATH for the shells: only decoys. */
  readonly path: string;
  /** Every decoy or command-not-found handler run appends a line here. */
  readonly markFile: string;
  /** The commands that ran: the lines of markFile. */
  executed(): string[];
  /** Files in cwd that are not bait: what a redirection or `touch` in a value created. */
  strayFiles(): string[];
  cleanup(): void;
}

function quoteSh(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function quoteFish(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

export function createSandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'assume-property-'));
  const cwd = join(root, 'cwd');
  const path = join(root, 'decoys');
  const home = join(root, 'home');
  const markFile = join(root, 'executed');
  for (const dir of [cwd, path, home, join(root, 'inputs')]) mkdirSync(dir);
  for (const name of baitFiles) writeFileSync(join(cwd, name), '');
  const decoy = join(root, 'decoy');
  writeFileSync(decoy, `#!/bin/sh\nprintf '%s\\n' "decoy \${0##*/} $*" >>${quoteSh(markFile)}\n`);
  chmodSync(decoy, 0o755);
  for (const name of decoys) symlinkSync(decoy, join(path, name));
  return {
    root,
    cwd,
    path,
    markFile,
    executed: () => (existsSync(markFile) ? readFileSync(markFile, 'utf8').split('\n').filter((line) => line !== '') : []),
    strayFiles: () => readdirSync(cwd).filter((name) => !baitFiles.includes(name)).sort(),
    cleanup: () => {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function shPrelude(shell: ShellName, markFile: string): string {
  const mark = quoteSh(markFile);
  return [
    `stale_all() { export ${observedVariables.map((name) => `${name}=${staleValue}`).join(' ')}; }`,
    // One record per variable: `s` and its bytes, or `u` when unset; every record ends with a NUL.
    'report() {',
    "  printf 'c%s\\000' \"$1\"",
    ...observedVariables.map((name) => `  if [ -n "\${${name}+set}" ]; then printf 's%s\\000' "$${name}"; else printf 'u\\000'; fi`),
    // env -0 shows what a child process gets: only exported variables.
    `  if [ "$2" = env ]; then printf 'e\\000'; /usr/bin/env -0; printf 'E\\000'; fi`,
    '}',
    shell === 'bash' ? `command_not_found_handle() { printf '%s\\n' "not found: $*" >>${mark}; return 127; }` : '',
    shell === 'zsh' ? `command_not_found_handler() { printf '%s\\n' "not found: $*" >>${mark}; return 127; }` : '',
    // dash has no $(<file): a loop of builtins prints the file (in the forked subshell of $(...), without exec).
    'emit() { while IFS= read -r line; do printf \'%s\\n\' "$line"; done <"$1"; }',
    '',
  ].join('\n');
}

function fishPrelude(markFile: string): string {
  return [
    `function stale_all; for name in ${observedVariables.join(' ')}; set -gx $name ${staleValue}; end; end`,
    'function report',
    "  printf 'c%s\\x00' $argv[1]",
    `  for name in ${observedVariables.join(' ')}`,
    "    if set -qx $name; printf 's%s\\x00' \"$$name\"",
    // Set but not exported: a child process would not see it.
    "    else if set -q $name; printf 'n%s\\x00' \"$$name\"",
    "    else; printf 'u\\x00'; end",
    '  end',
    "  if test \"$argv[2]\" = env; printf 'e\\x00'; /usr/bin/env -0; printf 'E\\x00'; end",
    'end',
    `function fish_command_not_found; printf '%s\\n' "not found: $argv" >>${quoteFish(markFile)}; end`,
    '',
  ].join('\n');
}

/** Every this many cases (and the last), `report` also prints the real environment with `env -0`. */
const envEvery = 100;

/** dash evaluates this many outputs per `$(...)`, to spend one fork on many cases (see buildScript). */
const dashBatchSize = 25;

/**
 * The script one shell runs: per case, reset the observed variables to stale values, evaluate
 * the output as the user would, print the variables. bash and zsh read each output file with
 * `$(<file)`, which costs no fork. dash forks for every `$(...)`, so it reads 25 outputs at a
 * time, each followed by `report N;stale_all;`; every output ends with `;` and a line break,
 * so this is the same program as evaluating them one by one, and every `$(...)` still goes
 * through the real expansion (and, unquoted, splitting and globbing).
 */
function buildScript(form: ShellForm, cases: readonly ShellCase[], inputs: string, markFile: string): string {
  const env = (index: number): string => (index % envEvery === 0 || index === cases.length - 1 ? ' env' : '');
  const file = (name: string): string => join(inputs, name);
  let script = form.options === undefined ? '' : `${form.options}\n`;
  if (form.shell === 'fish') {
    script += fishPrelude(markFile);
    cases.forEach((shellCase, index) => {
      const input = quoteFish(file(String(index)));
      writeFileSync(file(String(index)), shellCase.output);
      const evaluate = {
        paren: `eval (string split \\n <${input})`,
        source: `string split \\n <${input} | source`,
        quoted: `eval "$(string split \\n <${input})"`,
        unquoted: `eval $(string split \\n <${input})`,
      }[form.form];
      script += `stale_all; ${evaluate}; report ${index}${env(index)}\n`;
    });
    return script;
  }
  script += shPrelude(form.shell, markFile);
  const dollar = form.form === 'quoted' ? (inner: string) => `"$(${inner})"` : (inner: string) => `$(${inner})`;
  if (form.shell === 'dash') {
    for (let start = 0; start < cases.length; start += dashBatchSize) {
      const batch = cases.slice(start, start + dashBatchSize);
      const name = `batch-${start}`;
      writeFileSync(file(name), batch.map((shellCase, offset) => `${shellCase.output}report ${start + offset}${env(start + offset)};stale_all;\n`).join(''));
      script += `stale_all\neval ${dollar(`emit ${quoteSh(file(name))}`)}\n`;
    }
    return script;
  }
  cases.forEach((shellCase, index) => {
    writeFileSync(file(String(index)), shellCase.output);
    script += `stale_all;eval ${dollar(`<${quoteSh(file(String(index)))}`)};report ${index}${env(index)}\n`;
  });
  return script;
}

/** What one variable held after a case: its bytes, `unset`, or (fish) set but not exported. */
export type Found = { readonly kind: 'set'; readonly bytes: Buffer } | { readonly kind: 'unset' } | { readonly kind: 'unexported'; readonly bytes: Buffer };

export interface CaseReport {
  readonly variables: ReadonlyMap<string, Found>;
  /** The exported observed variables per `env -0`, when this case dumped it. */
  readonly env?: ReadonlyMap<string, Buffer>;
}

export interface BatchResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly reports: readonly CaseReport[];
  /** Set when stdout did not have the shape `report` prints: something else wrote to it. */
  readonly malformed?: string;
  readonly elapsedMs: number;
}

function parseReports(stdout: Buffer, count: number): { reports: CaseReport[]; malformed?: string } {
  const records: Buffer[] = [];
  let start = 0;
  for (let end = stdout.indexOf(0, start); end !== -1; end = stdout.indexOf(0, start)) {
    records.push(stdout.subarray(start, end));
    start = end + 1;
  }
  const reports: CaseReport[] = [];
  let at = 0;
  const bad = (what: string): { reports: CaseReport[]; malformed: string } => ({
    reports,
    malformed: `${what} at record ${at}: ${JSON.stringify((records[at] ?? Buffer.alloc(0)).toString('utf8').slice(0, 120))}`,
  });
  for (let index = 0; index < count; index++) {
    if (records[at]?.toString('latin1') !== `c${index}`) return bad(`expected the report of case ${index}`);
    at++;
    const variables = new Map<string, Found>();
    for (const name of observedVariables) {
      const record = records[at];
      const tag = record?.toString('latin1', 0, 1);
      if (record === undefined || (tag === 'u' && record.length !== 1) || (tag !== 's' && tag !== 'u' && tag !== 'n')) return bad(`expected ${name} of case ${index}`);
      variables.set(name, tag === 'u' ? { kind: 'unset' } : { kind: tag === 's' ? 'set' : 'unexported', bytes: record.subarray(1) });
      at++;
    }
    let env: Map<string, Buffer> | undefined;
    if (records[at]?.toString('latin1') === 'e') {
      env = new Map();
      for (at++; at < records.length && records[at]?.toString('latin1') !== 'E'; at++) {
        const entry = records[at] ?? Buffer.alloc(0);
        const equals = entry.indexOf(0x3d);
        const name = entry.subarray(0, equals).toString('latin1');
        if ((observedVariables as readonly string[]).includes(name)) env.set(name, entry.subarray(equals + 1));
      }
      if (at >= records.length) return bad(`unterminated env -0 dump of case ${index}`);
      at++;
    }
    reports.push(env === undefined ? { variables } : { variables, env });
  }
  if (at !== records.length || start !== stdout.length) return bad('unexpected output after the last case');
  return { reports };
}

/**
 * Runs `cases` through one shell process in `form`, in the sandbox, and returns what each case
 * left. `id` names the run's input folder; it must be unique within the sandbox.
 */
export function runShellBatch(form: ShellForm, cases: readonly ShellCase[], sandbox: Sandbox, id: string): Promise<BatchResult> {
  const inputs = join(sandbox.root, 'inputs', id);
  mkdirSync(inputs);
  const scriptFile = join(inputs, 'script');
  writeFileSync(scriptFile, buildScript(form, cases, inputs, sandbox.markFile));
  const home = join(sandbox.root, 'home');
  const env = {
    PATH: sandbox.path,
    HOME: home,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local', 'share'),
  };
  const args = form.shell === 'fish' ? ['--no-config', scriptFile] : form.shell === 'zsh' ? ['-f', scriptFile] : [scriptFile];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(shellPaths[form.shell], args, { cwd: sandbox.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000, killSignal: 'SIGKILL' });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const parsed = parseReports(Buffer.concat(chunks), cases.length);
      resolve({ code, signal, stderr, ...parsed, elapsedMs: Date.now() - started });
    });
  });
}

function show(value: Buffer | string | undefined): string {
  if (value === undefined) return 'unset';
  const text = typeof value === 'string' ? value : value.toString('utf8');
  return JSON.stringify(text.length > 160 ? `${text.slice(0, 160)}...` : text);
}

/** Every difference between what a case must leave and what the shell reported, one line each. */
export function caseDifferences(shellCase: ShellCase, report: CaseReport | undefined): string[] {
  if (report === undefined) return ['no report: the shell stopped before this case'];
  const differences: string[] = [];
  for (const [name, value] of shellCase.expected) {
    const found = report.variables.get(name);
    const expected = value === undefined ? undefined : Buffer.from(value, 'utf8');
    if (found?.kind === 'unexported') differences.push(`${name}: set but not exported`);
    else if (expected === undefined ? found?.kind !== 'unset' : found?.kind !== 'set' || !found.bytes.equals(expected)) {
      differences.push(`${name}: expected ${show(value)}, got ${found?.kind === 'set' ? show(found.bytes) : 'unset'}`);
    }
    if (report.env !== undefined) {
      const exported = report.env.get(name);
      if (expected === undefined ? exported !== undefined : exported?.equals(expected) !== true) {
        differences.push(`${name} (env -0): expected ${show(value)}, got ${show(exported)}`);
      }
    }
  }
  return differences;
}

/** Runs tasks at most `limit` at a time, in the order given; a slot is handed straight to the next task waiting. */
export function createPool(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < limit) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next === undefined) active--;
      else next();
    }
  };
}
