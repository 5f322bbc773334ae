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
  const whitespace = ' \t\r\n';
  const tokens: string[] = [];
  let token = '';
  let inToken = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text.charAt(i);
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else token += char;
    } else if (quote === '"') {
      if (char === '"') {
        quote = undefined;
      } else if (char === '\\') {
        i++;
        if (i >= text.length) return undefined;
        const next = text.charAt(i);
        // Inside double quotes a backslash escapes only `"` and `\`.
        token += next === '"' || next === '\\' ? next : `\\${next}`;
      } else {
        token += char;
      }
    } else if (whitespace.includes(char)) {
      if (inToken) tokens.push(token);
      token = '';
      inToken = false;
    } else {
      inToken = true;
      if (char === '"' || char === "'") {
        quote = char;
      } else if (char === '\\') {
        i++;
        if (i >= text.length) return undefined;
        token += text.charAt(i);
      } else {
        token += char;
      }
    }
  }
  if (quote !== undefined) return undefined;
  if (inToken) tokens.push(token);
  return tokens;
}
