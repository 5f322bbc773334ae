import type { ChalkInstance } from 'chalk';
import type { ProfileSummary } from '../commands/profileSummary.js';
import { showControlChars } from '../prompt/showControlChars.js';

/** One profile as the picker shows it. */
export interface PickerRow {
  readonly profile: ProfileSummary;
  /** The line in the list: name, kind, account and role in aligned columns, painted. */
  readonly label: string;
  /** The line under the list for the profile under the cursor: role ARN, source, region, file and line. */
  readonly description: string;
}

export interface PickerRowOptions {
  /** The terminal's width in columns; lines are cut to fit it. Undefined: not cut. */
  readonly width: number | undefined;
  /** Chalk at the run's color level (level 0 paints nothing). */
  readonly paint: ChalkInstance;
  /** Shown as `~` at the start of file paths. */
  readonly homeDir: string;
}

/** Room the prompt takes before a label: the cursor and a space, and one column spare so a full line never wraps. */
const labelIndent = 3;
const gap = '  ';

/**
 * The picker's lines, one per profile in the order given: `name  kind  account  role`, each
 * column as wide as its widest cell over all the profiles (so the columns stay put while the
 * list is filtered), a column no profile fills left out. Control characters in names and
 * values are shown escaped (`\u001b`), so a config file cannot send escape sequences to the
 * terminal. A line longer than the terminal is cut with `…`, the role first. Reads nothing
 * from the environment.
 */
export function formatPickerRows(profiles: readonly ProfileSummary[], options: PickerRowOptions): PickerRow[] {
  const { paint } = options;
  const cells = profiles.map((profile) => [profile.name, profile.kind, profile.account ?? '', profile.role ?? ''].map(showControlChars));
  const widths = [0, 1, 2, 3].map((column) => Math.max(0, ...cells.map((row) => row[column]?.length ?? 0)));
  const colors = [(text: string) => text, paint.magenta, paint.yellow, paint.green];
  const room = options.width === undefined ? Number.POSITIVE_INFINITY : Math.max(options.width - labelIndent, 10);
  return profiles.map((profile, index) => {
    const row = cells[index] ?? [];
    const columns = widths.flatMap((width, column) => (width === 0 ? [] : [{ text: row[column] ?? '', width, color: colors[column] ?? paint.reset }]));
    // Padding outside the colors, so the trailing blanks of a row with empty last cells can be trimmed.
    const label = cutColumns(columns, room)
      .map(({ text, width, color }) => `${color(text)}${' '.repeat(Math.max(width - text.length, 0))}`)
      .join(gap)
      .trimEnd();
    const description = cut(describe(profile, options.homeDir), room);
    return { profile, label, description };
  });
}

/** The columns, joined by the gap and padded to their widths, fit in `room`: the last ones are cut (with `…`) or dropped. */
function cutColumns<T extends { readonly text: string; readonly width: number }>(columns: readonly T[], room: number): T[] {
  const kept: T[] = [];
  let used = 0;
  for (const column of columns) {
    const start = kept.length === 0 ? 0 : gap.length;
    const left = room - used - start;
    if (column.text.length <= left) {
      kept.push(column);
      used += start + column.width;
      continue;
    }
    if (left >= 2) kept.push({ ...column, text: cut(column.text, left), width: left });
    break;
  }
  return kept;
}

function cut(text: string, room: number): string {
  return text.length <= room ? text : `${text.slice(0, Math.max(room - 1, 0))}…`;
}

/** `arn:aws:iam::123456789012:role/Admin  source_profile base  region eu-west-1  ~/.aws/config:12` */
function describe(profile: ProfileSummary, homeDir: string): string {
  const parts = [
    profile.roleArn,
    profile.source,
    profile.region === undefined ? undefined : `region ${profile.region}`,
    `${tildePath(profile.origin.file, homeDir)}:${profile.origin.line}`,
  ];
  return showControlChars(parts.filter((part) => part !== undefined && part !== '').join(gap));
}

function tildePath(file: string, homeDir: string): string {
  const home = homeDir.endsWith('/') ? homeDir.slice(0, -1) : homeDir;
  return home !== '' && file.startsWith(`${home}/`) ? `~${file.slice(home.length)}` : file;
}
