import type { CredentialsOutput } from '../credentials.js';
import { AssumeError } from '../errors.js';
import { formatExpiration } from './formatExpiration.js';
import { assertEnvironmentValue, outputUnsafeError } from './outputUnsafeError.js';
import { credentialVariables } from './variables.js';

/** The three texts of `--format github`: each ends with a newline, or is empty. */
export interface GithubText {
  /** For stdout: one `::add-mask::` workflow command for each secret. */
  readonly masks: string;
  /** To append to the file named by $GITHUB_ENV. */
  readonly env: string;
  /** To append to the file named by $GITHUB_OUTPUT; empty unless `outputs` was asked for. */
  readonly outputs: string;
}

export interface FormatGithubOptions {
  /** Also make the step outputs (--output). */
  readonly outputs: boolean;
  /**
   * Makes the delimiter of one `NAME<<DELIMITER` entry; called once per entry. The caller
   * passes a random one (`ghadelimiter_<uuid>`, as @actions/core does), tests a fixed one.
   */
  readonly newDelimiter: () => string;
}

/**
 * Variables blanked (set to the empty string) when the new credentials have no value for
 * them, since a GITHUB_ENV file cannot unset anything. Every reader takes an empty value as
 * absent: botocore (the AWS CLI) skips an empty AWS_SECURITY_TOKEN or AWS_SESSION_TOKEN
 * and an empty AWS_CREDENTIAL_EXPIRATION, the JS SDK tests them for truthiness. Without
 * this, a token left by an earlier step would be sent with new long-term keys, and botocore
 * reads the legacy AWS_SECURITY_TOKEN before AWS_SESSION_TOKEN, so a stale one would even
 * win over a new token. AWS_PROFILE and AWS_DEFAULT_PROFILE are not blanked: the AWS CLI
 * fails on an empty profile name ("The config profile () could not be found"); the command
 * refuses to run when they are set instead (see writeGithubActions).
 */
const blankable = ['AWS_SESSION_TOKEN', 'AWS_CREDENTIAL_EXPIRATION', 'AWS_SECURITY_TOKEN'] as const;

/**
 * Escapes the data of a workflow command as @actions/core's escapeData does: `%`, CR and LF
 * become `%25`, `%0D` and `%0A`, which the runner turns back (ActionCommand.UnescapeData).
 * With no CR or LF left, a value can neither end its command early nor start another one.
 */
function escapeCommandData(value: string): string {
  return value.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}

/**
 * One `NAME<<DELIMITER\nVALUE\nDELIMITER\n` entry, the multi-line-safe syntax the runner
 * reads from GITHUB_ENV and GITHUB_OUTPUT (as @actions/core's prepareKeyValueMessage
 * writes it): the value is everything between the first line and the first line that is
 * exactly the delimiter, so any value is safe that does not contain the delimiter.
 */
function keyValueEntry(file: string, name: string, value: string, newDelimiter: () => string): string {
  assertEnvironmentValue('github', name, value);
  // On Windows the runner splits lines on CRLF as well as LF, so a CR at the end of a value
  // would be taken as part of the line break before the delimiter and lost.
  if (value.endsWith('\r')) {
    throw outputUnsafeError('github', name, `the value ends with a carriage return, which the runner on Windows would drop from the ${file} file`);
  }
  const delimiter = newDelimiter();
  if (delimiter === '' || /[\r\n]/.test(delimiter)) {
    throw new AssumeError('INTERNAL', 'A GitHub Actions delimiter must be one non-empty line.');
  }
  if (name.includes(delimiter) || value.includes(delimiter)) {
    throw outputUnsafeError('github', name, `the value contains the random delimiter of the ${file} entry`);
  }
  return `${name}<<${delimiter}\n${value}\n${delimiter}\n`;
}

/**
 * Formats credentials for a GitHub Actions step: masks for stdout, and entries for the
 * GITHUB_ENV and GITHUB_OUTPUT files. Pure: the files are written by writeGithubActions.
 *
 * - masks: `::add-mask::VALUE` for the access key id, the secret access key and the session
 *   token (those that are not empty), escaped as @actions/core escapes command data, as
 *   aws-actions/configure-aws-credentials masks them.
 * - env: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and
 *   AWS_CREDENTIAL_EXPIRATION (UTC RFC 3339), AWS_REGION and AWS_DEFAULT_REGION when a
 *   region is known; AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION and the legacy
 *   AWS_SECURITY_TOKEN are set to the empty string when the credentials have none.
 * - outputs (with `outputs`): the names configure-aws-credentials uses, aws-access-key-id,
 *   aws-secret-access-key, aws-session-token and aws-expiration when there are a token and
 *   an expiration, and aws-region (its input's name) when a region is known.
 *
 * Every entry has its own delimiter from `newDelimiter`.
 *
 * @throws AssumeError `OUTPUT_UNSAFE` naming the variable, never the value, when a value
 *   holds a NUL or a lone surrogate, ends with a carriage return, or contains its delimiter.
 */
export function formatGithub(out: CredentialsOutput, options: FormatGithubOptions): GithubText {
  const { credentials, region } = out;
  const { unset, set } = credentialVariables(out);
  const envEntries: (readonly [string, string])[] = [...set];
  for (const name of blankable) if (unset.includes(name)) envEntries.push([name, '']);
  const env = envEntries.map(([name, value]) => keyValueEntry('GITHUB_ENV', name, value, options.newDelimiter)).join('');

  let outputs = '';
  if (options.outputs) {
    const outputEntries: [string, string][] = [
      ['aws-access-key-id', credentials.accessKeyId],
      ['aws-secret-access-key', credentials.secretAccessKey],
    ];
    if (credentials.sessionToken !== undefined) outputEntries.push(['aws-session-token', credentials.sessionToken]);
    if (credentials.expiration !== undefined) outputEntries.push(['aws-expiration', formatExpiration(credentials.expiration)]);
    if (region !== undefined) outputEntries.push(['aws-region', region]);
    outputs = outputEntries.map(([name, value]) => keyValueEntry('GITHUB_OUTPUT', name, value, options.newDelimiter)).join('');
  }

  // An empty value masks nothing, and the runner warns about it.
  const secrets = [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken ?? ''].filter((value) => value !== '');
  const masks = secrets.map((value) => `::add-mask::${escapeCommandData(value)}\n`).join('');
  return { masks, env, outputs };
}
