import { isAbsolute, join } from 'node:path';

/**
 * Where assume keeps its credential cache, following the XDG Base Directory spec.
 *
 * Reads `XDG_CACHE_HOME` from `env`: when it is set to an absolute path the cache is
 * `$XDG_CACHE_HOME/assume`. An unset, empty or relative value is ignored, as the spec
 * says, and the cache is `<homeDir>/.cache/assume`.
 *
 * Pure: it only computes the path; nothing is read or created.
 *
 * @param env the environment, usually `process.env`
 * @param homeDir the home directory, usually `os.homedir()`
 */
export function resolveCacheDir(env: Readonly<Record<string, string | undefined>>, homeDir: string): string {
  const xdg = Object.hasOwn(env, 'XDG_CACHE_HOME') ? env.XDG_CACHE_HOME : undefined;
  if (typeof xdg === 'string' && xdg !== '' && isAbsolute(xdg)) return join(xdg, 'assume');
  return join(homeDir, '.cache', 'assume');
}
