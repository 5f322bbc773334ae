import { AssumeError, ExitCode } from '../errors.js';
import { loadAwsConfig } from '../config/loadAwsConfig.js';
import { resolveConfigPaths } from '../config/paths.js';
import type { RunResult } from '../main.js';
import { flagQueryCommands } from '../shell/cliWords.js';
import type { CommandContext, Subcommand } from './types.js';

/** The subcommands `__complete flags` can ask for their options, each loaded only when asked. */
const flagSources: Readonly<Record<string, () => Promise<{ readonly default: Subcommand }>>> = {
  ls: () => import('./ls.js'),
  whoami: () => import('./whoami.js'),
  explain: () => import('./explain.js'),
  doctor: () => import('./doctor.js'),
};

/**
 * The profile names of the merged config and credentials files (AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE honored), one per line, in the order the files give them; an
 * empty list when a file cannot be read or parsed: completion must never print an error in
 * the middle of a command line.
 */
export async function completeProfiles(context: CommandContext): Promise<string> {
  try {
    const config = await (context.deps.loadConfig ?? loadAwsConfig)(resolveConfigPaths(context.env, context.homeDir));
    // A name with a line break would read as two names; no shell could complete it anyway.
    return [...config.profiles.keys()].filter((name) => !/[\r\n]/.test(name)).map((name) => `${name}\n`).join('');
  } catch {
    return '';
  }
}

/**
 * The long options a subcommand's own `--help` lists, one per line, so the completion scripts
 * follow each command as it is built; nothing when the command has no help to give.
 *
 * @param load loads the command; default: the module of `command` (ls, whoami, explain, doctor)
 */
export async function completeFlags(command: string, context: CommandContext, load = flagSources[command]): Promise<string> {
  const source = load;
  if (source === undefined) return '';
  let help = '';
  try {
    const { default: run } = await source();
    const io = { stdout: { write: (text: string) => (help += text) }, stderr: { write: () => true, isTTY: false } };
    await run(['--help'], { ...context, io, colorLevel: 0 });
  } catch {
    return '';
  }
  const flags = new Set<string>();
  for (const match of help.matchAll(/^ {2}(?:-[A-Za-z], )?(--[A-Za-z0-9][A-Za-z0-9-]*)/gm)) {
    if (match[1] !== undefined) flags.add(match[1]);
  }
  return [...flags].map((flag) => `${flag}\n`).join('');
}

/**
 * `assume __complete profiles` and `assume __complete flags COMMAND`: the words the completion
 * scripts (`assume completion SHELL`) read at completion time. Hidden: not in --help.
 */
const complete: Subcommand = async (argv, context): Promise<RunResult> => {
  const [kind, ...rest] = argv;
  if (kind === 'profiles' && rest.length === 0) {
    context.io.stdout.write(await completeProfiles(context));
    return { exitCode: ExitCode.ok };
  }
  if (kind === 'flags' && rest.length === 1 && rest[0] !== undefined) {
    context.io.stdout.write(await completeFlags(rest[0], context));
    return { exitCode: ExitCode.ok };
  }
  throw new AssumeError('USAGE', 'assume __complete is for the completion scripts: __complete profiles, or __complete flags COMMAND', {
    hint: `Load the completion script of your shell: assume completion --help. COMMAND is one of ${flagQueryCommands.join(', ')}.`,
  });
};
export default complete;
