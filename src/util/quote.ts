/** Line breaks as Python's splitlines() and botocore's nested values know them. */
const BREAKS = '\\n\\r\\v\\f\\x1c-\\x1e\\x85\\u2028\\u2029';
const LINE_BREAK = new RegExp(`\\r\\n|[${BREAKS}]`);

/**
 * A value from a config file or the command line, quoted for a message: its first line only
 * (an indented line that continues a value may be another setting, even a secret one), at most
 * `max` characters, control characters escaped as in JSON. `"arn:aws:..."`, or
 * `"arn:aws:..." (and 1 more line, not shown)`.
 */
export function quote(value: string, max = 100): string {
  const [first = '', ...rest] = value.split(LINE_BREAK);
  const cut = first.length > max ? `${first.slice(0, max)}...` : first;
  const more = rest.length === 0 ? '' : ` (and ${rest.length} more line${rest.length === 1 ? '' : 's'}, not shown)`;
  return `${JSON.stringify(cut)}${more}`;
}
