import { cacheActions, commandWords, completionShells, flagQueryCommands, formatWords, initShells, mainOptions, passThroughCommands, profileCommands } from './cliWords.js';
import type { OptionWord } from './cliWords.js';

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** One `complete` line for an option of the main command. */
function optionLine(option: OptionWord): string {
  const parts = ['complete -c assume -n __assume_main', `-l ${option.long.slice(2)}`];
  if (option.short !== undefined) parts.push(`-s ${option.short.slice(1)}`);
  if (option.value === 'format') parts.push(`-x -a ${fishQuote(formatWords.join(' '))}`);
  else if (option.value === 'profile') parts.push("-x -a '(__assume_words profiles)'");
  else if (option.value === 'file') parts.push('-r -F');
  else if (option.value === 'text') parts.push('-x');
  parts.push(`-d ${fishQuote(option.description)}`);
  return parts.join(' ');
}

/**
 * The fish completion script `assume completion fish` prints, for `assume completion fish |
 * source` in ~/.config/fish/config.fish (or saved as ~/.config/fish/completions/assume.fish).
 * The same completions as the bash script (see formatBashCompletion), with descriptions.
 */
export function formatFishCompletion(): string {
  const commands = commandWords.map((command) => `complete -c assume -n __assume_first -a ${command.name} -d ${fishQuote(command.description)}`);
  return `# assume: tab completion for fish. Load it with, in ~/.config/fish/config.fish:
#   assume completion fish | source
complete -c assume -e
# The words assume gives at completion time: profiles, or a command's flags.
function __assume_words
    set -l bin assume
    if set -q ASSUME_BIN[1]; and test -n "$ASSUME_BIN[1]"
        set bin $ASSUME_BIN[1]
    end
    command $bin __complete $argv 2>/dev/null
end
# True for the first word after assume.
function __assume_first
    test (count (commandline -opc)) -eq 1
end
# True when the line is the main command (no command first, or console), before any --.
function __assume_main
    set -l words (commandline -opc)
    contains -- -- $words; and return 1
    set -q words[2]; or return 0
    test "$words[2]" = console; and return 0
    not contains -- $words[2] ${passThroughCommands.join(' ')}
end
# True when the word being completed is the first after the command $argv[1].
function __assume_after
    set -l words (commandline -opc)
    test (count $words) -eq 2; and test "$words[2]" = $argv[1]
end
# True when the line starts with one of the commands $argv and the word being completed is an option.
function __assume_flags_of
    set -l words (commandline -opc)
    set -q words[2]; and contains -- $words[2] $argv; and string match -q -- '-*' (commandline -ct)
end
# True for the profile of assume cache clear.
function __assume_cache_clear
    set -l words (commandline -opc)
    test (count $words) -eq 3; and test "$words[2]" = cache; and test "$words[3]" = clear
end
complete -c assume -f
${commands.join('\n')}
complete -c assume -n __assume_first -a '(__assume_words profiles)' -d profile
complete -c assume -n 'not __assume_first; and __assume_main; and not string match -q -- "-*" (commandline -ct)' -a '(__assume_words profiles)' -d profile
${mainOptions.map(optionLine).join('\n')}
complete -c assume -n '__assume_after init' -a ${fishQuote(initShells.join(' '))}
complete -c assume -n '__assume_after completion' -a ${fishQuote(completionShells.join(' '))}
complete -c assume -n '__assume_after cache' -a ${fishQuote(cacheActions.join(' '))}
complete -c assume -n __assume_cache_clear -a '(__assume_words profiles)' -d profile
${profileCommands
  .filter((command) => command !== 'console')
  .map((command) => `complete -c assume -n '__assume_after ${command}' -a '(__assume_words profiles)' -d profile`)
  .join('\n')}
complete -c assume -n '__assume_flags_of ${flagQueryCommands.join(' ')}' -a '(__assume_words flags (commandline -opc)[2])'
`;
}
