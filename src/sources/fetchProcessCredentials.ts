import type { Origin } from '../config/types.js';
import type { Credentials } from '../credentials.js';
import { AssumeError } from '../errors.js';
import { redactKeyIds } from '../util/redact.js';
import type { Env } from '../resolve/resolvePlan.js';
import { formatOrigin, profileChainVariable } from '../resolve/resolvePlan.js';
import { runProgram } from '../util/runProgram.js';
import { shlexSplit } from '../util/shlexSplit.js';

export interface ProcessSource {
  readonly profile: string;
  readonly command: string;
  readonly origin: Origin;
}

export interface ProcessOptions {
  readonly env: Env;
  /** Profiles being resolved, passed to the program as ASSUME_PROFILE_CHAIN (the recursion guard). */
  readonly profileChain: readonly string[];
  readonly timeoutMs: number;
  readonly now: Date;
}

interface ProcessOutput {
  Version?: unknown;
  AccessKeyId?: unknown;
  SecretAccessKey?: unknown;
  SessionToken?: unknown;
  Expiration?: unknown;
}

/** The end of what a program wrote on stderr: its last three non-empty lines, on one line. */
function stderrTail(text: string): string {
  const tail = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(-3)
    .join(' | ');
  return tail.length > 400 ? `${tail.slice(0, 400)}...` : tail;
}

/**
 * Runs a profile's `credential_process` as the AWS CLI does: the command line split like a
 * shell would split it but never run by a shell (no injection from a profile value), stdin
 * closed, a timeout; stdout must be the credential_process JSON (Version 1, AccessKeyId,
 * SecretAccessKey, optional SessionToken and Expiration in the future).
 * @throws AssumeError SOURCE_PROCESS_FAILED (naming the profile, file:line, exit code and
 *   the end of its stderr), CONFIG_INVALID for an unsplittable command line
 */
export async function fetchProcessCredentials(source: ProcessSource, options: ProcessOptions): Promise<Credentials> {
  const where = `credential_process of profile "${source.profile}" (${formatOrigin(source.origin)})`;
  const argv = shlexSplit(source.command);
  if (argv === undefined || argv.length === 0) {
    throw new AssumeError('CONFIG_INVALID', `the ${where} cannot be split into a command: an unclosed quote or a trailing backslash`, {
      hint: 'Quote the command line as you would in a shell.',
    });
  }
  const fail = (why: string, hint: string): AssumeError => new AssumeError('SOURCE_PROCESS_FAILED', `the ${where} ${why}`, { hint });
  const result = await runProgram(argv, {
    env: { ...options.env, [profileChainVariable]: JSON.stringify(options.profileChain) },
    timeoutMs: options.timeoutMs,
  });
  if (result.kind === 'error') {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw fail(`could not be started: ${code === 'ENOENT' ? `${argv[0] ?? ''} not found` : String(code ?? result.error)}`, 'Check the program path in credential_process.');
  }
  if (result.kind === 'timeout') throw fail(`did not finish within ${options.timeoutMs / 1000} s`, 'Check that the program does not wait for input.');
  if (result.code !== 0) {
    // The program's own words, but never a key id it may have printed (shown as ****WXYZ).
    const detail = redactKeyIds(stderrTail(result.stderr));
    throw fail(
      `failed with ${result.signal === null ? `exit code ${String(result.code)}` : `signal ${result.signal}`}${detail === '' ? '' : `: ${detail}`}`,
      'Run the command by hand to see what it needs.',
    );
  }
  let output: unknown;
  try {
    output = JSON.parse(result.stdout);
  } catch {
    throw fail('printed something that is not JSON', 'It must print {"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ..., ...} on stdout.');
  }
  if (typeof output !== 'object' || output === null || (output as ProcessOutput).Version !== 1) {
    throw fail('printed JSON without "Version": 1', 'The credential_process protocol is version 1.');
  }
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = output as ProcessOutput;
  if (typeof AccessKeyId !== 'string' || AccessKeyId === '' || typeof SecretAccessKey !== 'string' || SecretAccessKey === '') {
    throw fail('printed no AccessKeyId or SecretAccessKey', 'Both are required strings.');
  }
  if (SessionToken !== undefined && typeof SessionToken !== 'string') throw fail('printed a SessionToken that is not a string', 'SessionToken must be a string.');
  let expiration: Date | undefined;
  if (Expiration !== undefined) {
    expiration = typeof Expiration === 'string' ? new Date(Expiration) : new Date(Number.NaN);
    if (Number.isNaN(expiration.getTime())) throw fail('printed an Expiration that is not an RFC 3339 time', 'Use e.g. 2026-11-28T17:36:45Z.');
    if (expiration.getTime() <= options.now.getTime()) throw fail(`printed credentials that expired at ${expiration.toISOString()}`, 'The program must print fresh credentials.');
  }
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiration };
}
