/**
 * Splits a command line into words as Python's `shlex.split(text)` does (POSIX mode, no
 * comments), which is how the AWS CLI splits `credential_process` and section headers.
 *
 * - Words are separated by runs of space, tab, CR or LF.
 * - `'...'` keeps everything literally; `"..."` keeps everything but a backslash before `"`
 *   or `\\`, which escapes it (a backslash before any other character is kept).
 * - Outside quotes a backslash escapes the next character.
 * - Quotes join with adjacent text into one word: `a"b c"d` is the word `ab cd`, and `""`
 *   is an empty word.
 *
 * Pure; never runs a shell, so `;`, `|`, `$(...)` and the like are plain characters.
 *
 * @returns the words, or `undefined` where Python raises ValueError: an unclosed quote, or
 *   a backslash at the very end
 */
export function shlexSplit(text: string): string[] | undefined {
  const tokens: string[] = [];
  // Pieces of the word being read, joined once at its end: appending a character at a time
  // to a string made a 1 MiB section header cost ~400 ms.
  let pieces: string[] = [];
  let inToken = false;
  let i = 0;
  const endWord = (): void => {
    if (inToken) tokens.push(pieces.join(''));
    pieces = [];
    inToken = false;
  };
  while (i < text.length) {
    const char = text.charAt(i);
    if (WHITESPACE.includes(char)) {
      endWord();
      i += 1;
    } else if (char === "'") {
      // Single quotes keep everything literally, up to the next single quote.
      const close = text.indexOf("'", i + 1);
      if (close === -1) return undefined;
      pieces.push(text.slice(i + 1, close));
      inToken = true;
      i = close + 1;
    } else if (char === '"') {
      const close = readDoubleQuoted(text, i + 1, pieces);
      if (close === undefined) return undefined;
      inToken = true;
      i = close + 1;
    } else if (char === '\\') {
      // Outside quotes a backslash escapes the next character.
      if (i + 1 >= text.length) return undefined;
      pieces.push(text.charAt(i + 1));
      inToken = true;
      i += 2;
    } else {
      const end = indexOfAny(text, PLAIN_END, i);
      pieces.push(text.slice(i, end));
      inToken = true;
      i = end;
    }
  }
  endWord();
  return tokens;
}

const WHITESPACE = ' \t\r\n';
/** What ends a run of plain characters outside quotes. */
const PLAIN_END = ` \t\r\n'"\\`;
/** What ends a run of plain characters inside double quotes. */
const DOUBLE_QUOTED_END = '"\\';

/** The index of the first character of `stops` at or after `from`, or the text's length. */
function indexOfAny(text: string, stops: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    if (stops.includes(text.charAt(i))) return i;
  }
  return text.length;
}

/**
 * Reads a double-quoted part from `from` (just after the opening quote) into `pieces`: a
 * backslash escapes only `"` and `\\` (before anything else it is kept). Returns the index of
 * the closing quote, or undefined when there is none or the text ends after a backslash.
 */
function readDoubleQuoted(text: string, from: number, pieces: string[]): number | undefined {
  let i = from;
  for (;;) {
    const end = indexOfAny(text, DOUBLE_QUOTED_END, i);
    if (end >= text.length) return undefined;
    pieces.push(text.slice(i, end));
    if (text.charAt(end) === '"') return end;
    if (end + 1 >= text.length) return undefined;
    const next = text.charAt(end + 1);
    pieces.push(next === '"' || next === '\\' ? next : `\\${next}`);
    i = end + 2;
  }
}
