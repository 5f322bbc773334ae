import { AssumeError } from '../errors.js';
import type { Subcommand } from './types.js';

// PLACEHOLDER: replaced by its implementation during issue 5 (must not be committed as done).
const command: Subcommand = () => Promise.reject(new AssumeError('USAGE', 'this command is not built yet'));
export default command;
