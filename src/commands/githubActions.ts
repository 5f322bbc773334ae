import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { CredentialsOutput } from '../credentials.js';
import { AssumeError } from '../errors.js';
import { formatGithub } from '../output/formatGithub.js';
import type { Env } from '../resolve/resolvePlan.js';

/** Options of writeGithubActions. */
export interface GithubActionsOptions {
  /** The environment of the step: GITHUB_ENV, GITHUB_OUTPUT, AWS_PROFILE, AWS_DEFAULT_PROFILE are read. */
  readonly env: Env;
  /** --output: also append the step outputs to $GITHUB_OUTPUT. */
  readonly setOutputs: boolean;
  /** Makes the delimiter of each `NAME<<DELIMITER` entry; default: newGithubDelimiter. */
  readonly newDelimiter?: () => string;
}

/** A random heredoc delimiter, `ghadelimiter_<uuid>`, as @actions/core makes them. */
export function newGithubDelimiter(): string {
  return `ghadelimiter_${randomUUID()}`;
}

/** A file command file, opened and checked, with what is to be appended to it. */
interface Target {
  readonly variable: 'GITHUB_ENV' | 'GITHUB_OUTPUT';
  readonly path: string;
  readonly handle: FileHandle;
  /** The size before we wrote, to take back a partial write. */
  readonly size: number;
  readonly text: string;
}

const encoder = new TextEncoder();

function unavailable(message: string, hint: string, cause?: unknown): AssumeError {
  return new AssumeError('GITHUB_ENV_UNAVAILABLE', message, { hint, cause });
}

function errorCode(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : 'unknown error';
}

/**
 * Opens a file command file to append to, and reads whether it ends with a line break.
 * O_APPEND, so every write lands at the end whatever else writes to it; O_RDWR, to read
 * its last byte; never O_CREAT: the runner creates these files before each step, and one
 * that is missing means the path is wrong (@actions/core refuses it too). O_NONBLOCK, so a
 * FIFO without a reader fails at once instead of hanging; it is refused as not a regular file.
 */
async function openTarget(variable: Target['variable'], path: string, text: string): Promise<Target> {
  const hint = `Check that ${variable} names the file the GitHub Actions runner made for this step.`;
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDWR | constants.O_APPEND | constants.O_NONBLOCK);
  } catch (error) {
    throw unavailable(`cannot open the ${variable} file ${path} to append to it (${errorCode(error)})`, hint, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw unavailable(`the ${variable} file ${path} is not a regular file`, hint);
    let prefix = '';
    if (stats.size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, stats.size - 1);
      // The runner reads the file line by line: an entry appended to an unfinished last line
      // would be read as part of that line, so finish the line first.
      if (last[0] !== 0x0a) prefix = '\n';
    }
    return { variable, path, handle, size: stats.size, text: prefix + text };
  } catch (error) {
    await handle.close();
    if (error instanceof AssumeError) throw error;
    throw unavailable(`cannot read the ${variable} file ${path} (${errorCode(error)})`, hint, error);
  }
}

/** Appends all of the text, in one write unless the system writes less than asked. */
async function append(target: Target): Promise<void> {
  const bytes = encoder.encode(target.text);
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await target.handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}

/**
 * Hands credentials to the next steps of a GitHub Actions job: appends the variables to the
 * file named by $GITHUB_ENV (and with `setOutputs`, the step outputs to $GITHUB_OUTPUT),
 * and returns the `::add-mask::` lines for main to print on stdout, so the runner masks the
 * secrets in the log. See formatGithub for what is written.
 *
 * Everything is checked and formatted before anything is written, so a refusal leaves both
 * files as they were and prints nothing. Each file gets all its text in one append; existing
 * bytes are kept, and a line break is added first when the file does not end with one. If
 * a write fails, the files are cut back to their earlier size, so no half entry is left.
 *
 * @throws AssumeError `GITHUB_ENV_UNAVAILABLE` when GITHUB_ENV (or, with `setOutputs`,
 *   GITHUB_OUTPUT) is unset or empty, as outside GitHub Actions, or its file cannot be
 *   opened or written; the message names the file, never a value.
 * @throws AssumeError `OUTPUT_UNSAFE` when AWS_PROFILE or AWS_DEFAULT_PROFILE is set, or a
 *   value cannot be written exactly (see formatGithub).
 */
export async function writeGithubActions(out: CredentialsOutput, options: GithubActionsOptions): Promise<string> {
  const { env } = options;
  const envPath = env.GITHUB_ENV;
  if (envPath === undefined || envPath === '') {
    throw unavailable(
      '--format github needs the GITHUB_ENV file of GitHub Actions, and GITHUB_ENV is not set: this is not a GitHub Actions step',
      'Outside GitHub Actions, use --format sh (eval "$(assume PROFILE)") or --format dotenv.',
    );
  }
  const outputPath = env.GITHUB_OUTPUT;
  if (options.setOutputs && (outputPath === undefined || outputPath === '')) {
    throw unavailable(
      '--output needs the GITHUB_OUTPUT file of GitHub Actions, and GITHUB_OUTPUT is not set',
      'Run it in a GitHub Actions step (runner 2.297.0 or later), or drop --output; outside GitHub Actions use --format sh or dotenv.',
    );
  }
  // A GITHUB_ENV file can set a variable but not unset it, and an empty profile name makes
  // the AWS CLI fail ("The config profile () could not be found"). A profile left in the
  // environment of the next steps would make the AWS SDK for JavaScript v3 use that profile
  // instead of the keys written here (it reads AWS_PROFILE before AWS_ACCESS_KEY_ID),
  // silently, with other permissions. No value written here is right for every SDK, so
  // refuse, and say how to pass the profile without leaving it in the job's environment.
  for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'] as const) {
    const profile = env[name];
    if (profile !== undefined && profile !== '') {
      throw new AssumeError('OUTPUT_UNSAFE', `${name} is set (to "${profile}"), and GitHub Actions cannot unset it for the next steps: the AWS SDK for JavaScript would use that profile instead of the credentials assume exports.`, {
        hint: `Name the profile as an argument (assume --format github ${profile}) and remove ${name} from the environment of this step: from the workflow's and the job's env:, and from any step that wrote it to GITHUB_ENV.`,
      });
    }
  }

  const text = formatGithub(out, { outputs: options.setOutputs, newDelimiter: options.newDelimiter ?? newGithubDelimiter });

  const targets: Target[] = [];
  try {
    targets.push(await openTarget('GITHUB_ENV', envPath, text.env));
    if (options.setOutputs && outputPath !== undefined) targets.push(await openTarget('GITHUB_OUTPUT', outputPath, text.outputs));
    const written: Target[] = [];
    for (const target of targets) {
      written.push(target);
      try {
        await append(target);
      } catch (error) {
        // Take back what was appended, to this file and the one before, so the runner does
        // not read half an entry, nor the variables without the outputs asked for.
        await Promise.allSettled(written.map((done) => done.handle.truncate(done.size)));
        throw unavailable(`cannot write to the ${target.variable} file ${target.path} (${errorCode(error)})`, 'Check the free space and the permissions of the runner\'s temporary folder.', error);
      }
    }
  } finally {
    await Promise.allSettled(targets.map((target) => target.handle.close()));
  }
  return text.masks;
}
