import { Argument } from 'commander';
import { subcommandProgram } from '../commands/subcommandProgram.js';
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
  let chosen: S | undefined;
  const hint = `Run assume ${spec.name} SHELL, with SHELL one of ${spec.shells.join(', ')}.`;
  const { program, parse } = subcommandProgram({ name: spec.name, description: spec.description, examples: spec.examples, version, hint });
  program.addArgument(new Argument('<shell>', 'the shell').choices(spec.shells)).action((shell: S) => {
    chosen = shell;
  });
  const help = parse(argv);
  if (help !== undefined) return { kind: 'print', text: help };
  if (chosen === undefined) throw new AssumeError('USAGE', `assume ${spec.name} needs a shell`, { hint });
  return { kind: 'shell', shell: chosen };
}
