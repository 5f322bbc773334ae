import { ExitCode } from '../errors.js';
import { initShells } from '../shell/cliWords.js';
import type { InitShell } from '../shell/cliWords.js';
import { formatFishFunction } from '../shell/initFish.js';
import { formatPosixFunction } from '../shell/initPosix.js';
import { formatPowerShellFunction } from '../shell/initPowerShell.js';
import { parseShellCommand } from '../shell/parseShellCommand.js';
import type { Subcommand } from './types.js';

const examples = `
Examples:
  eval "$(assume init bash)"                              in ~/.bashrc
  eval "$(assume init zsh)"                               in ~/.zshrc
  assume init fish | source                               in ~/.config/fish/config.fish
  Invoke-Expression (assume init powershell | Out-String) in $PROFILE

Then, in that shell:
  assume prod-admin            sets AWS_ACCESS_KEY_ID, ... in this shell, no eval needed
  assume                       the same, for the profile picked from a list
  assume --unset               clears them again
  assume prod-admin -- aws s3 ls, assume ls, assume --help, ...   run as they always do

ASSUME_BIN, when set, names the assume program the function runs (default: assume on the PATH).
`;

/** The shell function for one shell (see src/shell/). */
export function formatInit(shell: InitShell): string {
  switch (shell) {
    case 'bash':
    case 'zsh':
      return formatPosixFunction(shell);
    case 'fish':
      return formatFishFunction();
    case 'powershell':
      return formatPowerShellFunction();
  }
}

/**
 * `assume init bash|zsh|fish|powershell`: prints on stdout the shell function to load from
 * the shell's rc file, after which `assume PROFILE` sets the variables in that shell.
 */
const init: Subcommand = (argv, context) =>
  new Promise((resolve) => {
    const parsed = parseShellCommand(
      {
        name: 'init',
        shells: initShells,
        description: "Print a shell function to load in your shell's rc file: then `assume PROFILE` sets the AWS_* variables in that shell, without eval.",
        examples,
      },
      argv,
      context.version,
    );
    context.io.stdout.write(parsed.kind === 'print' ? parsed.text : formatInit(parsed.shell));
    resolve({ exitCode: ExitCode.ok });
  });
export default init;
