import type { Io } from '../main.js';
import type { Env } from '../resolve/resolvePlan.js';
import { formatAnswer } from './formatAnswer.js';
import { parseFastArgv } from './parseFastArgv.js';
import { prepareShortcut } from './prepareShortcut.js';
import { shortcutHit } from './shortcutHit.js';
import { wantsPicker } from './wantsPicker.js';

/** What the fast path takes from the outside world besides argv, env and io: the home folder (may throw, as os.homedir does) and the clock. */
export interface FastContext {
  readonly homeDir: () => string;
  readonly now: () => Date;
}

/**
 * The fast path of a cache hit (src/fastEntry.ts): for a command line parseFastArgv is sure
 * of, tries the resolution shortcut exactly as main does and, on a hit, writes what main
 * would write and returns true. Returns false, having written nothing, on anything else:
 * another command line, a miss, or any error (main then runs and reports it).
 */
export async function answerFromCache(argv: readonly string[], env: Env, io: Io, context: FastContext): Promise<boolean> {
  let answer: { readonly stdout: string; readonly stderr: string };
  try {
    const options = parseFastArgv(argv);
    // No profile named: main opens the picker if a person is at a terminal (it asks; we do not load node:tty).
    if (options === undefined || options.format === 'github' || wantsPicker(options, env, () => true)) return false;
    const prepared = await prepareShortcut(options, undefined, env, context.homeDir());
    const outcome = await shortcutHit(prepared, env, context.now(), options.minRemainingMs);
    if (outcome === undefined) return false;
    answer = formatAnswer({ ...options, format: options.format }, env, io, outcome, context.now());
  } catch {
    return false;
  }
  io.stdout.write(answer.stdout);
  // Main writes an empty success line too; not writing it spares opening stderr, with the same bytes.
  if (answer.stderr !== '') io.stderr.write(answer.stderr);
  return true;
}
