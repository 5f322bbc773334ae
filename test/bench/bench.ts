/**
 * `npm run bench`: how long whole `assume` processes take, against the STS emulator started
 * in this process, compared with `node -e 0` (the floor) and with Debian's AWS CLI v2.
 *
 *   node dist/test/bench/bench.js [--runs N] [--warmup N]
 *
 * Each row runs one command N times (default 15) after W warm-up runs (default 2), one
 * process after another, and reports the median wall time from spawn to exit. Rows run one
 * after another. The markdown table goes to stdout, progress to stderr. The bench fails
 * (exit 1) only when a run fails (non-zero exit, no valid credentials) or when a batch of 50
 * parallel cold calls makes other than exactly one AssumeRole; the targets are reported.
 *
 * Children are spawned asynchronously: the emulator answers from this same event loop.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { formatRequestRecord, startEmulator } from '../emulator/emulator.js';
import type { Emulator } from '../emulator/emulator.js';
import { awsCli, writeEndpointRules } from '../helpers/awsCliEndpointRules.js';
import { assumeBin } from '../helpers/runAssume.js';
import {
  formatKib,
  formatMs,
  formatRatio,
  isCredentialProcessJson,
  isEnvExport,
  manyProfilesConfig,
  markdownTable,
  median,
  parseBenchArgs,
  roleProfile,
  staticProfile,
  targetVerdict,
} from './benchHelpers.js';
import type { BenchOptions, Target } from './benchHelpers.js';

const gnuTime = '/usr/bin/time';
const parallelCalls = 50;
const manyProfiles = 10_000;
/** Peak RSS varies little from run to run: a few runs are enough. */
const maxRssRuns = 5;
const runTimeoutMs = 120_000;

/** One command to spawn, with exactly this environment. */
interface Command {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
}

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  /** Wall time from spawn to exit with its output read, in milliseconds. */
  readonly ms: number;
  /** What the child wrote on fd 3 (the max-RSS preload's answer), when fd 3 was asked for. */
  readonly fd3: string;
}

/** Spawns a command and waits for it without blocking the event loop (the emulator lives in it). */
function run(command: Command, options: { fd3?: boolean } = {}): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(command.file, command.args, {
      env: command.env,
      stdio: ['ignore', 'pipe', 'pipe', options.fd3 === true ? 'pipe' : 'ignore'],
      // A run that hangs fails the bench (killed: no exit code 0) instead of stalling it.
      timeout: runTimeoutMs,
    });
    let stdout = '';
    let stderr = '';
    let fd3 = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const extra = child.stdio[3];
    if (extra && 'setEncoding' in extra) extra.setEncoding('utf8').on('data', (chunk: string) => (fd3 += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr, ms: performance.now() - start, fd3 });
    });
  });
}

/** Throws unless the run exited 0 and printed what `valid` accepts. */
function check(what: string, result: Finished, valid: ((stdout: string) => boolean) | undefined): void {
  const ended = result.signal === null ? `exit code ${String(result.code)}` : `signal ${result.signal}`;
  if (result.code !== 0) throw new Error(`${what}: ${ended}\n${result.stderr.trim()}`);
  if (valid && !valid(result.stdout)) throw new Error(`${what}: exit 0 but no valid credentials on stdout:\n${result.stdout.slice(0, 500)}\n${result.stderr.trim()}`);
}

function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function progress(text: string): void {
  process.stderr.write(text);
}

/** What one row measured. */
interface RowResult {
  /** The row's number in the brief: 1, 2, ..., 5a, 5b, 6, 7. */
  readonly id: string;
  readonly label: string;
  readonly runs: number;
  readonly medianMs: number;
  /** AssumeRole calls the emulator answered per measured run (per batch for the batch row). */
  readonly assumeRolePerRun: number;
  /** Median peak RSS in KiB, for the rows that measure it. */
  rssKib?: number | undefined;
}

interface RowSpec {
  readonly id: string;
  readonly label: string;
  readonly runs: number;
  readonly warmup: number;
  /** Fills the cache of a warm row with one untimed run first, whatever the number of warm-up runs. */
  readonly prime?: boolean;
  /** Prepares (untimed), runs and checks one sample; returns its wall time in ms. */
  readonly once: (what: string) => Promise<number>;
}

async function measureRow(emu: Emulator, spec: RowSpec): Promise<RowResult> {
  progress(`row ${spec.id}: ${spec.label}\n  ${spec.prime === true ? 'cache filled, ' : ''}warm-up ${spec.warmup}, runs ${spec.runs}: `);
  if (spec.prime === true) await spec.once(`${spec.label}, run filling the cache`);
  for (let index = 0; index < spec.warmup; index++) {
    await spec.once(`${spec.label}, warm-up run ${index + 1}`);
    progress('w');
  }
  const before = emu.count('AssumeRole');
  const samples: number[] = [];
  for (let index = 0; index < spec.runs; index++) {
    samples.push(await spec.once(`${spec.label}, run ${index + 1}`));
    progress('.');
  }
  const assumeRolePerRun = (emu.count('AssumeRole') - before) / spec.runs;
  const result = { id: spec.id, label: spec.label, runs: spec.runs, medianMs: median(samples), assumeRolePerRun };
  progress(` median ${formatMs(result.medianMs)} (min ${formatMs(Math.min(...samples))}, max ${formatMs(Math.max(...samples))})\n`);
  return result;
}

/** How the peak memory of a node process is read: GNU time, else a preload that reports it from inside. */
type RssMethod = { readonly kind: 'gnu-time'; readonly outFile: string } | { readonly kind: 'preload'; readonly preload: string };

/** The command wrapped so that its peak RSS can be read, and how to read it from the finished run. */
async function measureRss(method: RssMethod, what: string, command: Command, valid: ((stdout: string) => boolean) | undefined): Promise<number> {
  if (method.kind === 'gnu-time') {
    rmSync(method.outFile, { force: true });
    const result = await run({ file: gnuTime, args: ['-f', '%M', '-o', method.outFile, command.file, ...command.args], env: command.env });
    check(what, result, valid);
    const kib = Number(readFileSync(method.outFile, 'utf8').trim().split('\n').pop());
    if (!Number.isFinite(kib) || kib <= 0) throw new Error(`${what}: ${gnuTime} reported no peak RSS`);
    return kib;
  }
  // Node processes only: a preload (through NODE_OPTIONS, so it also reaches a node started by a shebang)
  // writes process.resourceUsage().maxRSS, in KiB, on fd 3 as the process exits.
  const result = await run({ ...command, env: { ...command.env, NODE_OPTIONS: `--require ${JSON.stringify(method.preload)}` } }, { fd3: true });
  check(what, result, valid);
  const kib = Number(result.fd3.trim());
  if (!Number.isFinite(kib) || kib <= 0) throw new Error(`${what}: the max-RSS preload reported nothing`);
  return kib;
}

async function measureRowRss(method: RssMethod, row: RowResult, runs: number, next: () => Command, valid: ((stdout: string) => boolean) | undefined): Promise<void> {
  progress(`  peak RSS, ${count(runs, 'run')}: `);
  const samples: number[] = [];
  for (let index = 0; index < runs; index++) {
    samples.push(await measureRss(method, `${row.label}, peak RSS run ${index + 1}`, next(), valid));
    progress('.');
  }
  row.rssKib = median(samples);
  progress(` median ${formatKib(row.rssKib)}\n`);
}

/** Measures every row, then prints the tables. */
async function bench(options: BenchOptions, work: string, emu: Emulator): Promise<void> {
  const user = emu.addUser({ name: 'bench', accountId: '111111111111' });
  const targetRole = 'arn:aws:iam::222222222222:role/BenchTarget';
  const chainRole = 'arn:aws:iam::333333333333:role/BenchChain';
  emu.addRole({ arn: targetRole, trust: [user.arn] });
  emu.addRole({ arn: chainRole, trust: [targetRole] });

  // A temp HOME: ~/.aws/config is the one-role config (source + target), used by assume and the AWS CLI alike.
  const home = join(work, 'home');
  const aws = join(home, '.aws');
  mkdirSync(aws, { recursive: true, mode: 0o700 });
  const oneRole = join(aws, 'config');
  const chain = join(aws, 'config-chain');
  const many = join(aws, `config-${manyProfiles}`);
  const source = { name: 'source', keys: user };
  writeFileSync(oneRole, `${staticProfile('source', user)}\n${roleProfile('target', targetRole, 'source')}`, { mode: 0o600 });
  writeFileSync(chain, `${staticProfile('source', user)}\n${roleProfile('target', targetRole, 'source')}\n${roleProfile('chain', chainRole, 'target')}`, { mode: 0o600 });
  writeFileSync(many, manyProfilesConfig(source, manyProfiles, { name: 'target', roleArn: targetRole }), { mode: 0o600 });
  writeFileSync(join(aws, 'credentials'), '', { mode: 0o600 });
  const dataPath = join(work, 'aws-data');
  writeEndpointRules(dataPath, emu.url);

  // bin/assume is run as it is, through its shebang: the node running the bench comes first on PATH.
  const path = [dirname(process.execPath), process.env.PATH ?? '/usr/bin:/bin'].join(delimiter);
  const baseEnv = { PATH: path, HOME: home, AWS_ENDPOINT_URL_STS: emu.url };
  let coldCount = 0;
  const freshCache = (): string => {
    const dir = join(work, 'cold', String(++coldCount));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return dir;
  };
  const floor: Command = { file: process.execPath, args: ['-e', '0'], env: baseEnv };
  const assume = (profile: string, env: Record<string, string>): Command => ({
    file: assumeBin,
    args: ['--format', 'credential-process', profile],
    env: { ...baseEnv, ...env },
  });
  const warmCache = join(work, 'cache-warm');
  const warm = (): Command => assume('target', { XDG_CACHE_HOME: warmCache });
  const cold = (): Command => assume('target', { XDG_CACHE_HOME: freshCache() });
  const timed = async (what: string, command: Command, valid: ((stdout: string) => boolean) | undefined): Promise<number> => {
    const result = await run(command);
    check(what, result, valid);
    return result.ms;
  };
  const spec = (id: string, label: string, next: () => Command, valid: ((stdout: string) => boolean) | undefined, prime = false): RowSpec => ({
    id,
    label,
    runs: options.runs,
    warmup: options.warmup,
    prime,
    once: (what) => timed(what, next(), valid),
  });

  const rssMethod: RssMethod = existsSync(gnuTime)
    ? { kind: 'gnu-time', outFile: join(work, 'max-rss.txt') }
    : { kind: 'preload', preload: join(work, 'max-rss.cjs') };
  if (rssMethod.kind === 'preload') {
    writeFileSync(rssMethod.preload, "process.on('exit', () => { require('node:fs').writeSync(3, String(process.resourceUsage().maxRSS)); });\n");
  }

  const rssRuns = Math.min(options.runs, maxRssRuns);
  const rows: RowResult[] = [];
  const notes: string[] = [];

  const floorRow = await measureRow(emu, spec('1', '`node -e 0` (the floor)', () => floor, undefined));
  await measureRowRss(rssMethod, floorRow, rssRuns, () => floor, undefined);
  rows.push(floorRow);

  const warmRow = await measureRow(emu, spec('2', '`bin/assume --format credential-process target`, warm cache', warm, isCredentialProcessJson, true));
  await measureRowRss(rssMethod, warmRow, rssRuns, warm, isCredentialProcessJson);
  rows.push(warmRow);

  // Bound of row 2: the least any Node.js program answering from a file cache does (ESM, node:crypto, read one entry, print it).
  const entryDir = join(warmCache, 'assume');
  const entryFile = join(entryDir, readdirSync(entryDir).find((name) => name.endsWith('.json')) ?? 'missing.json');
  const readerScript = join(work, 'cache-reader.mjs');
  writeFileSync(readerScript, "import { createHash } from 'node:crypto';\nimport { readFile } from 'node:fs/promises';\nconst text = await readFile(process.argv[2], 'utf8');\ncreateHash('sha256').update(text).digest('hex');\nprocess.stdout.write(text);\n");
  rows.push(await measureRow(emu, spec('2b', 'bound of row 2: a 5-line ESM script that imports node:crypto, reads the cache entry and prints it', () => ({ file: process.execPath, args: [readerScript, entryFile], env: baseEnv }), undefined)));

  const coldRow = await measureRow(emu, spec('3', 'the same, cold cache (one AssumeRole)', cold, isCredentialProcessJson));
  await measureRowRss(rssMethod, coldRow, rssRuns, cold, isCredentialProcessJson);
  rows.push(coldRow);

  // Bound of row 3: the least any SDK-based program does for one AssumeRole (load @aws-sdk/client-sts, sign, one call, print).
  const stsEntry = createRequire(import.meta.url).resolve('@aws-sdk/client-sts');
  const sdkScript = join(work, 'sdk-assume-role.cjs');
  writeFileSync(
    sdkScript,
    `process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';\n` +
      `const { STSClient, AssumeRoleCommand } = require(${JSON.stringify(stsEntry)});\n` +
      `const client = new STSClient({ region: 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL_STS, credentials: { accessKeyId: ${JSON.stringify(user.accessKeyId)}, secretAccessKey: ${JSON.stringify(user.secretAccessKey)} } });\n` +
      `client.send(new AssumeRoleCommand({ RoleArn: ${JSON.stringify(targetRole)}, RoleSessionName: 'bound' })).then((r) => { process.stdout.write(JSON.stringify(r.Credentials)); });\n`,
  );
  rows.push(await measureRow(emu, spec('3b', 'bound of row 3: a 4-line CommonJS script that loads @aws-sdk/client-sts and makes one AssumeRole', () => ({ file: process.execPath, args: [sdkScript], env: baseEnv }), undefined)));

  const chainRow = await measureRow(
    emu,
    spec('4', 'a two-hop chain, cold cache', () => assume('chain', { AWS_CONFIG_FILE: chain, XDG_CACHE_HOME: freshCache() }), isCredentialProcessJson),
  );
  rows.push(chainRow);

  let awsWarmRow: RowResult | undefined;
  if (existsSync(awsCli)) {
    const awsCommand: Command = {
      file: awsCli,
      args: ['configure', 'export-credentials', '--profile', 'target', '--format', 'env'],
      // No instance metadata here: without this the AWS CLI may look for a region on 169.254.169.254.
      env: { PATH: '/usr/bin:/bin', HOME: home, AWS_DATA_PATH: dataPath, AWS_PAGER: '', AWS_EC2_METADATA_DISABLED: 'true' },
    };
    const awsCache = join(aws, 'cli', 'cache');
    awsWarmRow = await measureRow(emu, spec('5a', '`aws configure export-credentials --profile target --format env`, warm (~/.aws/cli/cache)', () => awsCommand, isEnvExport, true));
    rows.push(awsWarmRow);
    notes.push(
      awsWarmRow.assumeRolePerRun === 0
        ? 'Row 5a made no AssumeRole: `aws configure export-credentials` reads the role credentials the AWS CLI cached in ~/.aws/cli/cache.'
        : `Row 5a made ${awsWarmRow.assumeRolePerRun} AssumeRole per run: export-credentials did not use ~/.aws/cli/cache, so it is not a warm figure.`,
    );
    const awsColdRow = await measureRow(
      emu,
      spec('5b', 'the same, cold (~/.aws/cli/cache deleted before each run)', () => {
        rmSync(awsCache, { recursive: true, force: true });
        return awsCommand;
      }, isEnvExport),
    );
    rows.push(awsColdRow);
  } else {
    notes.push(`The AWS CLI rows were skipped: ${awsCli} is missing (Debian: apt-get install awscli).`);
  }

  const manyRow = await measureRow(
    emu,
    spec('6', `a ${manyProfiles.toLocaleString('en-US')}-profile config, warm cache`, () => assume('target', { AWS_CONFIG_FILE: many, XDG_CACHE_HOME: join(work, 'cache-many') }), isCredentialProcessJson, true),
  );
  rows.push(manyRow);

  const batchWarmup = Math.min(options.warmup, 1);
  const batchRow = await measureRow(emu, {
    id: '7',
    label: `${parallelCalls} parallel cold calls (wall time of the batch)`,
    runs: options.batches,
    warmup: batchWarmup,
    once: async (what) => {
      const cache = freshCache();
      const logged = emu.requests.length;
      const start = performance.now();
      // --timeout 60: the emulator answers from this process's event loop, which is also spawning the 50 children; a
      // request read late must not make the SDK retry (a second AssumeRole would fail the row's exactly-one check).
      const batchCommand = (): Command => {
        const command = assume('target', { XDG_CACHE_HOME: cache });
        return { ...command, args: ['--timeout', '60', ...command.args] };
      };
      const results = await Promise.all(Array.from({ length: parallelCalls }, () => run(batchCommand())));
      const ms = performance.now() - start;
      results.forEach((result, index) => {
        check(`${what}, call ${index + 1}`, result, isCredentialProcessJson);
      });
      const calls = emu.requests.slice(logged).filter((request) => request.action === 'AssumeRole');
      if (calls.length !== 1) {
        // What tells a lock failure (several keys handed out) from a retry of one slow call (one key).
        const keys = new Set(results.map((result) => (JSON.parse(result.stdout) as { AccessKeyId: string }).AccessKeyId));
        throw new Error(
          `${what}: ${parallelCalls} parallel cold calls made ${calls.length} AssumeRole calls, not exactly 1; ` +
            `the ${parallelCalls} processes printed ${keys.size} different access key(s); the batch took ${formatMs(ms)}. Requests:\n` +
            calls.map((request) => `  ${formatRequestRecord(request)} session=${request.params.RoleSessionName ?? '-'} ua=${request.userAgent ?? '-'}`).join('\n'),
        );
      }
      return ms;
    },
  });
  rows.push(batchRow);

  // Bound of row 7: 50 Node.js processes started at once, doing nothing, on this machine's CPUs.
  rows.push(
    await measureRow(emu, {
      id: '7b',
      label: `bound of row 7: ${parallelCalls} parallel \`node -e 0\` (wall time of the batch)`,
      runs: options.batches,
      warmup: batchWarmup,
      once: async (what) => {
        const start = performance.now();
        const results = await Promise.all(Array.from({ length: parallelCalls }, () => run(floor)));
        results.forEach((result, index) => {
          check(`${what}, process ${index + 1}`, result, undefined);
        });
        return performance.now() - start;
      },
    }),
  );

  const base = floorRow.medianMs;
  const table = markdownTable(
    ['#', 'what', 'runs', 'median', 'vs `node -e 0`', 'AssumeRole per run', 'peak RSS', 'RSS vs `node -e 0`'],
    rows.map((row) => [
      row.id,
      row.label,
      String(row.runs),
      formatMs(row.medianMs),
      formatRatio(row.medianMs, base),
      String(Math.round(row.assumeRolePerRun * 100) / 100),
      row.rssKib === undefined ? '' : formatKib(row.rssKib),
      row.rssKib === undefined ? '' : formatRatio(row.rssKib, floorRow.rssKib),
    ]),
  );
  const ratio = (value: number | undefined, of: number | undefined): number | undefined => (value === undefined || of === undefined || of <= 0 ? undefined : value / of);
  const targets: Target[] = [
    { name: 'warm cache <= 1.3x `node -e 0` (row 2 / row 1)', kind: 'max', limit: 1.3, measured: ratio(warmRow.medianMs, base) },
    { name: 'cold single hop <= 2.0x `node -e 0` (row 3 / row 1)', kind: 'max', limit: 2.0, measured: ratio(coldRow.medianMs, base) },
    { name: 'at least 5x faster than the AWS CLI, warm (row 5a / row 2)', kind: 'min', limit: 5, measured: ratio(awsWarmRow?.medianMs, warmRow.medianMs) },
    { name: `${manyProfiles.toLocaleString('en-US')} profiles <= 1.2x a one-profile config (row 6 / row 2)`, kind: 'max', limit: 1.2, measured: ratio(manyRow.medianMs, warmRow.medianMs) },
    { name: `${parallelCalls} parallel cold calls <= 3x one cold call (row 7 / row 3)`, kind: 'max', limit: 3, measured: ratio(batchRow.medianMs, coldRow.medianMs) },
    { name: 'peak memory, warm cache <= 1.3x `node -e 0` (row 2 / row 1)', kind: 'max', limit: 1.3, measured: ratio(warmRow.rssKib, floorRow.rssKib) },
  ];
  const row = (id: string): RowResult | undefined => rows.find((r) => r.id === id);
  const bound = (id: string, of: RowResult | undefined, what: string): void => {
    const measured = ratio(row(id)?.medianMs, of?.medianMs);
    if (measured !== undefined) notes.push(`Bound: row ${id} is ${measured.toFixed(2)}x ${what}.`);
  };
  bound('2b', floorRow, '`node -e 0`: what any Node.js program answering from a file cache costs, against the warm target of 1.3x');
  bound('3b', floorRow, '`node -e 0`: what any program built on the AWS SDK for JavaScript costs for one AssumeRole, against the cold target of 2.0x');
  bound('7b', floorRow, `\`node -e 0\`: ${parallelCalls} bare Node.js processes at once on ${cpus().length} CPU(s), against the parallel target of 3x one cold call`);
  const targetTable = markdownTable(
    ['target', 'measured', 'result'],
    targets.map((target) => [target.name, target.measured === undefined ? 'n/a' : `${target.measured.toFixed(2)}x`, targetVerdict(target)]),
  );
  const cpu = cpus();
  const rssHow = rssMethod.kind === 'gnu-time' ? `\`${gnuTime} -f %M\`` : 'process.resourceUsage().maxRSS read by a preload (no GNU time)';
  const lines = [
    `Node ${process.version}, ${cpu.length} CPU${cpu.length === 1 ? '' : 's'} (${cpu[0]?.model.trim() ?? 'unknown'}), ${process.platform}. ` +
      `Median wall time of whole processes, spawn to exit, against the STS emulator on 127.0.0.1 in the bench process; ` +
      `${count(options.runs, 'run')} per row (${count(options.batches, 'batch', 'batches')} for the parallel row) after ${count(options.warmup, 'warm-up run')} (${batchWarmup} for the parallel row), ` +
      `one process at a time except in the parallel row. \`bin/assume\` runs as it is, through its shebang. Peak RSS (rows 1 to 3): median of ${count(rssRuns, 'more run')} under ${rssHow}.`,
    '',
    table,
    '',
    targetTable,
    ...(notes.length > 0 ? ['', ...notes.map((note) => `- ${note}`)] : []),
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2));
  const started = performance.now();
  const work = mkdtempSync(join(tmpdir(), 'assume-bench-'));
  const emu = await startEmulator();
  try {
    await bench(options, work, emu);
  } finally {
    await emu.close();
    rmSync(work, { recursive: true, force: true });
  }
  progress(`bench took ${formatMs(performance.now() - started)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
