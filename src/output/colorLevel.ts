import type { Env } from '../resolve/resolvePlan.js';

/**
 * Chalk's color level for messages on stderr. `--no-color` and NO_COLOR (any value but
 * empty, as no-color.org asks) turn colors off; FORCE_COLOR (0/false off, 1/true/empty 16
 * colors, 2 256 colors, 3 truecolor) forces them; otherwise 16 colors when stderr is a terminal
 * (and TERM is not "dumb"), none when it is not.
 */
export function colorLevel(env: Env, noColorFlag: boolean, stderrIsTerminal: boolean): 0 | 1 | 2 | 3 {
  if (noColorFlag) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const force = env.FORCE_COLOR;
  if (force !== undefined) {
    if (force === '0' || force === 'false') return 0;
    if (force === '2') return 2;
    if (force === '3') return 3;
    return 1;
  }
  if (!stderrIsTerminal || env.TERM === 'dumb') return 0;
  return 1;
}
