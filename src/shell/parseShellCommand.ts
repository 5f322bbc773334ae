import { Argument, Command, CommanderError } from 'commander';
import { AssumeError } from '../errors.js';

/** What `assume init` and `assume completion` were asked: help (or the version) to print, or a shell. */
export type ShellCommandParse<S extends string> = { readonly kind: 'print'; readonly text: string } | { readonly kind: 'shell'; readonly shell: S };

/** The words of one such command: its name, its shells, what it does, and the examples for --help. */
export interface ShellCommandSpec<S extends string> {
  readonly name: 'init' | 'completion';
  readonly shells: readonly S[];
  readonly description: string;
  readonly examples: string;
}

/**
 * Parses `assume init SHELL` or `assume completion SHELL` with commander: one shell among
 * `spec.shells`, `--help` with examples, `--version`.
 *
 * @throws AssumeError `USAGE` for a missing or unknown shell, or any other argument.
 */
export function parseShellCommand<S extends string>(spec: ShellCommandSpec<S>, argv: readonly string[], version: string): ShellCommandParse<S> {
  let printed = '';
  let chosen: S | undefined;
  const program = new Command(`assume ${spec.name}`)
    .description(spec.description)
    .addArgument(new Argument('<shell>', 'the shell').choices(spec.shells))
    .helpOption('-h, --help', 'show this help')
    .version(version, '-V, --version')
    .addHelpText('after', spec.examples)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: (text) => (printed += text), writeErr: () => undefined, outputError: () => undefined })
    .action((shell: S) => {
      chosen = shell;
    });
  const hint = `Run assume ${spec.name} SHELL, with SHELL one of ${spec.shells.join(', ')}.`;
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return { kind: 'print', text: printed };
      throw new AssumeError('USAGE', error.message.replace(/^error: /, ''), { hint });
    }
    throw error;
  }
  if (chosen === undefined) throw new AssumeError('USAGE', `assume ${spec.name} needs a shell`, { hint });
  return { kind: 'shell', shell: chosen };
}
