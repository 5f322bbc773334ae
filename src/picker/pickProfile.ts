import { Chalk } from 'chalk';
import type { CommandContext } from '../commands/types.js';
import { summarizeProfiles } from '../commands/profileSummary.js';
import type { AwsConfig } from '../config/types.js';
import { AssumeError } from '../errors.js';
import { filterProfiles } from './filterProfiles.js';
import { formatPickerRows } from './formatPickerRows.js';
import type { PickerRow } from './formatPickerRows.js';
import { openTerminal } from './openTerminal.js';
import { pickerTheme } from './pickerTheme.js';

/** Lines the prompt takes besides the list: the question, a blank, the description and the keys help. */
const promptChrome = 5;

/** A keypress as node:readline reports it on the input stream. */
interface Key {
  readonly name?: string | undefined;
  readonly ctrl?: boolean | undefined;
}

/**
 * Asks the person at the terminal which profile to use: a list of every profile in the config
 * (name, kind, account and role; the role ARN, source, region and file:line of the one under the
 * cursor below it), filtered as they type (see filterProfiles), moved through with the arrows,
 * picked with Enter; the cursor starts on `default` when there is one. Drawn with
 * @inquirer/search, loaded only now, on /dev/tty: never on stdout (captured by
 * `eval "$(assume)"`) nor stderr. The list is wiped when done, and the terminal closed.
 * Colors follow context.colorLevel.
 *
 * @returns the name of the profile picked
 * @throws AssumeError USAGE when the config has no profile at all, or there is no terminal to
 *   draw on; INTERRUPTED (exit 130) on Ctrl-C, Esc or Ctrl-D
 */
export async function pickProfile(config: AwsConfig, context: CommandContext): Promise<string> {
  const profiles = summarizeProfiles(config);
  if (profiles.length === 0) {
    throw new AssumeError('USAGE', `no profile given, and no profiles to pick from in ${config.files.config} or ${config.files.credentials}`, {
      hint: 'Add one (aws configure, or aws configure sso), set AWS_CONFIG_FILE if your config lives elsewhere, or pass --role-arn ARN.',
    });
  }
  const { default: search } = await import('@inquirer/search');
  const paint = new Chalk({ level: context.colorLevel });
  const terminal = openTerminal();
  const cancel = new AbortController();
  const onKeypress = (_text: unknown, key: Key | undefined): void => {
    // Esc, and Ctrl-D as readline reads it at an empty line: the end of input.
    if (key?.name === 'escape' || (key?.ctrl === true && key.name === 'd')) cancel.abort();
  };
  try {
    const rows = formatPickerRows(profiles, { width: terminal.output.columns, paint, homeDir: context.homeDir });
    const rowsPerPage = Math.min(Math.max((terminal.output.rows || 24) - promptChrome, 3), 15);
    terminal.input.on('keypress', onKeypress);
    return await search<string>(
      {
        message: 'Pick a profile',
        source: (term) => filterProfiles(rows.map(asFilterable), term).map(({ row }) => ({ value: row.profile.name, name: row.label, short: row.profile.name, description: row.description })),
        pageSize: rowsPerPage,
        ...(profiles.some((profile) => profile.name === 'default') ? { default: 'default' } : {}),
        theme: pickerTheme(paint),
      },
      { input: terminal.input, output: terminal.output, clearPromptOnDone: true, signal: cancel.signal },
    );
  } catch (error) {
    throw cancelled(error) ?? error;
  } finally {
    terminal.input.off('keypress', onKeypress);
    terminal.close();
  }
}

/** A row with the fields filterProfiles reads at its top level. */
function asFilterable(row: PickerRow): PickerRow['profile'] & { readonly row: PickerRow } {
  return { ...row.profile, row };
}

/** The AssumeError for a prompt the person cancelled, or undefined for any other error. */
function cancelled(error: unknown): AssumeError | undefined {
  const name = error instanceof Error ? error.name : undefined;
  if (name !== 'ExitPromptError' && name !== 'AbortPromptError') return undefined;
  return new AssumeError('INTERRUPTED', 'no profile picked: the picker was cancelled', {
    hint: 'Name the profile to skip the picker: assume PROFILE (assume ls lists them).',
    cause: error,
  });
}
