import type { CliOptions } from '../cli.js';
import type { CredentialsOutput } from '../credentials.js';
import { AssumeError } from '../errors.js';
import type { RunResult } from '../main.js';
import type { CommandContext } from './types.js';

// PLACEHOLDER: replaced by its implementation during issue 5.
export function consoleSignIn(_output: CredentialsOutput, _options: CliOptions, _context: CommandContext): Promise<RunResult> {
  return Promise.reject(new AssumeError('USAGE', 'assume console is not built yet'));
}
