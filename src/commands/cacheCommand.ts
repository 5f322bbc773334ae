import type { CacheCommandOptions } from '../cli.js';
import type { CredentialCache } from '../cache/createFileCache.js';

/** What the cache command prints: a listing on stdout, a summary on stderr. */
export interface CacheCommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

function remaining(expiration: Date, now: Date): string {
  const seconds = Math.floor((expiration.getTime() - now.getTime()) / 1000);
  if (seconds <= 0) return 'expired';
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return hours > 0 ? `${hours}h${String(minutes).padStart(2, '0')}m left` : `${minutes}m left`;
}

/**
 * `assume cache list` (profile, role or MFA device, expiry; never a secret) and
 * `assume cache clear [PROFILE]`.
 */
export async function cacheCommand(options: CacheCommandOptions, cache: CredentialCache, now: Date): Promise<CacheCommandOutput> {
  const entries = await cache.list();
  if (options.action === 'clear') {
    const doomed = entries.filter(({ entry }) => options.profile === undefined || entry.profile === options.profile);
    for (const { key } of doomed) await cache.remove(key);
    const what = options.profile === undefined ? '' : ` for profile "${options.profile}"`;
    return { stdout: '', stderr: `assume: removed ${doomed.length} cached credential${doomed.length === 1 ? '' : 's'}${what} from ${cache.dir}\n` };
  }
  const rows = entries
    .map(({ entry }) => ({
      profile: entry.profile ?? '',
      kind: entry.kind,
      target: entry.kind === 'mfa-session' ? (entry.mfaSerial ?? '') : (entry.roleArn ?? ''),
      issuedAt: entry.issuedAt,
      expiration: entry.expiration,
    }))
    .sort((a, b) => a.profile.localeCompare(b.profile) || a.target.localeCompare(b.target));
  if (options.json) return { stdout: `${JSON.stringify(rows, null, 2)}\n`, stderr: '' };
  if (rows.length === 0) return { stdout: '', stderr: `assume: the cache in ${cache.dir} is empty\n` };
  const table = [['PROFILE', 'KIND', 'ROLE OR MFA DEVICE', 'EXPIRES (UTC)', 'LEFT']].concat(
    rows.map((row) => [row.profile, row.kind, row.target, row.expiration.replace(/\.\d{3}Z$/, 'Z'), remaining(new Date(row.expiration), now)]),
  );
  const widths = table[0]?.map((_, column) => Math.max(...table.map((row) => (row[column] ?? '').length))) ?? [];
  const lines = table.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  '));
  return { stdout: `${lines.join('\n')}\n`, stderr: '' };
}
