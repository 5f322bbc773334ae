import { ExitCode } from '../errors.js';
import { completionShells } from '../shell/cliWords.js';
import type { CompletionShell } from '../shell/cliWords.js';
import { formatBashCompletion } from '../shell/completionBash.js';
import { formatFishCompletion } from '../shell/completionFish.js';
import { formatZshCompletion } from '../shell/completionZsh.js';
import { parseShellCommand } from '../shell/parseShellCommand.js';
import type { Subcommand } from './types.js';

const examples = `
Examples:
  source <(assume completion bash)                  in ~/.bashrc
  assume completion zsh > "\${fpath[1]}/_assume"     zsh: once, then start a new shell
  eval "$(assume completion zsh)"                   zsh: or in ~/.zshrc, after compinit
  assume completion fish | source                   in ~/.config/fish/config.fish

Completes commands, options, --format's formats, and profile names, read from the config
files each time (assume __complete profiles). Works with the function of assume init too.
`;

/** The completion script for one shell (see src/shell/). */
export function formatCompletion(shell: CompletionShell): string {
  switch (shell) {
    case 'bash':
      return formatBashCompletion();
    case 'zsh':
      return formatZshCompletion();
    case 'fish':
      return formatFishCompletion();
  }
}

/** `assume completion bash|zsh|fish`: prints the shell's tab-completion script on stdout. */
const completion: Subcommand = (argv, context) =>
  new Promise((resolve) => {
    const parsed = parseShellCommand(
      { name: 'completion', shells: completionShells, description: 'Print a tab-completion script for your shell: profiles (read from the config as you type), commands and options.', examples },
      argv,
      context.version,
    );
    context.io.stdout.write(parsed.kind === 'print' ? parsed.text : formatCompletion(parsed.shell));
    resolve({ exitCode: ExitCode.ok });
  });
export default completion;
