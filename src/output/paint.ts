/**
 * The few styles of the success line, as chalk writes them (SGR codes: the same bytes at
 * every chalk level, pinned against chalk in test/unit/output/paint.test.ts). Chalk itself
 * stays off the cache-hit path, which prints this line (src/fast/successLine.ts): loading it
 * there costs a module and its color detection on every hit.
 */
export interface Paint {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
}

const style =
  (open: number, close: number) =>
  (text: string): string =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const colored: Paint = { bold: style(1, 22), dim: style(2, 22), green: style(32, 39), yellow: style(33, 39) };
const plain: Paint = { bold: (text) => text, dim: (text) => text, green: (text) => text, yellow: (text) => text };

/** The painter for chalk's color `level` (0: no color). */
export function paintAt(level: 0 | 1 | 2 | 3): Paint {
  return level === 0 ? plain : colored;
}
