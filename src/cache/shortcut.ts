import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Env } from '../resolve/resolvePlan.js';
import { parseJsonObject } from './cacheEntry.js';
import { cacheKey } from './cacheKey.js';
import { errorCode } from './readRegularFile.js';

/**
 * A resolution shortcut: what a previous run resolved a command line to, so that a cache hit
 * needs neither to read nor to parse the config files (a generated config of thousands of
 * profiles costs ~150 ms to parse). Stored in the cache directory as `<key>.plan`.
 *
 * It is keyed by the command line's resolve options and the identity of both config files
 * (device, inode, size, modification and change times, to the nanosecond), and it is only
 * used when every environment variable resolvePlan read to make the plan still has the
 * value it had (compared by digest: the record holds no value). No secret is in it: only
 * cache keys, variable names, a digest, the region and the profile name.
 */
export interface Shortcut {
  readonly version: 1;
  /** The cache key of the credentials the plan ends with (chainCacheKey of all its hops). */
  readonly chainKey: string;
  /** The variables resolvePlan read, sorted. */
  readonly envNames: readonly string[];
  /** envDigest of those variables when the plan was made. */
  readonly envDigest: string;
  readonly region?: string | undefined;
  readonly profile?: string | undefined;
}

/** What identifies a file's content without reading it: device, inode, size, mtime and ctime in ns; or 'missing'. */
export async function fileIdentity(path: string): Promise<string> {
  try {
    const s = await stat(path, { bigint: true });
    return `${s.dev}:${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return 'missing';
    throw error;
  }
}

/** The shortcut key: the resolve inputs of the command line and the identities of the files. */
export function shortcutKey(resolveInputs: unknown, fileIdentities: readonly string[]): string {
  return cacheKey({ v: 1, kind: 'shortcut', resolveInputs, files: fileIdentities });
}

/** SHA-256 of the named variables' values (absent ones included as absent): equal digests, equal values. */
export function envDigest(env: Env, names: readonly string[]): string {
  const values = names.map((name) => [name, env[name] ?? null]);
  return createHash('sha256').update(JSON.stringify(values), 'utf8').digest('hex');
}

/**
 * The environment as resolvePlan sees it, recording every variable it reads (present or
 * not): the shortcut is valid only while those keep their values.
 */
export function recordingEnv(env: Env): { readonly env: Env; readonly read: () => string[] } {
  const names = new Set<string>();
  const proxy = new Proxy(env, {
    get(target, name, receiver) {
      if (typeof name === 'string') names.add(name);
      return Reflect.get(target, name, receiver) as unknown;
    },
    has(target, name) {
      if (typeof name === 'string') names.add(name);
      return Reflect.has(target, name);
    },
    ownKeys(target) {
      // Enumerating the environment makes every variable part of the plan.
      for (const name of Object.keys(target)) names.add(name);
      return Reflect.ownKeys(target);
    },
  });
  return { env: proxy, read: () => [...names].sort() };
}

/** Parses a shortcut file's text strictly; anything else is a miss. */
export function parseShortcut(text: string): Shortcut | undefined {
  const record = parseJsonObject(text);
  if (record === undefined) return undefined;
  const hex = /^[0-9a-f]{64}$/;
  if (record.version !== 1 || typeof record.chainKey !== 'string' || !hex.test(record.chainKey)) return undefined;
  if (typeof record.envDigest !== 'string' || !hex.test(record.envDigest)) return undefined;
  if (!Array.isArray(record.envNames) || !record.envNames.every((name): name is string => typeof name === 'string')) return undefined;
  for (const key of ['region', 'profile'] as const) {
    if (record[key] !== undefined && typeof record[key] !== 'string') return undefined;
  }
  return {
    version: 1,
    chainKey: record.chainKey,
    envNames: record.envNames,
    envDigest: record.envDigest,
    region: record.region as string | undefined,
    profile: record.profile as string | undefined,
  };
}
