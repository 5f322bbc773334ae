import { Chalk } from 'chalk';
import type { CacheEntry } from '../cache/cacheEntry.js';
import { createFileCache } from '../cache/createFileCache.js';
import { resolveCacheDir } from '../cache/resolveCacheDir.js';
import { loadAwsConfig } from '../config/loadAwsConfig.js';
import { resolveConfigPaths } from '../config/paths.js';
import { AssumeError, ExitCode } from '../errors.js';
import { localTime, timeLeft } from '../output/describeResult.js';
import { summarizeProfiles } from './profileSummary.js';
import type { ProfileSummary } from './profileSummary.js';
import { subcommandProgram } from './subcommandProgram.js';
import type { Subcommand } from './types.js';

/** A profile as `assume ls` lists it: its summary and when its cached credentials expire. */
export interface ProfileListing extends ProfileSummary {
  /** The expiry of the latest unexpired cached credentials for the profile; undefined when none. */
  readonly expires?: Date | undefined;
}

const examples = `
Examples:
  assume ls                          every profile, with kind, account, role, source, region, cached expiry
  assume --list                      the same
  assume ls --json | jq -r '.[] | select(.kind == "role") | .name'
                                     the names of the role profiles, for a script
`;

/**
 * Whether a cache entry holds the credentials of `profile` itself: the final role of the
 * chain assume wrote for that profile (src/execute.ts names entries after the profile asked
 * for), or its SSO or web identity session. An entry made with --role-arn over the profile
 * names another role and is not the profile's.
 */
function isEntryOf(entry: CacheEntry, profile: ProfileSummary): boolean {
  if (entry.kind !== 'role' || entry.profile !== profile.name) return false;
  if (profile.kind === 'role') return entry.roleArn === profile.roleArn;
  if (profile.kind === 'sso' && profile.account !== undefined && profile.role !== undefined) return entry.roleArn === `${profile.account}/${profile.role}`;
  return true;
}

/**
 * The profiles with the expiry of their cached credentials: the latest of the entries that
 * belong to the profile and have not expired at `now`.
 */
export function listProfiles(summaries: readonly ProfileSummary[], entries: readonly CacheEntry[], now: Date): ProfileListing[] {
  return summaries.map((summary) => {
    let expires: Date | undefined;
    for (const entry of entries) {
      if (!isEntryOf(entry, summary)) continue;
      const expiration = new Date(entry.expiration);
      if (expiration.getTime() <= now.getTime()) continue;
      if (expires === undefined || expiration > expires) expires = expiration;
    }
    return { ...summary, expires };
  });
}

/** `16:04 (59m left)`, in local time (with the date when it is not today). */
export function formatExpiry(expires: Date, now: Date): string {
  return `${localTime(expires, now)} (${timeLeft(expires.getTime() - now.getTime())} left)`;
}

/** The role column: the role's name, else the role ARN as written (one that names no role). */
/** The role ARN; for an SSO profile, whose role ARN only the portal knows, `ACCOUNT/ROLE_NAME`. */
function roleText(listing: ProfileListing): string | undefined {
  if (listing.roleArn !== undefined && listing.roleArn !== '') return listing.roleArn;
  if (listing.account !== undefined && listing.role !== undefined) return `${listing.account}/${listing.role}`;
  return listing.role;
}

/**
 * The profiles as an aligned table, one per line under a header: PROFILE, KIND, ROLE (the
 * role ARN), SOURCE, REGION, EXPIRES; `-` for what a profile does not say. Plain text: no colors.
 */
export function formatProfileTable(listings: readonly ProfileListing[], now: Date): string {
  const header = ['PROFILE', 'KIND', 'ROLE', 'SOURCE', 'REGION', 'EXPIRES'];
  const rows = listings.map((listing) =>
    [
      listing.name,
      listing.kind,
      roleText(listing),
      listing.source,
      listing.region,
      listing.expires === undefined ? undefined : formatExpiry(listing.expires, now),
    ].map((cell) => (cell === undefined || cell === '' ? '-' : cell)),
  );
  const table = [header, ...rows];
  const widths = header.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length)));
  const lines = table.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '));
  return `${lines.join('\n')}\n`;
}

/**
 * The profiles as a JSON array for scripts. Every object has the same fields, null when the
 * profile does not say: name, kind, account, role, roleArn, source, region, file, line
 * (where the profile's section starts) and expires (ISO 8601 UTC, or null when nothing
 * fresh is cached).
 */
export function formatProfileJson(listings: readonly ProfileListing[]): string {
  const objects = listings.map((listing) => ({
    name: listing.name,
    kind: listing.kind,
    account: listing.account ?? null,
    role: listing.role ?? null,
    roleArn: listing.roleArn ?? null,
    source: listing.source ?? null,
    region: listing.region ?? null,
    file: listing.origin.file,
    line: listing.origin.line,
    expires: listing.expires?.toISOString() ?? null,
  }));
  return `${JSON.stringify(objects, null, 2)}\n`;
}

/** The arguments of `assume ls`, or the help text that was asked for. */
function parseLsArgs(argv: readonly string[], version: string): { readonly json: boolean } | { readonly help: string } {
  const { program, parse } = subcommandProgram({
    name: 'ls',
    description: 'List every profile of the config and credentials files: kind, account, role, source, region, and when cached credentials expire. Never shows a secret.',
    examples,
    version,
  });
  program.option('--json', 'a JSON array, for scripts');
  const help = parse(argv);
  if (help !== undefined) return { help };
  return { json: program.opts<{ json?: boolean }>().json === true };
}

/**
 * `assume ls` (also `assume --list`): every profile of the merged config, one per line, with
 * the expiry of its cached credentials; `--json` for scripts. Reads the files named by
 * AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/config, ~/.aws/credentials)
 * and the cache in XDG_CACHE_HOME/assume (default ~/.cache/assume). No network.
 */
const ls: Subcommand = async (argv, context) => {
  const parsed = parseLsArgs(argv, context.version);
  if ('help' in parsed) {
    context.io.stdout.write(parsed.help);
    return { exitCode: ExitCode.ok };
  }
  const paint = new Chalk({ level: context.colorLevel });
  const paths = resolveConfigPaths(context.env, context.homeDir);
  const config = await (context.deps.loadConfig ?? loadAwsConfig)(paths);
  const summaries = summarizeProfiles(config);
  if (summaries.length === 0) {
    context.io.stderr.write(
      `${paint.yellow('assume:')} no profiles in ${paths.config} or ${paths.credentials}\n` +
        `  ${paint.dim('hint:')} Add one, e.g. [profile prod] with role_arn = arn:aws:iam::123456789012:role/Admin and source_profile = default, or set AWS_CONFIG_FILE to your config file.\n`,
    );
    if (parsed.json) context.io.stdout.write('[]\n');
    return { exitCode: ExitCode.ok };
  }
  let entries: CacheEntry[] = [];
  try {
    entries = (await createFileCache({ dir: resolveCacheDir(context.env, context.homeDir) }).list()).map(({ entry }) => entry);
  } catch (error) {
    // The list is still worth having without expiries: say why they are missing, and go on.
    if (!(error instanceof AssumeError)) throw error;
    context.io.stderr.write(`${paint.yellow('assume:')} cached expiries not shown: ${error.message}\n`);
  }
  const listings = listProfiles(summaries, entries, context.now());
  context.io.stdout.write(parsed.json ? formatProfileJson(listings) : formatProfileTable(listings, context.now()));
  return { exitCode: ExitCode.ok };
};
export default ls;
