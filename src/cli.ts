import { Command, CommanderError, Option } from 'commander';
import { AssumeError } from './errors.js';
import { isOutputFormat, outputFormats } from './output/formatOutput.js';
import type { OutputFormat } from './output/formatOutput.js';
import { parseDuration } from './resolve/validate.js';
import { isSubcommandName } from './fast/subcommands.js';
import type { SubcommandName } from './fast/subcommands.js';

/** The command line, parsed and typed. */
export interface CliOptions {
  readonly profile?: string | undefined;
  readonly format: OutputFormat | 'github';
  /** With --format github: also set the step's outputs ($GITHUB_OUTPUT). */
  readonly outputs: boolean;
  /** --quiet: nothing on stderr unless something fails. */
  readonly quiet: boolean;
  /** --sso-login: run the device-authorization login for the profile's SSO session first. */
  readonly ssoLogin: boolean;
  readonly region?: string | undefined;
  readonly roleArn?: string | undefined;
  readonly externalId?: string | undefined;
  readonly sessionName?: string | undefined;
  readonly durationSeconds?: number | undefined;
  readonly tokenCode?: string | undefined;
  /** --tag KEY=VALUE, in order. */
  readonly tags: readonly { readonly key: string; readonly value: string }[];
  readonly transitiveTagKeys: readonly string[];
  readonly sourceIdentity?: string | undefined;
  /** --policy: JSON text, or the path of a file that holds it (main reads it). */
  readonly policy?: string | undefined;
  readonly policyArns: readonly string[];
  readonly endpointUrl?: string | undefined;
  readonly timeoutMs: number;
  /** false with --no-cache. */
  readonly cache: boolean;
  readonly refresh: boolean;
  readonly minRemainingMs: number;
  readonly debug: boolean;
  /** false with --no-color. */
  readonly color: boolean;
  /** The command after `--`, when there is one: run with the credentials instead of printing them. */
  readonly command?: readonly string[] | undefined;
  /** `assume console PROFILE` / `--console`: make an AWS console sign-in URL instead of printing credentials. */
  readonly console: boolean;
  /** With console: open the URL in a browser rather than print it. */
  readonly open: boolean;
  /** With console: the federation endpoint (default: ASSUME_FEDERATION_ENDPOINT, else AWS's for the partition). */
  readonly federationEndpoint?: string | undefined;
  /** --write-profile NAME: write the credentials into the shared credentials file under NAME. */
  readonly writeProfile?: string | undefined;
  /** --unset: print what clears the AWS_* variables assume sets, in the chosen format. */
  readonly unset: boolean;
}

/** What parseCli returns: options to run with, or text that was asked for (help, version). */
/** `assume cache list|clear [PROFILE]`. */
export interface CacheCommandOptions {
  readonly action: 'list' | 'clear';
  readonly profile?: string | undefined;
  readonly json: boolean;
}

export type CliParse =
  | { readonly kind: 'run'; readonly options: CliOptions }
  | { readonly kind: 'cache'; readonly options: CacheCommandOptions }
  /** A subcommand that parses its own arguments (src/commands/types.ts): `ls` (also --list), `whoami`, ... */
  | { readonly kind: 'subcommand'; readonly name: Exclude<SubcommandName, 'cache' | 'console'>; readonly argv: readonly string[] }
  | { readonly kind: 'print'; readonly text: string };

interface RawOptions {
  format: string;
  region?: string;
  roleArn?: string;
  externalId?: string;
  sessionName?: string;
  duration?: string;
  tokenCode?: string;
  tag: string[];
  transitiveTag: string[];
  sourceIdentity?: string;
  policy?: string;
  policyArn: string[];
  output?: boolean;
  quiet?: boolean;
  ssoLogin?: boolean;
  endpointUrl?: string;
  timeout: string;
  cache: boolean;
  refresh?: boolean;
  minRemaining: string;
  debug?: boolean;
  color: boolean;
  profile?: string;
  console?: boolean;
  open?: boolean;
  federationEndpoint?: string;
  writeProfile?: string;
  unset?: boolean;
}

const examples = `
Examples:
  eval "$(assume prod-admin)"                 set AWS_* variables in this shell
  assume prod-admin -- aws s3 ls              run one command with the credentials
  assume --format fish prod-admin | source    fish
  assume --role-arn arn:aws:iam::123456789012:role/Deploy --duration 1h
  assume --format github --role-arn arn:aws:iam::123456789012:role/Deploy   (GitHub Actions)
  credential_process = assume --format credential-process prod-admin   (in ~/.aws/config)
  assume                                      pick a profile from a list (at a terminal)
  assume console prod-admin --open            open the AWS console as prod-admin
  assume prod-admin --write-profile tmp       write the credentials to ~/.aws/credentials as [tmp]
  eval "$(assume --unset)"                    clear the AWS_* variables again

Commands (assume COMMAND --help for each):
  ls [--json]                 every profile: kind, role, source, region, cached expiry (also: --list)
  whoami                      who the credentials in the environment are, and for how long
  explain [profile]           the chain of roles a profile resolves to, value by value, with file:line
  doctor                      check the config files, with file:line for every finding
  console [profile]           an AWS console sign-in URL for the profile (also: --console)
  init bash|zsh|fish|powershell   a shell function: \`assume prod\` then sets the variables, no eval
  completion bash|zsh|fish    tab completion of profiles and flags
  cache list|clear            look at or empty the credential cache
`;

/** Commander's way to take a flag more than once. */
function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function usage(message: string, hint = 'Run assume --help for the options.'): AssumeError {
  return new AssumeError('USAGE', message, { hint });
}

/**
 * Parses the command line. Everything after the first `--` is a command to run, taken as
 * it is. Throws AssumeError('USAGE') for anything commander or the checks here refuse.
 */
export function parseCli(argv: readonly string[], version: string): CliParse {
  const [first, ...rest] = argv;
  if (isSubcommandName(first)) {
    if (first === 'cache') return parseCacheCommand(rest, version);
    // `assume console PROFILE [options]` is `assume --console PROFILE [options]`.
    if (first === 'console') return parseCli(['--console', ...rest], version);
    return { kind: 'subcommand', name: first, argv: rest };
  }
  const separator = argv.indexOf('--');
  const own = separator === -1 ? [...argv] : argv.slice(0, separator);
  const command = separator === -1 ? undefined : argv.slice(separator + 1);
  if (own.includes('--list')) {
    if (command !== undefined) throw usage('--list prints the profiles; it runs no command', 'Drop the -- and what follows it.');
    return { kind: 'subcommand', name: 'ls', argv: own.filter((arg) => arg !== '--list') };
  }

  let printed = '';
  const program = new Command('assume')
    .description('Turn a profile in ~/.aws/config into temporary AWS credentials through STS AssumeRole.')
    .usage('[options] [profile] [-- command [args...]]')
    .argument('[profile]', 'the profile to assume (default: $AWS_PROFILE; at a terminal, a picker; else "default")')
    .option('-p, --profile <name>', 'the profile, for one named like a command (ls, init, ...)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...outputFormats, 'github']).default('sh'))
    .option('--output', "with --format github: also set the step's outputs (GITHUB_OUTPUT)")
    .option('-q, --quiet', 'print nothing on stderr unless something fails')
    .option('-r, --region <region>', 'region to export and to call STS in')
    .option('--role-arn <arn>', 'assume this role (after the profile, or from environment credentials)')
    .option('--external-id <id>', 'ExternalId for the last role')
    .option('--session-name <name>', 'RoleSessionName for the last role')
    .option('-d, --duration <duration>', 'session length for the last role: seconds, or 15m, 1h, 1h30m')
    .option('--token-code <code>', 'MFA code for roles with an mfa_serial')
    .option('--tag <key=value>', 'session tag for the last role (repeatable)', collect, [])
    .option('--transitive-tag <key>', 'make a session tag pass on to roles assumed next (repeatable)', collect, [])
    .option('--source-identity <id>', 'SourceIdentity for the last role (kept through the rest of the chain)')
    .option('--policy <json|file>', 'inline session policy for the last role: JSON, or a file holding it')
    .option('--policy-arn <arn>', 'managed session policy for the last role (repeatable)', collect, [])
    .option('--sso-login', "sign in to the profile's SSO session first (device code, on stderr)")
    .option('--endpoint-url <url>', 'STS endpoint to call instead of the regional one')
    .option('--console', 'print an AWS console sign-in URL instead of credentials')
    .option('--open', 'with --console: open the URL in the browser')
    .option('--federation-endpoint <url>', 'with --console: the sign-in federation endpoint (default: $ASSUME_FEDERATION_ENDPOINT, else AWS\'s)')
    .option('--write-profile <name>', 'write the credentials to the shared credentials file as [name], printing nothing on stdout')
    .option('--unset', 'print what clears the AWS_* variables assume sets (eval it)')
    .option('--list', 'list the profiles (as assume ls)')
    .option('--timeout <seconds>', 'seconds to wait for STS on each attempt', '5')
    .option('--no-cache', 'neither read nor write the credential cache')
    .option('--refresh', 'get new credentials even if the cache has fresh ones')
    .option('--min-remaining <duration>', 'renew cached credentials with less than this left', '5m')
    .option('--debug', 'print stack traces and diagnostics on stderr')
    .option('--no-color', 'no colors in messages (also: NO_COLOR, or stderr not a terminal)')
    .version(version, '-V, --version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', examples)
    .allowExcessArguments(false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => (printed += text),
      writeErr: () => undefined,
      outputError: () => undefined,
    });

  try {
    program.parse(own, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return { kind: 'print', text: printed };
      throw usage(error.message.replace(/^error: /, ''));
    }
    throw error;
  }

  const raw = program.opts<RawOptions>();
  if (!isOutputFormat(raw.format) && raw.format !== 'github') throw usage(`unknown format "${raw.format}"`);
  let durationSeconds: number | undefined;
  if (raw.duration !== undefined) {
    durationSeconds = parseDuration(raw.duration);
    if (durationSeconds === undefined) throw usage(`--duration "${raw.duration}" is not a duration`, 'Use seconds (3600) or units: 15m, 1h, 1h30m.');
  }
  const timeoutSeconds = Number(raw.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw usage(`--timeout "${raw.timeout}" is not a positive number of seconds`);
  const minRemainingSeconds = parseDuration(raw.minRemaining);
  if (minRemainingSeconds === undefined) throw usage(`--min-remaining "${raw.minRemaining}" is not a duration`, 'Use seconds (300) or units: 5m, 1h.');
  if (command !== undefined && command.length === 0) throw usage('nothing to run after --', 'Put the command after --, e.g. assume prod -- aws s3 ls.');
  const [positional] = program.args;
  if (positional !== undefined && raw.profile !== undefined) throw usage(`two profiles given: "${positional}" and --profile "${raw.profile}"`, 'Give the profile once.');
  const profile = positional ?? raw.profile;
  const consoleMode = raw.console === true;
  if (raw.open === true && !consoleMode) throw usage('--open goes with --console (or assume console)', 'Run assume console PROFILE --open.');
  if (raw.federationEndpoint !== undefined && !consoleMode) throw usage('--federation-endpoint goes with --console (or assume console)');
  if (consoleMode && command !== undefined) throw usage('--console makes a sign-in URL; it runs no command', 'Drop the -- and what follows it, or drop --console.');
  if (raw.writeProfile !== undefined) {
    if (command !== undefined || consoleMode) throw usage('--write-profile writes the credentials to a file; it goes with neither a command nor --console');
    if (!/^[A-Za-z0-9_.@+=,-]+$/.test(raw.writeProfile)) throw usage(`--write-profile "${raw.writeProfile}" is not a profile name assume writes`, 'Use letters, digits and _ . @ + = , - only.');
  }
  const unset = raw.unset === true;
  if (unset && (profile !== undefined || raw.roleArn !== undefined || command !== undefined || consoleMode || raw.writeProfile !== undefined)) {
    throw usage('--unset clears the variables; it takes no profile, role, command, --console or --write-profile', 'Run eval "$(assume --unset)".');
  }
  if (raw.output === true && raw.format !== 'github') throw usage('--output goes with --format github', 'Add --format github, or drop --output.');
  const tags = raw.tag.map((text) => {
    const equals = text.indexOf('=');
    if (equals <= 0) throw usage(`--tag "${text}" is not KEY=VALUE`, 'Write each tag as --tag Project=apollo (the value may be empty: --tag Team=).');
    return { key: text.slice(0, equals), value: text.slice(equals + 1) };
  });

  return {
    kind: 'run',
    options: {
      profile,
      format: raw.format,
      region: raw.region,
      roleArn: raw.roleArn,
      externalId: raw.externalId,
      sessionName: raw.sessionName,
      durationSeconds,
      tokenCode: raw.tokenCode,
      tags,
      transitiveTagKeys: raw.transitiveTag,
      sourceIdentity: raw.sourceIdentity,
      policy: raw.policy,
      policyArns: raw.policyArn,
      outputs: raw.output === true,
      quiet: raw.quiet === true,
      ssoLogin: raw.ssoLogin === true,
      endpointUrl: raw.endpointUrl,
      timeoutMs: Math.round(timeoutSeconds * 1000),
      cache: raw.cache,
      refresh: raw.refresh === true,
      minRemainingMs: minRemainingSeconds * 1000,
      debug: raw.debug === true,
      color: raw.color,
      command,
      console: consoleMode,
      open: raw.open === true,
      federationEndpoint: raw.federationEndpoint,
      writeProfile: raw.writeProfile,
      unset,
    },
  };
}

/** `assume cache list [--json]` and `assume cache clear [PROFILE]`. */
function parseCacheCommand(argv: readonly string[], version: string): CliParse {
  let printed = '';
  let parsed: CacheCommandOptions | undefined;
  const program = new Command('assume cache')
    .description('Look at or empty the credential cache (never shows secrets).')
    .version(version, '-V, --version')
    .addHelpText(
      'after',
      `
Examples:
  assume cache list                 profile, role and expiry of every cached session
  assume cache list --json          the same, for scripts
  assume cache clear prod-admin     forget the sessions of one profile (the next run calls STS)
  assume cache clear                forget them all
`,
    )
    .exitOverride()
    .configureOutput({ writeOut: (text) => (printed += text), writeErr: () => undefined, outputError: () => undefined });
  program
    .command('list')
    .description('list cached credentials: profile, role, expiry')
    .option('--json', 'as JSON')
    .action((options: { json?: boolean }) => {
      parsed = { action: 'list', json: options.json === true };
    });
  program
    .command('clear')
    .description('remove cached credentials: all of them, or those of one profile')
    .argument('[profile]')
    .action((profile: string | undefined) => {
      parsed = { action: 'clear', profile, json: false };
    });
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return { kind: 'print', text: printed };
      throw usage(error.message.replace(/^error: /, ''), 'Run assume cache --help.');
    }
    throw error;
  }
  if (parsed === undefined) throw usage('assume cache needs list or clear', 'Run assume cache list, or assume cache clear [PROFILE].');
  return { kind: 'cache', options: parsed };
}
