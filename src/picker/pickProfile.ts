import type { CommandContext } from '../commands/types.js';
import type { AwsConfig } from '../config/types.js';
import { AssumeError } from '../errors.js';

// PLACEHOLDER: replaced by its implementation during issue 5.
export function pickProfile(_config: AwsConfig, _context: CommandContext): Promise<string> {
  return Promise.reject(new AssumeError('USAGE', 'the picker is not built yet'));
}
