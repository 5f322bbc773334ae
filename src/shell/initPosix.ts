import { mainOptions, passThroughCommands, shortFlagLetters, shortPassThroughLetters, shortValueLetters, valueOptionWords } from './cliWords.js';

/** The words, first or anywhere before `--`, that make the function run the binary as it is. */
function passThroughPatterns(): string {
  const words = ['--', ...mainOptions.filter((option) => option.passThrough === true).flatMap((option) => [option.long, ...(option.short === undefined ? [] : [option.short])])];
  const attached = mainOptions.filter((option) => option.passThrough === true && option.value !== undefined).map((option) => `${option.long}=*`);
  return [...words, ...attached].join('|');
}

/**
 * The shell function for bash and zsh that `assume init bash|zsh` prints, to be loaded with
 * `eval "$(assume init bash)"` in ~/.bashrc (or ~/.zshrc).
 *
 * `assume PROFILE [options]`, `assume --unset` and the bare `assume` (the picker draws on
 * /dev/tty) run the real binary with `--format sh`, capture its stdout only (messages and
 * prompts stay on the terminal) and evaluate it in the current shell; when the binary fails,
 * its status is returned and nothing is evaluated, so a failure never half-sets the
 * variables. Everything else runs the binary as it is, on the terminal, and returns its
 * status: a command first (ls, whoami, init, ...), and, before `--`, `--`, help, version, any
 * `--format`, `--list`, `--console` and `--write-profile`. Values of options that take one
 * are skipped (`--session-name --help` names a session), and short clusters are read as
 * commander reads them (`-qh` asks for help, `-rh` gives the region "h").
 *
 * The binary is `command assume` (never the function itself), or $ASSUME_BIN when set.
 * Works under `set -eu` and zsh's `setopt nounset`; its variables are local.
 */
export function formatPosixFunction(shell: 'bash' | 'zsh'): string {
  const flagLetters = shortFlagLetters();
  const passLetters = shortPassThroughLetters();
  const valueLetters = shortValueLetters();
  return `# assume: shell integration for ${shell}. Load it with, in ~/.${shell}rc:
#   eval "$(assume init ${shell})"
# Then \`assume PROFILE\` sets the AWS_* variables in this shell, \`assume --unset\` clears
# them, and everything else runs as the assume command does. ASSUME_BIN, when set, names the
# assume program to run.
function assume {
  local __assume_mode=eval __assume_skip=no __assume_arg= __assume_rest= __assume_out=
  case \${1-} in
    ${passThroughCommands.join('|')})
      __assume_mode=pass ;;
    *)
      for __assume_arg in "$@"; do
        if [ "$__assume_skip" = yes ]; then
          __assume_skip=no
          continue
        fi
        case $__assume_arg in
          ${passThroughPatterns()})
            __assume_mode=pass
            break ;;
          ${valueOptionWords().join('|')})
            __assume_skip=yes ;;
          --*) ;;
          -?*)
            __assume_rest=\${__assume_arg#-}
            while :; do
              case $__assume_rest in
                [${flagLetters}]*) __assume_rest=\${__assume_rest#?} ;;
                *) break ;;
              esac
            done
            case $__assume_rest in
              [${passLetters}]*)
                __assume_mode=pass
                break ;;
              [${valueLetters}])
                __assume_skip=yes ;;
            esac ;;
        esac
      done ;;
  esac
  if [ "$__assume_mode" = pass ]; then
    command "\${ASSUME_BIN:-assume}" "$@"
    return
  fi
  __assume_out=$(command "\${ASSUME_BIN:-assume}" --format sh "$@") || return
  eval "$__assume_out"
}
`;
}
