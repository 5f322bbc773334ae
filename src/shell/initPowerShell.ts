import { mainOptions, passThroughCommands, shortFlagLetters, shortPassThroughLetters, shortValueLetters, valueOptionWords } from './cliWords.js';

/** A PowerShell array literal of single-quoted words (none of ours holds a quote). */
function psArray(words: readonly string[]): string {
  return `@(${words.map((word) => `'${word}'`).join(', ')})`;
}

/**
 * The PowerShell function `assume init powershell` prints, to be loaded with
 * `Invoke-Expression (assume init powershell | Out-String)` in $PROFILE. The same rules as
 * the bash and zsh function (see formatPosixFunction), with `--format powershell`; the
 * binary is $env:ASSUME_BIN, or the `assume` application PowerShell finds on the PATH (never
 * the function itself). Its status is in $LASTEXITCODE, as for any native command.
 *
 * PowerShell takes the first `--` given to a function for itself, so `assume prod -- cmd`
 * must be written with the separator quoted: `assume prod '--' cmd`.
 */
export function formatPowerShellFunction(): string {
  const passWords = ['--', ...mainOptions.filter((option) => option.passThrough === true).flatMap((option) => [option.long, ...(option.short === undefined ? [] : [option.short])])];
  const attached = mainOptions.filter((option) => option.passThrough === true && option.value !== undefined).map((option) => `^${option.long}=`);
  const passPattern = [`^-[${shortFlagLetters()}]*[${shortPassThroughLetters()}]`, ...attached].join('|');
  const valuePattern = `^-[${shortFlagLetters()}]*[${shortValueLetters()}]$`;
  return `# assume: shell integration for PowerShell. Load it with, in $PROFILE:
#   Invoke-Expression (assume init powershell | Out-String)
# Then \`assume PROFILE\` sets the AWS_* variables in this session, \`assume --unset\` clears
# them, and everything else runs as the assume command does. Write the separator of
# \`assume PROFILE -- COMMAND\` quoted ('--'): PowerShell keeps a bare -- for itself.
# $env:ASSUME_BIN, when set, names the assume program to run.
function assume {
  $assumeBin = $env:ASSUME_BIN
  if (-not $assumeBin) {
    $assumeBin = (Get-Command -Name 'assume' -CommandType Application -ErrorAction Stop | Select-Object -First 1).Source
  }
  $assumePass = $false
  if ($args.Count -gt 0 -and ${psArray(passThroughCommands)} -ccontains [string]$args[0]) {
    $assumePass = $true
  } else {
    $assumeSkip = $false
    foreach ($assumeArg in $args) {
      $assumeWord = [string]$assumeArg
      if ($assumeSkip) { $assumeSkip = $false; continue }
      if (${psArray(passWords)} -ccontains $assumeWord -or $assumeWord -cmatch '${passPattern}') {
        $assumePass = $true
        break
      }
      if (${psArray(valueOptionWords())} -ccontains $assumeWord -or $assumeWord -cmatch '${valuePattern}') {
        $assumeSkip = $true
      }
    }
  }
  if ($assumePass) {
    & $assumeBin @args
    return
  }
  $assumeOut = & $assumeBin --format powershell @args
  if ($LASTEXITCODE -ne 0) { return }
  if ($null -ne $assumeOut) { Invoke-Expression ($assumeOut -join "\`n") }
}
`;
}
