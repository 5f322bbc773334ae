/**
 * The pure parts of `npm run bench`: statistics, number formatting, the markdown table, the
 * targets, config generation and the checks of what a run printed. No I/O here; bench.ts
 * does the spawning and the timing.
 */

/** Long-term keys, as written in a profile. */
export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The median of the samples (the mean of the middle two for an even count). */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) throw new Error('median of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const upper = sorted[middle] ?? Number.NaN;
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? Number.NaN) + upper) / 2;
}

/** A duration for the table: `41.3 ms` below 10 s, `12.35 s` from there. */
export function formatMs(ms: number): string {
  return ms < 10_000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** A peak resident set size given in KiB, as `48.2 MiB`. */
export function formatKib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}

/** `value / base` as `1.23x`; `n/a` when either is missing or the base is not positive. */
export function formatRatio(value: number | undefined, base: number | undefined): string {
  if (value === undefined || base === undefined || !(base > 0) || !Number.isFinite(value)) return 'n/a';
  return `${(value / base).toFixed(2)}x`;
}

/** A markdown table; `|` in a cell is escaped so it cannot split the cell. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

/** A target: `measured` must be at most (`max`) or at least (`min`) `limit`. */
export interface Target {
  readonly name: string;
  readonly kind: 'max' | 'min';
  readonly limit: number;
  /** undefined when the rows it needs were skipped or not measurable. */
  readonly measured: number | undefined;
}

/** `met`, `not met`, or `not measured` for a target. */
export function targetVerdict(target: Target): 'met' | 'not met' | 'not measured' {
  if (target.measured === undefined || !Number.isFinite(target.measured)) return 'not measured';
  const met = target.kind === 'max' ? target.measured <= target.limit : target.measured >= target.limit;
  return met ? 'met' : 'not met';
}

/** A profile with long-term keys. */
export function staticProfile(name: string, keys: Keys): string {
  return `[profile ${name}]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`;
}

/** A profile that assumes `roleArn` from `sourceProfile`. */
export function roleProfile(name: string, roleArn: string, sourceProfile: string): string {
  return `[profile ${name}]\nrole_arn = ${roleArn}\nsource_profile = ${sourceProfile}\n`;
}

/** The role ARN of the generated profile `index` (1-based) in `manyProfilesConfig`. */
export function generatedRoleArn(index: number): string {
  return `arn:aws:iam::222222222222:role/bench-${String(index).padStart(5, '0')}`;
}

/**
 * A config with `count` role profiles, all assumed from one static source profile: `count - 1`
 * generated ones (`role-00001`...), then `target` last, so a reader has to go through all of them.
 */
export function manyProfilesConfig(source: { readonly name: string; readonly keys: Keys }, count: number, target: { readonly name: string; readonly roleArn: string }): string {
  if (!Number.isInteger(count) || count < 1) throw new Error(`count must be a positive integer, not ${count}`);
  const parts = [staticProfile(source.name, source.keys)];
  for (let index = 1; index < count; index++) {
    parts.push(roleProfile(`role-${String(index).padStart(5, '0')}`, generatedRoleArn(index), source.name));
  }
  parts.push(roleProfile(target.name, target.roleArn, source.name));
  return parts.join('\n');
}

/** Whether `text` is credential_process JSON with temporary credentials (Version 1, keys, token, expiration). */
export function isCredentialProcessJson(text: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const fields = value as Record<string, unknown>;
  const filled = (name: string): boolean => typeof fields[name] === 'string' && fields[name] !== '';
  return (
    fields.Version === 1 &&
    filled('AccessKeyId') &&
    filled('SecretAccessKey') &&
    filled('SessionToken') &&
    filled('Expiration') &&
    !Number.isNaN(Date.parse(fields.Expiration as string))
  );
}

/** Whether `text` is `aws configure export-credentials --format env` output with temporary credentials. */
export function isEnvExport(text: string): boolean {
  const names = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
  return names.every((name) => new RegExp(`^export ${name}=\\S+$`, 'm').test(text));
}

/** What the command line of the bench sets. */
export interface BenchOptions {
  /** Measured runs per row. */
  readonly runs: number;
  /** Runs before the measured ones, per row, not counted. */
  readonly warmup: number;
  /** Measured batches of the 50-parallel row (a batch takes seconds on 2 cores: fewer of them). */
  readonly batches: number;
}

/** Reads `--runs N` (default 15) and `--warmup N` (default 2); batches are a fifth of the runs, at least 3 (at most the runs). */
export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const values: Record<string, number> = { runs: 15, warmup: 2 };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] ?? '';
    const match = /^--(runs|warmup)(?:=(.*))?$/.exec(arg);
    if (!match?.[1]) throw new Error(`unknown argument ${JSON.stringify(arg)} (usage: bench [--runs N] [--warmup N])`);
    const text = match[2] ?? argv[++index];
    const minimum = match[1] === 'runs' ? 1 : 0;
    if (text === undefined || !/^\d+$/.test(text) || Number(text) < minimum) {
      throw new Error(`--${match[1]} needs a whole number of at least ${minimum}, not ${JSON.stringify(text ?? '')}`);
    }
    values[match[1]] = Number(text);
  }
  const runs = values.runs ?? 15;
  return { runs, warmup: values.warmup ?? 2, batches: Math.min(runs, Math.max(3, Math.ceil(runs / 5))) };
}
