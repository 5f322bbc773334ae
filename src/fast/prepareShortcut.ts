import type { CliOptions } from '../cli.js';
import { createFileCache } from '../cache/createFileCache.js';
import type { CredentialCache } from '../cache/createFileCache.js';
import { resolveCacheDir } from '../cache/resolveCacheDir.js';
import { fileIdentity, shortcutKey } from '../cache/shortcut.js';
import { resolveConfigPaths } from '../config/paths.js';
import type { Env, ResolveOptions } from '../resolve/resolvePlan.js';
import { resolveOptionsOf } from './resolveOptionsOf.js';

/** Where a run looks for credentials before it reads any config: its files, its cache and its shortcut key. */
export interface PreparedShortcut {
  /** The config and credentials files, as resolveConfigPaths finds them. */
  readonly paths: { readonly config: string; readonly credentials: string };
  /** The credential cache; undefined with --no-cache. */
  readonly cache: CredentialCache | undefined;
  /** The command line as resolvePlan reads it. */
  readonly resolveOptions: ResolveOptions;
  /** The key of the resolution shortcut for this command line and these files; undefined when no shortcut may be used (no cache, --refresh, --sso-login). */
  readonly key: string | undefined;
}

/**
 * Everything a run needs to try the resolution shortcut, computed the one way both main and
 * the fast entry (src/fastEntry.ts) compute it, so the two can never look under different
 * keys. Reads `AWS_CONFIG_FILE`, `AWS_SHARED_CREDENTIALS_FILE` and `XDG_CACHE_HOME` from
 * `env`; stats both config files (their identities are part of the key); reads no file.
 *
 * @param policy the session policy text read for --policy, or undefined
 * @throws the system error when a config file cannot be stat'ed (other than ENOENT)
 */
export async function prepareShortcut(options: CliOptions, policy: string | undefined, env: Env, homeDir: string): Promise<PreparedShortcut> {
  const paths = resolveConfigPaths(env, homeDir);
  const cache = options.cache ? createFileCache({ dir: resolveCacheDir(env, homeDir) }) : undefined;
  const resolveOptions = resolveOptionsOf(options, policy);
  // Taken before the files are read: a file changed in between gets a new identity, never an old plan.
  const key =
    cache !== undefined && !options.refresh && !options.ssoLogin
      ? shortcutKey(resolveOptions, await Promise.all([fileIdentity(paths.config), fileIdentity(paths.credentials)]))
      : undefined;
  return { paths, cache, resolveOptions, key };
}
