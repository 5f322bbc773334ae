/**
 * A path as messages show it: under the home folder, `~/...` (`~/.aws/config`), anything else
 * as it is. Only a whole folder prefix counts: `/home/al` does not shorten `/home/alice/x`.
 */
export function tildePath(path: string, homeDir: string): string {
  const home = homeDir.replace(/\/+$/, '');
  if (home === '' || !path.startsWith(`${home}/`)) return path;
  return `~${path.slice(home.length)}`;
}
