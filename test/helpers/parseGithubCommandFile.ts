/**
 * Reads a GITHUB_ENV or GITHUB_OUTPUT file as the runner does (SetEnvFileCommand in
 * actions/runner's FileCommandManager.cs): lines end at LF (on Windows also at CRLF); empty
 * lines are skipped; `NAME=VALUE` when `=` comes before any `<<`; else `NAME<<DELIMITER`,
 * whose value is the text from the next line up to the line break before the first line
 * that is exactly DELIMITER. Later entries win. Throws where the runner fails the step.
 */
export function parseGithubCommandFile(text: string, options: { windows?: boolean } = {}): Map<string, string> {
  const result = new Map<string, string>();
  let index = 0;
  const readLine = (): { line: string; newline: string } | undefined => {
    if (index >= text.length) return undefined;
    const start = index;
    const lf = text.indexOf('\n', index);
    if (lf < 0) {
      index = text.length;
      return { line: text.slice(start), newline: '' };
    }
    index = lf + 1;
    if (options.windows === true && lf > start && text[lf - 1] === '\r') return { line: text.slice(start, lf - 1), newline: '\r\n' };
    return { line: text.slice(start, lf), newline: '\n' };
  };
  for (let next = readLine(); next !== undefined; next = readLine()) {
    const { line } = next;
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      if (equals === 0) throw new Error(`empty name in ${JSON.stringify(line)}`);
      result.set(line.slice(0, equals), line.slice(equals + 1));
    } else if (heredoc >= 0) {
      const name = line.slice(0, heredoc);
      const delimiter = line.slice(heredoc + 2);
      if (name === '' || delimiter === '') throw new Error(`empty name or delimiter in ${JSON.stringify(line)}`);
      const start = index;
      let end = index;
      let valueLine = readLine();
      while (valueLine?.line !== delimiter) {
        if (valueLine === undefined) throw new Error(`Matching delimiter not found '${delimiter}'`);
        if (valueLine.newline === '') throw new Error('a value line without a line break (the runner throws here)');
        end = index - valueLine.newline.length;
        valueLine = readLine();
      }
      result.set(name, end > start ? text.slice(start, end) : '');
    } else {
      throw new Error(`Invalid format '${line}'`);
    }
  }
  return result;
}
