import { AssumeError } from '../errors.js';

/**
 * The error every formatter throws when a value cannot be written exactly and safely in its
 * format. The message names the variable and the kind of character, never the value: the
 * value may be a secret.
 */
export function outputUnsafeError(format: string, name: string, reason: string): AssumeError {
  return new AssumeError('OUTPUT_UNSAFE', `${name} cannot be written safely in the ${format} format: ${reason}.`, {
    hint: 'Choose another --format: json and credential-process hold any value, sh and fish any value without a NUL.',
  });
}

/**
 * Refuses what no environment variable can hold, whatever the format: a NUL character
 * (environment strings end at NUL) and a lone UTF-16 surrogate (it has no UTF-8 form, so
 * the bytes printed would not be the value).
 *
 * @throws AssumeError `OUTPUT_UNSAFE` naming the variable.
 */
export function assertEnvironmentValue(format: string, name: string, value: string): void {
  if (value.includes('\0')) {
    throw outputUnsafeError(format, name, 'the value contains a NUL character, which no environment variable can hold');
  }
  if (/\p{Cs}/u.test(value)) {
    throw outputUnsafeError(format, name, 'the value contains a lone UTF-16 surrogate, which has no UTF-8 form');
  }
}
