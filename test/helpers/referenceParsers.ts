/**
 * Small reference readers for the formats no shell here can run, written from the quoting
 * rules of PowerShell, cmd.exe and env files rather than from the formatters. Each applies the
 * output to an environment (a Map) and throws on anything the rules would not read as
 * intended: a statement that could run a command, expand a variable, or lose a character.
 */

/** A statement that the target would not read as plain data. */
export class ReferenceParseError extends Error {
  override readonly name = 'ReferenceParseError';
}

function lines(output: string): string[] {
  if (!output.endsWith('\n')) throw new ReferenceParseError('the output does not end with a line break');
  return output.slice(0, -1).split('\n');
}

const variableName = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** PowerShell's single-quote characters: ' and the typographic ‘ ’ ‚ ‛ (CharExtensions.IsSingleQuote). */
function isSingleQuote(char: string | undefined): boolean {
  return char !== undefined && char.length === 1 && "'\u2018\u2019\u201a\u201b".includes(char);
}

/**
 * Reads one PowerShell expression of the shape `'text' + [char]0xHHHH + 'text'`: single-quoted
 * strings are verbatim, but a quote character followed by another stands for the second one
 * (the tokenizer's ScanStringLiteral); `[char]0xHHHH` is one UTF-16 unit. The first term must
 * be a string, or `+` would not concatenate strings.
 */
function readPowerShellExpression(text: string): string {
  let value = '';
  let index = 0;
  let first = true;
  for (;;) {
    if (text.startsWith("'", index)) {
      index++;
      for (;;) {
        const char = text.charAt(index);
        if (index >= text.length) throw new ReferenceParseError('unterminated single-quoted string');
        index++;
        if (isSingleQuote(char)) {
          if (!isSingleQuote(text.charAt(index))) break;
          value += text.charAt(index);
          index++;
          continue;
        }
        value += char;
      }
    } else {
      const match = /^\[char\]0x([0-9A-Fa-f]{1,4})/.exec(text.slice(index));
      if (match === null || first) throw new ReferenceParseError(`expected a single-quoted string${first ? '' : ' or [char]0xHHHH'} at ${JSON.stringify(text.slice(index, index + 20))}`);
      value += String.fromCharCode(Number.parseInt(match[1] ?? '', 16));
      index += match[0].length;
    }
    first = false;
    if (index === text.length) return value;
    if (!text.startsWith(' + ', index)) throw new ReferenceParseError(`expected " + " at ${JSON.stringify(text.slice(index, index + 20))}`);
    index += 3;
  }
}

/**
 * Applies PowerShell output to `env`: `Remove-Item Env:NAME -ErrorAction SilentlyContinue;`
 * removes, `$env:NAME = EXPRESSION;` sets. Every line must be printable ASCII (Windows
 * PowerShell decodes a native command's output in the console code page) and end with `;`,
 * so the lines still work when joined with spaces.
 */
export function applyPowerShell(output: string, env: Map<string, string>): void {
  for (const line of lines(output)) {
    if (!/^[\x20-\x7e]*$/.test(line)) throw new ReferenceParseError('a line holds a character outside printable ASCII');
    const remove = /^Remove-Item Env:([^ ]+) -ErrorAction SilentlyContinue;$/.exec(line);
    if (remove !== null && variableName.test(remove[1] ?? '')) {
      env.delete(remove[1] ?? '');
      continue;
    }
    const assign = /^\$env:([A-Za-z_][A-Za-z0-9_]*) = (.*);$/.exec(line);
    if (assign === null) throw new ReferenceParseError(`not a PowerShell statement assume writes: ${JSON.stringify(line.slice(0, 60))}`);
    const value = readPowerShellExpression(assign[2] ?? '');
    // PowerShell removes a variable assigned the empty string.
    if (value === '') env.delete(assign[1] ?? '');
    else env.set(assign[1] ?? '', value);
  }
}

/** Characters cmd.exe takes as operators outside double quotes. */
const cmdOperators = '&|<>^()';

/** cmd.exe refuses a longer command line. */
const cmdMaxLine = 8191;

/**
 * Applies cmd.exe output to `env`, with the parsing phases of cmd: `%` is expanded in phase
 * one whatever the quotes, `!` under delayed expansion; a `"` toggles quoting, and outside
 * quotes `& | < > ^ ( )` are operators. `set NAME=` removes; `set "NAME=value"` takes what is
 * between the first and the last `"`, split at the first `=` (nothing may follow the last
 * quote), and an empty value removes. Only printable ASCII arrives as written (anything else
 * goes through the console code page).
 */
export function applyCmd(output: string, env: Map<string, string>): void {
  for (const line of lines(output)) {
    if (line.length > cmdMaxLine) throw new ReferenceParseError(`a line is longer than ${cmdMaxLine} characters`);
    if (!/^[\x20-\x7e]*$/.test(line)) throw new ReferenceParseError('a line holds a character outside printable ASCII');
    if (line.includes('%')) throw new ReferenceParseError('a line holds %, which cmd expands');
    if (line.includes('!')) throw new ReferenceParseError('a line holds !, which delayed expansion expands');
    let quoted = false;
    for (const char of line) {
      if (char === '"') quoted = !quoted;
      else if (!quoted && cmdOperators.includes(char)) throw new ReferenceParseError(`${char} outside double quotes is an operator`);
    }
    const unset = /^set ([A-Za-z_][A-Za-z0-9_]*)=$/.exec(line);
    if (unset !== null) {
      env.delete(unset[1] ?? '');
      continue;
    }
    if (!line.startsWith('set "') || !line.endsWith('"')) throw new ReferenceParseError(`not a set statement assume writes: ${JSON.stringify(line.slice(0, 60))}`);
    const inner = line.slice('set "'.length, line.lastIndexOf('"'));
    const equals = inner.indexOf('=');
    const name = inner.slice(0, equals);
    if (equals <= 0 || !variableName.test(name)) throw new ReferenceParseError('no variable name before =');
    const value = inner.slice(equals + 1);
    if (value === '') env.delete(name);
    else env.set(name, value);
  }
}

/** What a bare dotenv value may hold and be read as written by every reader (see isPlainValue). */
const dotenvBare = /^[A-Za-z0-9+/=._,:@-]*$/;

/**
 * Applies an env file to `env`: `NAME=value` bare (only plain characters: readers trim
 * spaces, cut at `#`, expand `$`), or `NAME='value'` taken literally (no `'` inside, and no
 * line break, which would end the entry).
 */
export function applyDotenv(output: string, env: Map<string, string>): void {
  for (const line of lines(output)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(line);
    if (match === null) throw new ReferenceParseError(`not a NAME=value line: ${JSON.stringify(line.slice(0, 60))}`);
    const raw = match[2] ?? '';
    if (raw.startsWith("'")) {
      if (raw.length < 2 || !raw.endsWith("'") || raw.slice(1, -1).includes("'") || /[\r]/.test(raw)) throw new ReferenceParseError('a single-quoted value is not closed exactly once');
      env.set(match[1] ?? '', raw.slice(1, -1));
    } else {
      if (!dotenvBare.test(raw)) throw new ReferenceParseError('a bare value holds a character a reader would change');
      env.set(match[1] ?? '', raw);
    }
  }
}
