import { cacheActions, commandWords, completionShells, flagQueryCommands, formatWords, initShells, mainOptions, profileCommands } from './cliWords.js';

/** `'word:description'`, quoted for zsh, with the colons of the word escaped as _describe wants. */
function described(word: string, description: string): string {
  return `'${word.replace(/:/g, '\\:')}:${description.replace(/'/g, "'\\''")}'`;
}

function valuePattern(kind: 'profile' | 'format' | 'file' | 'text'): string {
  return mainOptions
    .filter((option) => option.value === kind)
    .flatMap((option) => (option.short === undefined ? [option.long] : [option.long, option.short]))
    .join('|');
}

/**
 * The zsh completion script `assume completion zsh` prints: a `#compdef assume` function for a
 * folder of $fpath (`assume completion zsh > "${fpath[1]}/_assume"`), which also works
 * evaluated after compinit (`eval "$(assume completion zsh)"` in ~/.zshrc). The same
 * completions as the bash script (see formatBashCompletion), with descriptions.
 */
export function formatZshCompletion(): string {
  const options = mainOptions.map((option) => described(option.long, option.description)).join(' \\\n    ');
  const commands = commandWords.map((command) => described(command.name, command.description)).join(' \\\n    ');
  return `#compdef assume
# assume: tab completion for zsh. Install it with one of:
#   assume completion zsh > "\${fpath[1]}/_assume"      (then start a new shell)
#   eval "$(assume completion zsh)"                     in ~/.zshrc, after compinit
# The profile names of the config, read now, into the caller's profiles array.
_assume_profiles() {
  profiles=(\${(f)"$(command "\${ASSUME_BIN:-assume}" __complete profiles 2>/dev/null)"})
}
_assume() {
  local cur=\${words[CURRENT]-} prev=\${words[CURRENT-1]-} first=\${words[2]-} i=2
  local -a options commands profiles
  options=(
    ${options}
  )
  commands=(
    ${commands}
  )
  while (( i < CURRENT )); do
    if [[ \${words[i]} == -- ]]; then
      words=("\${(@)words[i+1,-1]}")
      (( CURRENT -= i ))
      _normal
      return
    fi
    (( i++ ))
  done
  if (( CURRENT == 2 )); then
    if [[ $cur == -* ]]; then
      _describe -t options 'option' options
    else
      _describe -t commands 'command' commands
      _assume_profiles
      compadd -a profiles
    fi
    return
  fi
  case $first in
    init)
      (( CURRENT == 3 )) && compadd -- ${initShells.join(' ')}
      return ;;
    completion)
      (( CURRENT == 3 )) && compadd -- ${completionShells.join(' ')}
      return ;;
    cache)
      if (( CURRENT == 3 )); then
        compadd -- ${cacheActions.join(' ')}
      elif (( CURRENT == 4 )) && [[ \${words[3]} == clear ]]; then
        _assume_profiles
        compadd -a profiles
      elif [[ \${words[3]} == list ]]; then
        compadd -- --json
      fi
      return ;;
    ${flagQueryCommands.join('|')})
      if [[ $cur == -* ]]; then
        compadd -- \${(f)"$(command "\${ASSUME_BIN:-assume}" __complete flags "$first" 2>/dev/null)"}
      elif (( CURRENT == 3 )) && [[ " ${profileCommands.join(' ')} " == *" $first "* ]]; then
        _assume_profiles
        compadd -a profiles
      fi
      return ;;
  esac
  case $prev in
    ${valuePattern('format')}) compadd -- ${formatWords.join(' ')}; return ;;
    ${valuePattern('profile')}) _assume_profiles; compadd -a profiles; return ;;
    ${valuePattern('file')}) _files; return ;;
    ${valuePattern('text')}) return ;;
  esac
  if [[ $cur == -* ]]; then
    _describe -t options 'option' options
  else
    _assume_profiles
    compadd -a profiles
  fi
}
if [ "$funcstack[1]" = "_assume" ]; then
  _assume "$@"
else
  compdef _assume assume
fi
`;
}
