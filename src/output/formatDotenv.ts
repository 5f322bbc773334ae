import type { CredentialsOutput } from '../credentials.js';
import { credentialVariables } from './variables.js';
import { isPlainValue } from './isPlainValue.js';
import { assertEnvironmentValue, outputUnsafeError } from './outputUnsafeError.js';

/**
 * Formats credentials as `NAME=value` lines for env files: the dotenv library, docker compose
 * `env_file` and `docker run --env-file`. Only the variables to set are written; an env file
 * cannot unset anything.
 *
 * Plain values (see isPlainValue) are written bare, which every reader takes as written.
 * Other values are written in single quotes, which the dotenv library and docker compose
 * read literally (no escapes, no `$` expansion, `#` kept, surrounding spaces kept); note that
 * `docker run --env-file` takes nothing out and would keep the quotes. A value with a single
 * quote, a line break or a carriage return has no exact form in these files (a line break
 * would even let the rest of the value define another variable) and is refused.
 *
 * @throws AssumeError `OUTPUT_UNSAFE` naming the variable, never the value.
 */
export function formatDotenv(out: CredentialsOutput): string {
  const lines = credentialVariables(out).set.map(([name, value]) => {
    assertEnvironmentValue('dotenv', name, value);
    if (isPlainValue(value)) return `${name}=${value}`;
    if (/['\r\n]/.test(value)) {
      throw outputUnsafeError('dotenv', name, 'the value holds a single quote, a line break or a carriage return, which an env file cannot hold exactly');
    }
    return `${name}='${value}'`;
  });
  return `${lines.join('\n')}\n`;
}
