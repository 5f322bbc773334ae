/**
 * The words that, as the first argument, name a command rather than a profile. A profile
 * with one of these names is reached with `--profile NAME` (or AWS_PROFILE). Kept apart from
 * cli.ts so the fast path can defer them without loading commander.
 */
export const subcommandNames = ['ls', 'whoami', 'explain', 'doctor', 'init', 'completion', 'console', 'cache', '__complete'] as const;

export type SubcommandName = (typeof subcommandNames)[number];

export function isSubcommandName(word: string | undefined): word is SubcommandName {
  return word !== undefined && (subcommandNames as readonly string[]).includes(word);
}
