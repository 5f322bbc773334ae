import { resolveConfigPaths } from '../config/paths.js';
import { diagnoseConfig } from '../doctor/diagnoseConfig.js';
import { formatFindings } from '../doctor/finding.js';
import { ExitCode } from '../errors.js';
import { subcommandProgram } from './subcommandProgram.js';
import type { Subcommand } from './types.js';

const examples = `
Examples:
  assume doctor                        check ~/.aws/config and ~/.aws/credentials
  AWS_CONFIG_FILE=./config assume doctor   check another config file
  assume doctor || echo "fix the errors above"

Each finding is one line, FILE:LINE: error|warning: message, with a hint below it; then a
summary. Exit code 0 when there is no error (warnings alone are fine), 3 when there is one.
`;

const description = `Check the AWS config and credentials files as a whole: every profile, [sso-session] and
[services] section. Unknown keys, missing or cyclic source profiles, malformed ARNs, durations
out of range, source_profile beside credential_source, incomplete SSO settings, invalid
regions, secrets in the config file, files others can read, and any profile assume would
refuse. Reads the files only: no network, and no secret is ever shown.`;

/** Parses `assume doctor`'s arguments: none but --help (and main's --debug, --no-color). Returns the help text when asked for. */
function parseDoctorArgs(argv: readonly string[], version: string): string | undefined {
  return subcommandProgram({ name: 'doctor', description, examples, version }).parse(argv);
}

/**
 * `assume doctor`: checks the config files (those AWS_CONFIG_FILE and
 * AWS_SHARED_CREDENTIALS_FILE name, else ~/.aws/config and ~/.aws/credentials) and prints
 * the findings on stdout, sorted by file and line, then a summary. Exit code 0 without
 * errors, 3 (a config error) with any.
 */
const doctor: Subcommand = async (argv, context) => {
  const help = parseDoctorArgs(argv, context.version);
  if (help !== undefined) {
    context.io.stdout.write(help);
    return { exitCode: ExitCode.ok };
  }
  const paths = resolveConfigPaths(context.env, context.homeDir);
  const { findings, profileCount } = await diagnoseConfig(paths, context.homeDir);
  context.io.stdout.write(formatFindings(findings, profileCount, context.homeDir));
  return { exitCode: findings.some((item) => item.severity === 'error') ? ExitCode.config : ExitCode.ok };
};

export default doctor;
