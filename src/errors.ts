/**
 * The one error type thrown below `main`. Each carries a stable `code`, a message that says
 * what went wrong (naming the profile, file and line where it can), a `hint` that says how
 * to fix it, and the process exit code `main` sets for it.
 */

/** Exit codes, documented in the README. A command run with `--` passes its own code through. */
export const ExitCode = {
  ok: 0,
  /** An unexpected failure inside assume: a bug. */
  internal: 1,
  /** Bad command-line usage: unknown flag, bad flag value, missing argument. */
  usage: 2,
  /** The config or credentials file is unreadable, malformed, or describes something invalid. */
  config: 3,
  /** The profile named does not exist. */
  profileNotFound: 4,
  /** No source credentials, or STS refused them as invalid or expired. */
  credentials: 5,
  /** STS refused the request: access denied, wrong ExternalId or MFA code, duration too long. */
  denied: 6,
  /** STS could not be reached or kept failing: timeout, connection error, throttling, 5xx. */
  unavailable: 7,
  /** The credentials cannot be written safely in the chosen format. */
  output: 8,
  /** The command given after `--` could not be started. */
  execFailed: 127,
  /** Interrupted by SIGINT. */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Every error code assume reports, with the exit code it maps to. */
export const errorExitCodes = {
  INTERNAL: ExitCode.internal,
  USAGE: ExitCode.usage,
  CONFIG_READ: ExitCode.config,
  CONFIG_PARSE: ExitCode.config,
  CONFIG_INVALID: ExitCode.config,
  PROFILE_CYCLE: ExitCode.config,
  PROFILE_RECURSION: ExitCode.config,
  PROFILE_NOT_FOUND: ExitCode.profileNotFound,
  SOURCE_MISSING: ExitCode.credentials,
  SOURCE_PROCESS_FAILED: ExitCode.credentials,
  /** No valid SSO access token: `aws sso login` or `assume --sso-login` is needed. */
  SSO_LOGIN_REQUIRED: ExitCode.credentials,
  /** The web identity token file is missing, empty or unreadable. */
  WEB_IDENTITY_TOKEN_INVALID: ExitCode.credentials,
  /** The instance metadata service, the container credentials endpoint or the SSO portal could not be reached or answered badly. */
  SOURCE_UNAVAILABLE: ExitCode.unavailable,
  CREDENTIALS_INVALID: ExitCode.credentials,
  CREDENTIALS_EXPIRED: ExitCode.credentials,
  MFA_REQUIRED: ExitCode.denied,
  STS_ACCESS_DENIED: ExitCode.denied,
  STS_INVALID_REQUEST: ExitCode.denied,
  STS_THROTTLED: ExitCode.unavailable,
  STS_UNAVAILABLE: ExitCode.unavailable,
  STS_UNREACHABLE: ExitCode.unavailable,
  STS_ERROR: ExitCode.unavailable,
  OUTPUT_UNSAFE: ExitCode.output,
  /** --format github outside GitHub Actions (GITHUB_ENV unset), or its files cannot be written. */
  GITHUB_ENV_UNAVAILABLE: ExitCode.usage,
  CACHE_UNSAFE: ExitCode.config,
  LOCK_TIMEOUT: ExitCode.unavailable,
  EXEC_FAILED: ExitCode.execFailed,
  /** The person at the terminal cancelled a prompt (Ctrl-C or Esc in the profile picker). */
  INTERRUPTED: ExitCode.interrupted,
} as const;
export type ErrorCode = keyof typeof errorExitCodes;

export interface AssumeErrorOptions {
  /** How to fix it, one or two sentences. */
  hint?: string | undefined;
  /** The underlying error (an SDK or system error), kept for `--debug`. */
  cause?: unknown;
}

export class AssumeError extends Error {
  override readonly name = 'AssumeError';
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: AssumeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
  }

  get exitCode(): ExitCode {
    return errorExitCodes[this.code];
  }
}

/** Type guard for AssumeError (works across module copies by checking the shape). */
export function isAssumeError(value: unknown): value is AssumeError {
  return value instanceof AssumeError;
}
