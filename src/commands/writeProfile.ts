import type { CredentialsOutput } from '../credentials.js';
import { AssumeError } from '../errors.js';
import type { CommandContext } from './types.js';

// PLACEHOLDER: replaced by its implementation during issue 5.
export function writeProfile(_name: string, _output: CredentialsOutput, _context: CommandContext): Promise<void> {
  return Promise.reject(new AssumeError('USAGE', '--write-profile is not built yet'));
}
