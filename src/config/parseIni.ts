/**
 * A line parser for the AWS config and credentials files that reads them exactly as the
 * AWS CLI v2 does: Python's `configparser.RawConfigParser()` with its defaults (as
 * botocore's `raw_config_parse` creates it), followed by botocore's `_parse_nested` for
 * indented sub-properties. It does not use the `ini` package, which reads these files
 * differently in almost every corner (see the tests that pin each difference).
 */
import { AssumeError } from '../errors.js';
import type { Setting } from './types.js';

/** One section as written, after RawConfigParser has read it. */
export interface IniSection {
  /** The header exactly as written between the brackets, untrimmed: `profile acme.prod`. */
  readonly name: string;
  /** 1-based line of the header. */
  readonly line: number;
  /**
   * Settings by key, keys lower-cased as RawConfigParser does (`Region` is `region`), in
   * the order written, followed by the `[DEFAULT]` settings this section does not set
   * (RawConfigParser gives every section the `[DEFAULT]` section's settings).
   */
  readonly settings: ReadonlyMap<string, Setting>;
}

/** A parsed file: its sections in the order written. `[DEFAULT]` is not one of them. */
export interface IniDocument {
  readonly file: string;
  readonly sections: readonly IniSection[];
}

/**
 * The characters Python's `str.isspace()`, `str.strip()` and regex `\s` treat as
 * whitespace. JavaScript's `trim()` and `\s` differ: they skip U+001C..U+001F and U+0085
 * and strip U+FEFF (the byte order mark), which Python keeps.
 */
const WS = '\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_WS = new RegExp(`^[${WS}]+`);
/** One whitespace character: pyRstrip walks back with it (a `[ws]+$` regex is quadratic on a long inner run). */
const WS_CHAR = new RegExp(`^[${WS}]$`);
const NON_WS = new RegExp(`[^${WS}]`);
/** RawConfigParser.SECTCRE, applied with `match` (anchored at the start only): `[` anything `]`, greedy. */
const SECTION_HEADER = /^\[(.+)\]/s;
/** RawConfigParser.OPTCRE's separators: the first `=` or `:` separates the key from the value. */
const SEPARATOR = /[=:]/;
/** The line boundaries of Python's `str.splitlines()`, used by botocore's `_parse_nested`. */
const LINE_BREAKS = '\\n\\r\\v\\f\\x1c\\x1d\\x1e\\x85\\u2028\\u2029';
const PY_SPLITLINES = new RegExp(`\\r\\n|[${LINE_BREAKS}]`);
/** Python's universal newlines, which `open()` applies before RawConfigParser sees a line. */
const FILE_LINES = /\r\n|\r|\n/;

/** The name RawConfigParser gives the section whose settings every other section inherits. */
const DEFAULT_SECTION = 'DEFAULT';

function pyStrip(text: string): string {
  return pyRstrip(text.replace(LEADING_WS, ''));
}

function pyRstrip(text: string): string {
  let end = text.length;
  while (end > 0 && WS_CHAR.test(text.charAt(end - 1))) end -= 1;
  return text.slice(0, end);
}

/**
 * RawConfigParser.OPTCRE, `(.*?)\s*([=:])\s*(.*)$`, without a regex: the key before the first
 * separator (trailing whitespace removed), the separator, the value after it (leading
 * whitespace removed). Linear in the line's length, whatever it holds.
 */
function splitOption(text: string): [key: string, separator: string, value: string] | undefined {
  const at = text.search(SEPARATOR);
  if (at === -1) return undefined;
  return [pyRstrip(text.slice(0, at)), text.charAt(at), text.slice(at + 1).replace(LEADING_WS, '')];
}

/** A value as read so far: its first line and any continuation lines (`''` for blank ones). */
interface RawOption {
  readonly line: number;
  readonly parts: { text: string; line: number }[];
}

interface RawSection {
  readonly name: string;
  readonly line: number;
  readonly options: Map<string, RawOption>;
}

/** A name from the file made safe to print: control characters (terminal escapes) shown as \uXXXX. */
function shown(name: string): string {
  return name.replace(/\p{Cc}/gu, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function parseError(file: string, line: number, message: string, hint: string): AssumeError {
  return new AssumeError('CONFIG_PARSE', `${file}:${line}: ${message}`, { hint });
}

/**
 * Parses the text of an AWS config or credentials file as the AWS CLI v2 reads it.
 * Pure: `file` is only used in origins and error messages.
 *
 * The rules, all checked against the AWS CLI 2.9.19 (Python 3.11 RawConfigParser):
 * - Lines end at `\n`, `\r\n` or a lone `\r`.
 * - A line whose first non-blank character is `#` or `;` is a comment. There are no inline
 *   comments: `region = us-east-1 # prod` has the value `us-east-1 # prod`.
 * - `[NAME]` opens a section; NAME is everything between the first `[` and the last `]`
 *   (`[profile x] ; note` is `profile x`).
 * - `key = value` or `key: value`: the first `=` or `:` separates, the key is lower-cased,
 *   key and value are stripped of whitespace; the value may be empty.
 * - A line indented deeper than the key line above it continues that value. When the key
 *   line's value is empty, the continuation lines are sub-properties (`s3 =` then
 *   `  addressing_style = path`), each `key = value` (only `=`; keys keep their case).
 * - `[DEFAULT]` is not a section: its settings are given to every other section that
 *   does not set them.
 *
 * @throws AssumeError `CONFIG_PARSE`, naming the file and line, where the AWS CLI refuses
 *   the whole file: a setting before any section (including a file that starts with a
 *   UTF-8 byte order mark), a section or a key written twice in one section, a key with
 *   no name, a line that is neither a section, a setting nor a comment, or a sub-property
 *   line without `=`.
 */
export function parseIni(text: string, file: string): IniDocument {
  const sections: RawSection[] = [];
  const seen = new Map<string, RawSection>();
  let defaults: RawSection | undefined;
  let current: RawSection | undefined;
  let option: RawOption | undefined;
  let indentLevel = 0;

  const lines = text.split(FILE_LINES);
  // A final line break does not start another line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();

  for (const [index, raw] of lines.entries()) {
    const lineNo = index + 1;
    const value = pyStrip(raw);
    if (value.startsWith('#') || value.startsWith(';')) continue;
    if (value === '') {
      // A blank line stays part of a value (trailing ones are dropped when joined).
      option?.parts.push({ text: '', line: lineNo });
      continue;
    }
    const indent = NON_WS.exec(raw)?.index ?? 0;
    if (current !== undefined && option !== undefined && indent > indentLevel) {
      option.parts.push({ text: value, line: lineNo });
      continue;
    }
    indentLevel = indent;

    const header = SECTION_HEADER.exec(value);
    if (header !== null) {
      const name = header[1] ?? '';
      option = undefined;
      if (name === DEFAULT_SECTION) {
        defaults ??= { name, line: lineNo, options: new Map() };
        current = defaults;
        continue;
      }
      const earlier = seen.get(name);
      if (earlier !== undefined) {
        throw parseError(
          file,
          lineNo,
          `section [${shown(name)}] is written twice (first at line ${earlier.line})`,
          'Merge the two sections into one: the AWS CLI refuses a file with a repeated section.',
        );
      }
      current = { name, line: lineNo, options: new Map() };
      seen.set(name, current);
      sections.push(current);
      continue;
    }

    if (current === undefined) {
      if (index === 0 && raw.startsWith('\uFEFF')) {
        throw parseError(
          file,
          lineNo,
          'the file starts with a UTF-8 byte order mark',
          'Save the file as UTF-8 without a byte order mark (BOM): the AWS CLI refuses it too.',
        );
      }
      throw parseError(
        file,
        lineNo,
        'a setting comes before any section header',
        'Put it under a section header such as [default] or [profile NAME]: the AWS CLI refuses a file that does not start with one.',
      );
    }

    const match = splitOption(value);
    if (match === undefined) {
      throw parseError(
        file,
        lineNo,
        `line in [${shown(current.name)}] is not a section header, a key = value setting or a comment`,
        'Write it as key = value, or start it with # to make it a comment: the AWS CLI refuses the whole file otherwise.',
      );
    }
    const [written, separator, optionValue] = match;
    if (written === '') {
      throw parseError(
        file,
        lineNo,
        `setting in [${shown(current.name)}] has no key before "${separator}"`,
        'Write it as key = value: the AWS CLI refuses the whole file otherwise.',
      );
    }
    // RawConfigParser.optionxform lower-cases keys.
    const key = pyRstrip(written).toLowerCase();
    const previous = current.options.get(key);
    if (previous !== undefined) {
      throw parseError(
        file,
        lineNo,
        `${shown(key)} is set twice in [${shown(current.name)}] (first at line ${previous.line})`,
        'Keep one of the two lines (keys are case-insensitive): the AWS CLI refuses a file with a repeated key.',
      );
    }
    option = { line: lineNo, parts: [{ text: pyStrip(optionValue), line: lineNo }] };
    current.options.set(key, option);
  }

  const defaultOptions = defaults?.options ?? new Map<string, RawOption>();
  const toSetting = (rawOption: RawOption): Setting => buildSetting(rawOption, file);
  return {
    file,
    sections: sections.map((section) => {
      const settings = new Map<string, Setting>();
      for (const [key, rawOption] of section.options) settings.set(key, toSetting(rawOption));
      // RawConfigParser.options(): the section's own keys, then [DEFAULT]'s others.
      for (const [key, rawOption] of defaultOptions) {
        if (!settings.has(key)) settings.set(key, toSetting(rawOption));
      }
      return { name: section.name, line: section.line, settings };
    }),
  };
}

/**
 * Joins a value's lines as RawConfigParser does, then, when the value starts with a line
 * break (an empty first line followed by indented lines), parses it into sub-properties
 * as botocore's `_parse_nested` does.
 */
function buildSetting(rawOption: RawOption, file: string): Setting {
  const origin = { file, line: rawOption.line };
  const joined = pyRstrip(rawOption.parts.map((part) => part.text).join('\n'));
  if (!joined.startsWith('\n')) return { value: joined, origin };

  const nested = new Map<string, Setting>();
  for (const part of rawOption.parts.slice(1)) {
    for (const piece of part.text.split(PY_SPLITLINES)) {
      const line = pyStrip(piece);
      if (line === '') continue;
      const separator = line.indexOf('=');
      if (separator < 0) {
        throw parseError(
          file,
          part.line,
          'indented line under a key with an empty value has no "="',
          'Lines indented under a key with an empty value are sub-properties written as key = value (for example "  addressing_style = path"); the AWS CLI refuses the file otherwise.',
        );
      }
      nested.set(pyStrip(line.slice(0, separator)), {
        value: pyStrip(line.slice(separator + 1)),
        origin: { file, line: part.line },
      });
    }
  }
  return { value: '', origin, nested };
}
