import { isFresh } from '../cache/cacheEntry.js';
import { envDigest } from '../cache/shortcut.js';
import { fromEntry } from '../execute.js';
import type { ExecuteResult } from '../execute.js';
import type { Env } from '../resolve/resolvePlan.js';
import type { PreparedShortcut } from './prepareShortcut.js';

/** The credentials to hand over, and the profile and region they are for. */
export interface Outcome {
  readonly result: ExecuteResult;
  readonly profile?: string | undefined;
  readonly region?: string | undefined;
}

/**
 * A cache hit without reading or parsing the config files: the shortcut a previous run left
 * for this command line, still valid for these files and this environment, pointing at
 * fresh credentials. Undefined on any miss; the full path then runs.
 *
 * @throws AssumeError `CACHE_UNSAFE` for an unsafe cache directory (see checkCacheDir)
 */
export async function shortcutHit({ cache, key }: PreparedShortcut, env: Env, now: Date, minRemainingMs: number): Promise<Outcome | undefined> {
  if (cache === undefined || key === undefined) return undefined;
  const shortcut = await cache.readShortcut(key);
  if (shortcut === undefined || envDigest(env, shortcut.envNames) !== shortcut.envDigest) return undefined;
  const entry = await cache.read(shortcut.chainKey);
  if (entry === undefined || !isFresh(entry, now, minRemainingMs)) return undefined;
  return { result: fromEntry(entry), profile: shortcut.profile, region: shortcut.region };
}
