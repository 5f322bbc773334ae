import { Command, CommanderError } from 'commander';
import { AssumeError } from '../errors.js';

/** A subcommand's commander program, and the one way to parse with it. */
export interface SubcommandProgram {
  /** Add the command's own arguments and options to it. */
  readonly program: Command;
  /**
   * Parses the arguments after the command's name. Returns the text of --help or --version
   * (for stdout), or undefined when the command is to run with `program.opts()`/`program.args`.
   *
   * @throws AssumeError `USAGE` for anything commander refuses, with the hint given (default: `Run assume NAME --help.`)
   */
  readonly parse: (argv: readonly string[]) => string | undefined;
}

/**
 * The commander program of `assume NAME`, set up as every subcommand's: its description,
 * help and version printed (not written) so main puts them on stdout, examples after the
 * help, no stray arguments, and `--debug` and `--no-color` accepted (main reads them from
 * argv before the command runs). The command adds its own options to `program` first.
 */
export function subcommandProgram(spec: { readonly name: string; readonly description: string; readonly examples: string; readonly version: string; readonly hint?: string }): SubcommandProgram {
  let printed = '';
  const program = new Command(`assume ${spec.name}`)
    .description(spec.description)
    .addHelpText('after', spec.examples)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({ writeOut: (text) => (printed += text), writeErr: () => undefined, outputError: () => undefined });
  return {
    program,
    parse: (argv) => {
      // Added last, so --help lists the command's own options first.
      program
        .option('--debug', 'print stack traces and diagnostics on stderr')
        .option('--no-color', 'no colors in messages (also: NO_COLOR, or stderr not a terminal)')
        .version(spec.version, '-V, --version')
        .helpOption('-h, --help', 'show this help');
      try {
        program.parse([...argv], { from: 'user' });
        return undefined;
      } catch (error) {
        if (!(error instanceof CommanderError)) throw error;
        if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return printed;
        throw new AssumeError('USAGE', error.message.replace(/^error: /, ''), { hint: spec.hint ?? `Run assume ${spec.name} --help.` });
      }
    },
  };
}
