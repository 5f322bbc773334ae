/**
 * The AWS config and credentials files as written, after parsing: sections with their
 * settings, every value with the file and line it came from. snake_case keys stop at
 * this layer; `resolve/` reads them and speaks camelCase.
 */

/** Where a section or value was written. */
export interface Origin {
  readonly file: string;
  /** 1-based line number. */
  readonly line: number;
}

/**
 * One `key = value` line. In a section's settings map, keys are lower-cased as the AWS CLI's
 * parser (RawConfigParser) does; sub-property keys in `nested` keep their case, as botocore does.
 */
export interface Setting {
  /** The value with surrounding whitespace removed. Empty for a key that opens a nested block. */
  readonly value: string;
  readonly origin: Origin;
  /**
   * Indented sub-properties under a key whose value is empty, as in
   * `[services x]` / `sts =` / `  endpoint_url = ...`. Absent for a plain value.
   */
  readonly nested?: ReadonlyMap<string, Setting> | undefined;
}

/** A section: `[default]`, `[profile NAME]`, `[sso-session NAME]`, `[services NAME]`, or `[NAME]` in credentials. */
export interface Section {
  /** The name after the section keyword: the profile, sso-session or services name. */
  readonly name: string;
  readonly origin: Origin;
  readonly settings: ReadonlyMap<string, Setting>;
}

/**
 * The merged view the AWS CLI builds from both files: a profile's settings from the config
 * file, overridden key by key by the same profile in the credentials file.
 */
export interface AwsConfig {
  readonly profiles: ReadonlyMap<string, Section>;
  readonly ssoSessions: ReadonlyMap<string, Section>;
  readonly services: ReadonlyMap<string, Section>;
  /** The files that were read (a missing file is read as empty and still listed). */
  readonly files: { readonly config: string; readonly credentials: string };
}
