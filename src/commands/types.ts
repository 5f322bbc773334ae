import type { Io, RunDeps, RunResult } from '../main.js';
import type { Env } from '../resolve/resolvePlan.js';

/** What a subcommand (`assume ls`, `assume doctor`, ...) gets from main. */
export interface CommandContext {
  readonly env: Env;
  readonly io: Io;
  readonly homeDir: string;
  readonly now: () => Date;
  /** Chalk's level for messages on stderr: 0 with NO_COLOR, --no-color or no terminal (src/output/colorLevel.ts). */
  readonly colorLevel: 0 | 1 | 2 | 3;
  readonly version: string;
  readonly deps: RunDeps;
}

/**
 * A subcommand: parses its own arguments (those after its name; commander, with its own
 * --help and examples), does its work and writes to context.io. Throws AssumeError for
 * anything wrong; main prints it and picks the exit code.
 */
export type Subcommand = (argv: readonly string[], context: CommandContext) => Promise<RunResult>;
