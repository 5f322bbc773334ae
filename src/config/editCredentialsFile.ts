/**
 * The byte-preserving edit of a shared credentials file behind `--write-profile`: puts a set
 * of credentials under `[NAME]` and leaves every other byte as it was.
 */

/** The keys `--write-profile` owns in a section, in the order it writes them. */
export const writtenKeys = ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'x_security_token_expires'] as const;
export type WrittenKey = (typeof writtenKeys)[number];

/** The values to write: a key whose value is undefined is removed from the section. */
export type CredentialsSection = Readonly<Record<WrittenKey, string | undefined>>;

/**
 * The whitespace of Python's `str.strip()` and `str.isspace()`, as src/config/parseIni.ts
 * reads lines: the edit must see the same sections, keys and continuation lines the AWS CLI sees.
 */
const WS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_WS = new RegExp(`^[${WS}]*`);
const NON_WS = new RegExp(`[^${WS}]`);
const TRAILING_WS = new RegExp(`[${WS}]+$`);
const SECTION_HEADER = /^\[(.+)\]/s;
const SEPARATOR = /[=:]/;
/** Python's universal newlines, as the AWS CLI reads the file. */
const LINE_BREAK = /\r\n|\r|\n/g;

/** One line as written: its text and the line break that ends it ('' for a last line without one). */
interface Line {
  readonly text: string;
  readonly eol: string;
}

/** What a line is to the AWS CLI's parser. */
type LineKind =
  | { readonly kind: 'blank' | 'comment' | 'other' }
  | { readonly kind: 'header'; readonly name: string; readonly indent: number }
  | { readonly kind: 'key'; readonly key: string; readonly indent: number; readonly valueStart: number }
  /** A line that continues the value of the key on line `of`. */
  | { readonly kind: 'continuation'; readonly of: number };

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const match of text.matchAll(LINE_BREAK)) {
    lines.push({ text: text.slice(start, match.index), eol: match[0] });
    start = match.index + match[0].length;
  }
  if (start < text.length) lines.push({ text: text.slice(start), eol: '' });
  return lines;
}

function strip(text: string): string {
  return text.replace(LEADING_WS, '').replace(TRAILING_WS, '');
}

/**
 * Classifies every line as RawConfigParser does (see parseIni): comments and blank lines
 * first, then a line indented deeper than the last key or header while a value is open
 * continues that value, then headers, then `key = value`.
 */
function classify(lines: readonly Line[]): LineKind[] {
  const kinds: LineKind[] = [];
  let inSection = false;
  let openKey: number | undefined;
  let indentLevel = 0;
  for (const [index, { text }] of lines.entries()) {
    const value = strip(text);
    if (value.startsWith('#') || value.startsWith(';')) {
      kinds.push({ kind: 'comment' });
      continue;
    }
    if (value === '') {
      kinds.push({ kind: 'blank' });
      continue;
    }
    const indent = NON_WS.exec(text)?.index ?? 0;
    if (inSection && openKey !== undefined && indent > indentLevel) {
      kinds.push({ kind: 'continuation', of: openKey });
      continue;
    }
    indentLevel = indent;
    openKey = undefined;
    const header = SECTION_HEADER.exec(value);
    if (header !== null) {
      inSection = true;
      kinds.push({ kind: 'header', name: header[1] ?? '', indent });
      continue;
    }
    const separator = inSection ? text.search(SEPARATOR) : -1;
    const key = separator === -1 ? '' : strip(text.slice(0, separator)).toLowerCase();
    if (key === '') {
      kinds.push({ kind: 'other' });
      continue;
    }
    const valueStart = separator + 1 + (LEADING_WS.exec(text.slice(separator + 1))?.[0].length ?? 0);
    kinds.push({ kind: 'key', key, indent, valueStart });
    openKey = index;
  }
  return kinds;
}

function isWrittenKey(key: string): key is WrittenKey {
  return (writtenKeys as readonly string[]).includes(key);
}

/**
 * Writes `values` under `[name]` in the text of a shared credentials file and returns the
 * new text. Pure. Every byte outside the written keys stays as it was: comments, blank lines,
 * the order of sections and keys, other keys and comments in `[name]`, the file's line
 * breaks (new lines take the file's first one; LF in a file without any), a byte order mark,
 * a missing final line break.
 *
 * - A key already in the section has its value replaced in place (its indentation, spelling
 *   and separator kept; continuation lines of an old multi-line value dropped); a key whose
 *   new value is undefined is removed with its continuation lines.
 * - Missing keys go after the last written key the section keeps (else its last setting, else
 *   its header), indented like it, so no following line changes meaning.
 * - A section written twice (which the AWS CLI refuses) gets the values in every copy, so
 *   any reader, whichever copy it takes or however it merges them, sees the new values.
 * - Without the section, it is appended after one blank line.
 *
 * Values must be single-line without surrounding whitespace; the caller checks them.
 */
export function editCredentialsFile(text: string, name: string, values: CredentialsSection): string {
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const lines = splitLines(text.slice(bom.length));
  const eol = lines.find((line) => line.eol !== '')?.eol ?? '\n';
  const kinds = classify(lines);
  const present = writtenKeys.filter((key) => values[key] !== undefined);

  /** For each line: what replaces it (undefined keeps it) and what goes after it. */
  const replaced = new Map<number, string | null>();
  const after = new Map<number, string[]>();
  let found = false;

  for (const [headerIndex, kind] of kinds.entries()) {
    if (kind.kind !== 'header' || kind.name !== name) continue;
    found = true;
    let end = headerIndex + 1;
    while (end < lines.length && kinds[end]?.kind !== 'header') end++;
    const seen = new Set<WrittenKey>();
    let anchor = headerIndex;
    let anchorIndent = kind.indent;
    /** The last written key the section keeps: its line, the last line of its value, its indentation. */
    let lastWritten: { key: number; line: number; indent: number } | undefined;
    for (let index = headerIndex + 1; index < end; index++) {
      const line = kinds[index];
      if (line?.kind === 'continuation') {
        if (replaced.has(line.of)) replaced.set(index, null);
        anchor = index;
        if (lastWritten?.key === line.of) lastWritten = { ...lastWritten, line: index };
        continue;
      }
      if (line?.kind !== 'key') continue;
      anchor = index;
      anchorIndent = line.indent;
      if (!isWrittenKey(line.key)) continue;
      seen.add(line.key);
      const value = values[line.key];
      const raw = lines[index]?.text ?? '';
      replaced.set(index, value === undefined ? null : raw.slice(0, line.valueStart) + value);
      if (value !== undefined) lastWritten = { key: index, line: index, indent: line.indent };
    }
    const missing = present.filter((key) => !seen.has(key));
    if (missing.length === 0) continue;
    const at = lastWritten ?? { line: anchor, indent: anchorIndent };
    const indent = ' '.repeat(at.indent);
    after.set(at.line, missing.map((key) => `${indent}${key} = ${values[key] ?? ''}`));
  }

  if (!found) {
    const body = text.slice(bom.length);
    const block = [`[${name}]`, ...present.map((key) => `${key} = ${values[key] ?? ''}`)];
    if (body === '') return `${bom}${block.join(eol)}${eol}`;
    const last = lines[lines.length - 1];
    const finalBreak = last?.eol !== '';
    const separator = (finalBreak ? '' : eol) + (last !== undefined && strip(last.text) === '' ? '' : eol);
    return `${bom}${body}${separator}${block.join(eol)}${finalBreak ? eol : ''}`;
  }

  const out: Line[] = [];
  for (const [index, line] of lines.entries()) {
    const replacement = replaced.get(index);
    if (replacement !== null) out.push(replacement === undefined ? line : { text: replacement, eol: line.eol });
    for (const text of after.get(index) ?? []) out.push({ text, eol });
  }
  return bom + joinLines(out, lines[lines.length - 1]?.eol !== '', eol);
}

/**
 * The lines joined back. A line that lost its place as the last one gets a line break; the
 * last line ends with one only when the file's last line did (a missing final line break stays missing).
 */
function joinLines(lines: readonly Line[], finalBreak: boolean, eol: string): string {
  return lines
    .map((line, index) => {
      if (index === lines.length - 1) return line.text + (finalBreak ? (line.eol === '' ? eol : line.eol) : '');
      return line.text + (line.eol === '' ? eol : line.eol);
    })
    .join('');
}
