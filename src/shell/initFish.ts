import { mainOptions, passThroughCommands, shortFlagLetters, shortPassThroughLetters, shortValueLetters, valueOptionWords } from './cliWords.js';

/**
 * The fish function `assume init fish` prints, to be loaded with `assume init fish | source`
 * in ~/.config/fish/config.fish. The same rules as the bash and zsh function (see
 * formatPosixFunction): credentials calls run `command assume --format fish ...` with stdout
 * captured, and the captured statements are sourced only when the binary succeeded; all else
 * runs as it is and returns the binary's status. Its variables are local to the function.
 */
export function formatFishFunction(): string {
  const passWords = ['--', ...mainOptions.filter((option) => option.passThrough === true).flatMap((option) => [option.long, ...(option.short === undefined ? [] : [option.short])])];
  const attached = mainOptions.filter((option) => option.passThrough === true && option.value !== undefined).map((option) => `^${option.long}=`);
  const passPattern = [`^-[${shortFlagLetters()}]*[${shortPassThroughLetters()}]`, ...attached].join('|');
  const valuePattern = `^-[${shortFlagLetters()}]*[${shortValueLetters()}]$`;
  return `# assume: shell integration for fish. Load it with, in ~/.config/fish/config.fish:
#   assume init fish | source
# Then \`assume PROFILE\` sets the AWS_* variables in this shell, \`assume --unset\` clears
# them, and everything else runs as the assume command does. ASSUME_BIN, when set, names the
# assume program to run.
function assume --description 'assume: AWS credentials for a profile, set in this shell'
    set -l __assume_bin assume
    if set -q ASSUME_BIN[1]; and test -n "$ASSUME_BIN[1]"
        set __assume_bin $ASSUME_BIN[1]
    end
    set -l __assume_pass no
    set -l __assume_skip no
    set -l __assume_arg
    if set -q argv[1]; and contains -- $argv[1] ${passThroughCommands.join(' ')}
        set __assume_pass yes
    else
        for __assume_arg in $argv
            if test $__assume_skip = yes
                set __assume_skip no
                continue
            end
            if contains -- $__assume_arg ${passWords.join(' ')}
                or string match -qr -- '${passPattern}' $__assume_arg
                set __assume_pass yes
                break
            end
            if contains -- $__assume_arg ${valueOptionWords().join(' ')}
                or string match -qr -- '${valuePattern}' $__assume_arg
                set __assume_skip yes
            end
        end
    end
    if test $__assume_pass = yes
        command $__assume_bin $argv
        return $status
    end
    set -l __assume_out (command $__assume_bin --format fish $argv)
    set -l __assume_status $status
    if test $__assume_status -ne 0
        return $__assume_status
    end
    string join \\n -- $__assume_out | source
    return 0
end
`;
}
