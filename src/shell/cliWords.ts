import { subcommandNames } from '../fast/subcommands.js';
import { outputFormats } from '../output/formatOutput.js';

/**
 * The words of assume's command line that the shell function (`assume init`) and the
 * completion scripts (`assume completion`) need to know, in one place. test/unit/commands/
 * completion.test.ts checks `mainOptions` against the options src/cli.ts declares, so the two
 * cannot drift apart.
 */

/** What the word after an option is: a profile, a format, a file, or any value (nothing to complete). */
export type OptionValue = 'profile' | 'format' | 'file' | 'text';

/** One option of `assume [options] [profile]`. */
export interface OptionWord {
  /** `--format` */
  readonly long: string;
  /** `-f`, when the option has one. */
  readonly short?: string | undefined;
  /** Set when the option takes a value (the next word, or `--long=value`). */
  readonly value?: OptionValue | undefined;
  /**
   * The shell function runs the binary as it is, without capturing its output: the option
   * prints something other than shell statements (help, version, another format, a list, a
   * URL) or nothing at all (--write-profile).
   */
  readonly passThrough?: boolean | undefined;
  /** One short line for the completion menus of zsh and fish. */
  readonly description: string;
}

/** The options of the main command, in the order of `assume --help`. */
export const mainOptions: readonly OptionWord[] = [
  { long: '--profile', short: '-p', value: 'profile', description: 'the profile (for one named like a command)' },
  { long: '--format', short: '-f', value: 'format', passThrough: true, description: 'output format' },
  { long: '--output', description: "with --format github: set the step's outputs" },
  { long: '--quiet', short: '-q', description: 'nothing on stderr unless something fails' },
  { long: '--region', short: '-r', value: 'text', description: 'region to export and to call STS in' },
  { long: '--role-arn', value: 'text', description: 'assume this role' },
  { long: '--external-id', value: 'text', description: 'ExternalId for the last role' },
  { long: '--session-name', value: 'text', description: 'RoleSessionName for the last role' },
  { long: '--duration', short: '-d', value: 'text', description: 'session length: seconds, or 15m, 1h' },
  { long: '--token-code', value: 'text', description: 'MFA code' },
  { long: '--tag', value: 'text', description: 'session tag KEY=VALUE (repeatable)' },
  { long: '--transitive-tag', value: 'text', description: 'make a session tag transitive (repeatable)' },
  { long: '--source-identity', value: 'text', description: 'SourceIdentity for the last role' },
  { long: '--policy', value: 'file', description: 'inline session policy: JSON, or a file' },
  { long: '--policy-arn', value: 'text', description: 'managed session policy (repeatable)' },
  { long: '--sso-login', description: "sign in to the profile's SSO session first" },
  { long: '--endpoint-url', value: 'text', description: 'STS endpoint to call' },
  { long: '--console', passThrough: true, description: 'print an AWS console sign-in URL' },
  { long: '--open', description: 'with --console: open the URL in the browser' },
  { long: '--federation-endpoint', value: 'text', description: 'with --console: the federation endpoint' },
  { long: '--write-profile', value: 'text', passThrough: true, description: 'write the credentials to the credentials file' },
  { long: '--unset', description: 'clear the AWS_* variables assume sets' },
  { long: '--list', passThrough: true, description: 'list the profiles' },
  { long: '--timeout', value: 'text', description: 'seconds to wait for STS on each attempt' },
  { long: '--no-cache', description: 'neither read nor write the credential cache' },
  { long: '--refresh', description: 'new credentials even if cached ones are fresh' },
  { long: '--min-remaining', value: 'text', description: 'renew cached credentials with less left' },
  { long: '--debug', description: 'stack traces and diagnostics on stderr' },
  { long: '--no-color', description: 'no colors in messages' },
  { long: '--version', short: '-V', passThrough: true, description: 'print the version' },
  { long: '--help', short: '-h', passThrough: true, description: 'show the help' },
];

/** The formats `--format` takes: those of src/output/formatOutput.ts, and github. */
export const formatWords: readonly string[] = [...outputFormats, 'github'];

/** The subcommands, as the first word, with a line for the menus. `__complete` is for the completion scripts and is not offered. */
export const commandWords: readonly { readonly name: string; readonly description: string }[] = [
  { name: 'ls', description: 'every profile: kind, role, source, region, cached expiry' },
  { name: 'whoami', description: 'who the credentials in the environment are' },
  { name: 'explain', description: 'the chain of roles a profile resolves to' },
  { name: 'doctor', description: 'check the config files' },
  { name: 'console', description: 'an AWS console sign-in URL for a profile' },
  { name: 'init', description: 'a shell function: assume PROFILE then sets the variables' },
  { name: 'completion', description: 'tab completion for a shell' },
  { name: 'cache', description: 'look at or empty the credential cache' },
];

/** The subcommands whose own flags the completion scripts ask `assume __complete flags COMMAND` for. */
export const flagQueryCommands: readonly string[] = ['ls', 'whoami', 'explain', 'doctor'];

/** The subcommands whose first argument is a profile. */
export const profileCommands: readonly string[] = ['explain', 'console'];

/** Every word that, first on the line, names a command: the shell function passes these through. */
export const passThroughCommands: readonly string[] = subcommandNames;

/** The shells `assume init` writes a function for. */
export const initShells = ['bash', 'zsh', 'fish', 'powershell'] as const;
export type InitShell = (typeof initShells)[number];

/** The shells `assume completion` writes a script for. */
export const completionShells = ['bash', 'zsh', 'fish'] as const;
export type CompletionShell = (typeof completionShells)[number];

/** The actions of `assume cache`. */
export const cacheActions: readonly string[] = ['list', 'clear'];

/** Options whose value is the next word, long and short, but those passed through anyway. */
export function valueOptionWords(): string[] {
  return mainOptions.filter((option) => option.value !== undefined && option.passThrough !== true).flatMap((option) => (option.short === undefined ? [option.long] : [option.long, option.short]));
}

/** Short options that take no value (they may lead a cluster such as `-qh`). */
export function shortFlagLetters(): string {
  return mainOptions
    .filter((option) => option.short !== undefined && option.value === undefined && option.passThrough !== true)
    .map((option) => (option.short ?? '').slice(1))
    .join('');
}

/** Letters of short options the shell function passes through (`-h`, `-V`, `-f`). */
export function shortPassThroughLetters(): string {
  return mainOptions
    .filter((option) => option.short !== undefined && option.passThrough === true)
    .map((option) => (option.short ?? '').slice(1))
    .join('');
}

/** Letters of short options that take a value and are not passed through (`-p`, `-r`, `-d`). */
export function shortValueLetters(): string {
  return mainOptions
    .filter((option) => option.short !== undefined && option.value !== undefined && option.passThrough !== true)
    .map((option) => (option.short ?? '').slice(1))
    .join('');
}
