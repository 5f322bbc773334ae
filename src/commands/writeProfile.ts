import { lstat, mkdir, readFile, readlink } from 'node:fs/promises';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { Chalk } from 'chalk';
import { writeFileAtomic } from '../cache/writeFileAtomic.js';
import type { CliOptions } from '../cli.js';
import { editCredentialsFile } from '../config/editCredentialsFile.js';
import type { CredentialsSection } from '../config/editCredentialsFile.js';
import { loadAwsConfig } from '../config/loadAwsConfig.js';
import { parseIni } from '../config/parseIni.js';
import { resolveConfigPaths } from '../config/paths.js';
import type { AwsConfig } from '../config/types.js';
import type { Credentials, CredentialsOutput } from '../credentials.js';
import { AssumeError } from '../errors.js';
import { resolveOptionsOf } from '../fast/resolveOptionsOf.js';
import { formatOrigin, resolvePlan } from '../resolve/resolvePlan.js';
import { redactKeyId } from '../util/redact.js';
import type { CommandContext } from './types.js';

/** How many symlinks to follow to the credentials file, as the kernel's ELOOP limit. */
const maxLinks = 40;

/** Settings that make the AWS CLI use something other than the keys of a profile (botocore's provider order). */
const overridingKeys = ['role_arn', 'web_identity_token_file', 'sso_session', 'sso_start_url', 'sso_account_id', 'sso_role_name'];

/**
 * `assume PROFILE --write-profile NAME`: writes the credentials into the shared credentials
 * file (AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials) under `[NAME]`:
 * aws_access_key_id, aws_secret_access_key, aws_session_token and x_security_token_expires
 * (the expiry key saml2aws and okta-aws-cli write; the AWS CLI ignores it). Every other byte of
 * the file stays as it was (see editCredentialsFile). The file is replaced atomically (a
 * temporary file in the same folder, flushed, renamed) with mode 0600; a symlinked file is
 * written where the link points, and the link stays. A missing folder is created 0700.
 * Prints nothing on stdout; one line on stderr saying where it wrote, unless --quiet.
 *
 * Refuses, writing nothing: the name DEFAULT (every profile would inherit its keys); long-term
 * keys (they stay where they are, see SECURITY.md); a NAME holding long-term keys (they would
 * be lost, and they are what chains start from); a NAME the assumed profile depends on
 * (`options` gives the run's profile: its whole chain, source_profile holding the long-term
 * keys included, is on the plan); a NAME whose config settings (role_arn, SSO...) would make
 * the AWS CLI ignore the written keys; a file the AWS CLI cannot read.
 *
 * @throws AssumeError USAGE, OUTPUT_UNSAFE, CONFIG_READ, CONFIG_PARSE
 */
export async function writeProfile(name: string, output: CredentialsOutput, context: CommandContext, options?: CliOptions): Promise<void> {
  const { credentials } = output;
  if (name === 'DEFAULT') {
    throw new AssumeError('USAGE', '--write-profile DEFAULT would give the keys to every profile of the credentials file', {
      hint: 'The AWS CLI reads [DEFAULT] as settings every section inherits. Choose another name.',
    });
  }
  if (credentials.sessionToken === undefined) {
    throw new AssumeError('USAGE', `--write-profile writes temporary credentials, and these are long-term keys (${redactKeyId(credentials.accessKeyId)})`, {
      hint: 'assume never copies long-term keys. Write a role profile (one with role_arn), or use the keys from the profile that holds them.',
    });
  }
  const values = sectionValues(credentials);
  const paths = resolveConfigPaths(context.env, context.homeDir);
  if (paths.credentials === '') {
    throw new AssumeError('USAGE', 'AWS_SHARED_CREDENTIALS_FILE is set to the empty string: there is no credentials file to write', {
      hint: 'Unset AWS_SHARED_CREDENTIALS_FILE, or set it to the file to write.',
    });
  }
  const config = await loadAwsConfig(paths);
  refuseLongTermKeys(name, config);
  if (options !== undefined) refuseDependency(name, config, context, options);

  const target = await followLinks(paths.credentials);
  const before = await readText(target, paths.credentials);
  // The AWS CLI refuses the whole file (a byte order mark, a section or key written twice): say so with its line.
  parseIni(before, paths.credentials);
  const after = editCredentialsFile(before, name, values);
  await checkWritten(name, credentials, paths, after);

  await mkdir(dirname(target), { recursive: true, mode: 0o700 }).catch((error: unknown) => {
    throw writeError(paths.credentials, error);
  });
  await writeFileAtomic(dirname(target), basename(target), after).catch((error: unknown) => {
    throw writeError(paths.credentials, error);
  });
  if (options?.quiet !== true) {
    const paint = new Chalk({ level: context.colorLevel });
    context.io.stderr.write(`${paint.dim('assume:')} wrote [${name}] to ${paths.credentials}\n`);
  }
}

/** The section's values; a value that cannot sit on one line of an INI file is refused. */
function sectionValues(credentials: Credentials): CredentialsSection {
  const values: CredentialsSection = {
    aws_access_key_id: credentials.accessKeyId,
    aws_secret_access_key: credentials.secretAccessKey,
    aws_session_token: credentials.sessionToken,
    x_security_token_expires: credentials.expiration?.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
  for (const [key, value] of Object.entries(values)) {
    // The parser strips a value and ends it at a line break: such a value would not read back as written.
    if (value !== undefined && (value === '' || /[\p{Cc}\u0085\u2028\u2029]/u.test(value) || value.trim() !== value)) {
      throw new AssumeError('OUTPUT_UNSAFE', `the ${key} value cannot be written to a credentials file exactly: it is empty, or has a line break, control character or surrounding space`, {
        hint: 'Use another output format, e.g. --format json.',
      });
    }
  }
  return values;
}

/**
 * Refuses to overwrite long-term keys (aws_access_key_id without aws_session_token), in any
 * profile: they would be gone for good, and they are usually what the chain starts from.
 */
function refuseLongTermKeys(name: string, config: AwsConfig): void {
  const keyId = config.profiles.get(name)?.settings.get('aws_access_key_id');
  if (keyId === undefined || config.profiles.get(name)?.settings.has('aws_session_token') === true) return;
  throw new AssumeError('USAGE', `--write-profile ${name} would overwrite the long-term keys (${redactKeyId(keyId.value)}) of profile "${name}" at ${formatOrigin(keyId.origin)}`, {
    hint: `They would be lost, and a profile that uses them as its source could no longer be assumed. Choose another name, e.g. --write-profile ${name}-session.`,
  });
}

/** Refuses a NAME the run's profile reads: the profile itself, a source_profile on its chain, or one an outer assume is resolving. */
function refuseDependency(name: string, config: AwsConfig, context: CommandContext, options: CliOptions): void {
  const plan = resolvePlan(config, context.env, resolveOptionsOf(options, undefined));
  if (!plan.profileChain.includes(name)) return;
  const asked = plan.profile ?? 'default';
  const what = name === asked ? 'the profile being assumed' : `a profile "${asked}" depends on (its chain: ${plan.profileChain.join(' -> ')})`;
  throw new AssumeError('USAGE', `--write-profile ${name} would overwrite ${what}`, {
    hint: `Writing there would replace the credentials the chain starts from and could lock you out. Choose another name, e.g. --write-profile ${asked}-session.`,
  });
}

/**
 * Checks, before anything is written, that the AWS CLI would read the new file's [NAME] as
 * the written keys: no role_arn, SSO or web identity setting of the same profile in the
 * config file takes precedence over them.
 */
async function checkWritten(name: string, credentials: Credentials, paths: { config: string; credentials: string }, text: string): Promise<void> {
  const config = await loadAwsConfig(paths, (path) => (path === paths.credentials ? Promise.resolve(text) : readFile(path)));
  const profile = config.profiles.get(name);
  const overriding = overridingKeys.filter((key) => profile?.settings.has(key));
  if (overriding.length === 0) {
    const plan = resolvePlan(config, {}, { profile: name });
    if (plan.hops.length === 0 && plan.source.kind === 'static' && plan.source.accessKeyId === credentials.accessKeyId) return;
    throw new AssumeError('USAGE', `profile "${name}" would not read back as the written credentials: its other settings make it a ${plan.hops.length > 0 ? 'role profile' : `${plan.source.kind} source`}`, {
      hint: `Choose a name no profile in ${paths.config} uses, e.g. --write-profile ${name}-session.`,
    });
  }
  const where = overriding.map((key) => `${key} (${formatOrigin(profile?.settings.get(key)?.origin ?? { file: paths.config, line: 0 })})`).join(', ');
  throw new AssumeError('USAGE', `profile "${name}" has ${where}, which the AWS CLI uses before keys in the credentials file: the written credentials would be ignored`, {
    hint: `Choose a name no profile in ${paths.config} uses, e.g. --write-profile ${name}-session.`,
  });
}

/** The file a path names once its symlinks are followed (the path itself when it is not a link or does not exist). */
async function followLinks(path: string): Promise<string> {
  let current = isAbsolute(path) ? path : resolve(path);
  for (let links = 0; links <= maxLinks; links++) {
    let isLink: boolean;
    try {
      isLink = (await lstat(current)).isSymbolicLink();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw writeError(path, error);
    }
    if (!isLink) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw new AssumeError('CONFIG_READ', `cannot write ${path}: more than ${maxLinks} symlinks lead to it`, { hint: 'Point the link at the credentials file itself.' });
}

/** The file's text ('' when it does not exist), decoded as the AWS CLI decodes it. */
async function readText(target: string, shown: string): Promise<string> {
  let bytes: Buffer;
  try {
    const stats = await lstat(target);
    if (!stats.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    bytes = await readFile(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw new AssumeError('CONFIG_READ', `cannot read ${shown}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      hint: `Make ${shown} a readable file, or set AWS_SHARED_CREDENTIALS_FILE to the file to write.`,
      cause: error,
    });
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (error) {
    throw new AssumeError('CONFIG_PARSE', `${shown} is not valid UTF-8`, { hint: 'Save the file as UTF-8: the AWS CLI refuses it too.', cause: error });
  }
}

function writeError(path: string, error: unknown): AssumeError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return new AssumeError('CONFIG_READ', `cannot write ${path}: ${code ?? String(error)}`, {
    hint: `Check that you can write ${dirname(path)}, or set AWS_SHARED_CREDENTIALS_FILE to a file you can write.`,
    cause: error,
  });
}
