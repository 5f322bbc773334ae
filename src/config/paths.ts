/**
 * Where the AWS config and credentials files are, decided as the AWS CLI v2 does
 * (botocore configprovider.py for the defaults and variables, configloader.py
 * raw_config_parse for the expansion).
 */

const DEFAULT_CONFIG_FILE = '~/.aws/config';
const DEFAULT_CREDENTIALS_FILE = '~/.aws/credentials';

/**
 * Resolves the config and credentials file paths.
 *
 * Reads `AWS_CONFIG_FILE` (default `~/.aws/config`) and `AWS_SHARED_CREDENTIALS_FILE`
 * (default `~/.aws/credentials`) from `env`. A variable set to the empty string is used as
 * is, as the AWS CLI does: the empty path names no file, so that file reads as empty.
 * Then each path is expanded the way botocore expands it: first `$NAME` and `${NAME}`
 * from `env` (unknown names are left as written, like Python's `os.path.expandvars`),
 * then a leading `~` or `~/` becomes `homeDir` (like `os.path.expanduser`).
 * `~user/...` is left unexpanded: botocore would look the user up in the password
 * database, which assume does not read.
 *
 * @param env the environment, usually `process.env`
 * @param homeDir the home directory, usually `os.homedir()` (which, like Python, prefers
 *   `HOME` and falls back to the password database)
 */
export function resolveConfigPaths(
  env: NodeJS.ProcessEnv,
  homeDir: string,
): { config: string; credentials: string } {
  const config = envValue(env, 'AWS_CONFIG_FILE') ?? DEFAULT_CONFIG_FILE;
  const credentials = envValue(env, 'AWS_SHARED_CREDENTIALS_FILE') ?? DEFAULT_CREDENTIALS_FILE;
  return {
    config: expandUser(expandVars(config, env), homeDir),
    credentials: expandUser(expandVars(credentials, env), homeDir),
  };
}

/** An environment variable's value, or undefined when unset (never an inherited property). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  if (!Object.hasOwn(env, name)) return undefined;
  const value = env[name];
  return typeof value === 'string' ? value : undefined;
}

/** `$NAME` (ASCII word characters) or `${ANYTHING}`, as in Python's posixpath.expandvars. */
const VARIABLE = /\$([A-Za-z0-9_]+|\{[^}]*\})/g;

/** Python's `os.path.expandvars` on POSIX, with `env` for `os.environ`. */
function expandVars(path: string, env: NodeJS.ProcessEnv): string {
  if (!path.includes('$')) return path;
  let result = path;
  let from = 0;
  for (;;) {
    VARIABLE.lastIndex = from;
    const match = VARIABLE.exec(result);
    if (match === null) return result;
    const start = match.index;
    const end = start + match[0].length;
    let name = match[1] ?? '';
    if (name.startsWith('{') && name.endsWith('}')) name = name.slice(1, -1);
    const value = envValue(env, name);
    if (value === undefined) {
      from = end;
    } else {
      const tail = result.slice(end);
      result = result.slice(0, start) + value;
      from = result.length;
      result += tail;
    }
  }
}

/** Python's `os.path.expanduser` on POSIX for `~` and `~/...`; `~user` is left as written. */
function expandUser(path: string, homeDir: string): string {
  if (!path.startsWith('~')) return path;
  let slash = path.indexOf('/', 1);
  if (slash < 0) slash = path.length;
  if (slash !== 1) return path;
  const home = homeDir.replace(/\/+$/, '');
  return home + path.slice(1) || '/';
}
