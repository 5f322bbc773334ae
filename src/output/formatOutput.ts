import type { CredentialsOutput } from '../credentials.js';
import { formatCmd } from './formatCmd.js';
import { formatCredentialProcess } from './formatCredentialProcess.js';
import { formatDotenv } from './formatDotenv.js';
import { formatFish } from './formatFish.js';
import { formatJson } from './formatJson.js';
import { formatPowerShell } from './formatPowerShell.js';
import { formatSh } from './formatSh.js';

/** Every output format, in the order help lists them. `sh` covers bash, zsh and dash. */
export const outputFormats = ['sh', 'fish', 'powershell', 'cmd', 'dotenv', 'json', 'credential-process'] as const;

/** The name of one output format. */
export type OutputFormat = (typeof outputFormats)[number];

/** Type guard: whether a value (a flag from the command line, say) names an output format. */
export function isOutputFormat(value: unknown): value is OutputFormat {
  return typeof value === 'string' && (outputFormats as readonly string[]).includes(value);
}

const formatters: Readonly<Record<OutputFormat, (out: CredentialsOutput) => string>> = {
  sh: formatSh,
  fish: formatFish,
  powershell: formatPowerShell,
  cmd: formatCmd,
  dotenv: formatDotenv,
  json: formatJson,
  'credential-process': formatCredentialProcess,
};

/**
 * Formats credentials (and the region, when known) as the text of one output format, ending
 * with a newline. Pure: reads no environment and prints nothing.
 *
 * @throws AssumeError `OUTPUT_UNSAFE` when a value cannot be written exactly and safely in
 *   that format; the message names the variable, never the value.
 */
export function formatOutput(format: OutputFormat, out: CredentialsOutput): string {
  return formatters[format](out);
}
