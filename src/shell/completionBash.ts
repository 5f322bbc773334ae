import { cacheActions, commandWords, completionShells, flagQueryCommands, formatWords, initShells, mainOptions, profileCommands } from './cliWords.js';

/** Options of the main command whose value is of one kind, long and short, as a `case` pattern. */
function valuePattern(kind: 'profile' | 'format' | 'file' | 'text'): string {
  return mainOptions
    .filter((option) => option.value === kind)
    .flatMap((option) => (option.short === undefined ? [option.long] : [option.long, option.short]))
    .join('|');
}

/**
 * The bash completion script `assume completion bash` prints, for `source <(assume completion
 * bash)` in ~/.bashrc. Plain bash (no bash-completion package needed): commands and profiles
 * first, the main options (and `--format`'s formats, `--profile`'s profiles), the shells of
 * `init` and `completion`, `cache list|clear`, the profile of `explain` and `console`, the
 * options of ls, whoami, explain and doctor (asked of `assume __complete flags COMMAND`), and
 * after `--` the command to run. Profiles are read at completion time with `assume __complete
 * profiles`, from $ASSUME_BIN when set, as the shell function does.
 */
export function formatBashCompletion(): string {
  const longOptions = mainOptions.map((option) => option.long).join(' ');
  return `# assume: tab completion for bash. Load it with, in ~/.bashrc:
#   source <(assume completion bash)
_assume_words() {
  command "\${ASSUME_BIN:-assume}" __complete "$@" 2>/dev/null
}
_assume_reply() {
  local cur=$1 word=
  COMPREPLY=()
  while IFS= read -r word; do
    case $word in
      "$cur"*) COMPREPLY+=("$word") ;;
    esac
  done
}
_assume_completion() {
  local cur=\${COMP_WORDS[COMP_CWORD]-} prev= first=\${COMP_WORDS[1]-} i=1
  COMPREPLY=()
  if [ "$COMP_CWORD" -gt 0 ]; then prev=\${COMP_WORDS[COMP_CWORD-1]-}; fi
  while [ "$i" -lt "$COMP_CWORD" ]; do
    if [ "\${COMP_WORDS[i]-}" = -- ]; then
      if [ "$i" -eq $((COMP_CWORD - 1)) ]; then
        mapfile -t COMPREPLY < <(compgen -c -- "$cur")
      else
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      fi
      return 0
    fi
    i=$((i + 1))
  done
  if [ "$COMP_CWORD" -eq 1 ]; then
    case $cur in
      -*) _assume_reply "$cur" < <(printf '%s\\n' ${longOptions}) ;;
      *) _assume_reply "$cur" < <(printf '%s\\n' ${commandWords.map((command) => command.name).join(' ')}; _assume_words profiles) ;;
    esac
    return 0
  fi
  case $first in
    init)
      if [ "$COMP_CWORD" -eq 2 ]; then _assume_reply "$cur" < <(printf '%s\\n' ${initShells.join(' ')}); fi
      return 0 ;;
    completion)
      if [ "$COMP_CWORD" -eq 2 ]; then _assume_reply "$cur" < <(printf '%s\\n' ${completionShells.join(' ')}); fi
      return 0 ;;
    cache)
      if [ "$COMP_CWORD" -eq 2 ]; then
        _assume_reply "$cur" < <(printf '%s\\n' ${cacheActions.join(' ')})
      elif [ "$COMP_CWORD" -eq 3 ] && [ "\${COMP_WORDS[2]-}" = clear ]; then
        _assume_reply "$cur" < <(_assume_words profiles)
      elif [ "\${COMP_WORDS[2]-}" = list ]; then
        _assume_reply "$cur" < <(printf '%s\\n' --json)
      fi
      return 0 ;;
    ${flagQueryCommands.filter((command) => !profileCommands.includes(command)).join('|')})
      case $cur in
        -*) _assume_reply "$cur" < <(_assume_words flags "$first") ;;
      esac
      return 0 ;;
    ${profileCommands.filter((command) => flagQueryCommands.includes(command)).join('|')})
      case $cur in
        -*) _assume_reply "$cur" < <(_assume_words flags "$first") ;;
        *) _assume_reply "$cur" < <(_assume_words profiles) ;;
      esac
      return 0 ;;
  esac
  case $prev in
    ${valuePattern('format')}) _assume_reply "$cur" < <(printf '%s\\n' ${formatWords.join(' ')}); return 0 ;;
    ${valuePattern('profile')}) _assume_reply "$cur" < <(_assume_words profiles); return 0 ;;
    ${valuePattern('file')}) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); return 0 ;;
    ${valuePattern('text')}) return 0 ;;
  esac
  case $cur in
    -*) _assume_reply "$cur" < <(printf '%s\\n' ${longOptions}) ;;
    *) _assume_reply "$cur" < <(_assume_words profiles) ;;
  esac
  return 0
}
complete -F _assume_completion assume
`;
}
