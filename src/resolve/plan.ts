import type { Origin } from '../config/types.js';

/**
 * Where a value in the plan came from: a flag (`--region`), an environment variable
 * (`AWS_REGION`), or a line of a config file. `assume explain` prints it; errors name it.
 */
export type ValueSource =
  | { readonly kind: 'flag'; readonly name: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'file'; readonly origin: Origin; readonly profile?: string | undefined; readonly key: string }
  | { readonly kind: 'default' };

export interface Sourced<T> {
  readonly value: T;
  readonly from: ValueSource;
}

/** The first link of a chain: where the credentials for the first AssumeRole (or the output) come from. */
export type SourceStep =
  | {
      /** aws_access_key_id / aws_secret_access_key written in a profile. */
      readonly kind: 'static';
      readonly profile: string;
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string | undefined;
      readonly origin: Origin;
    }
  | {
      /** `credential_process` in a profile: a program that prints credentials as JSON (Version 1). */
      readonly kind: 'process';
      readonly profile: string;
      readonly command: string;
      readonly origin: Origin;
    }
  | {
      /** AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY in the environment (credential_source = Environment, or --role-arn). */
      readonly kind: 'environment';
      readonly accessKeyId: string;
      readonly secretAccessKey: string;
      readonly sessionToken?: string | undefined;
    };

/** One sts:AssumeRole call. Its source credentials are the previous hop's result, or the plan's source. */
export interface AssumeRoleHop {
  /** The profile whose role_arn this is; undefined for `--role-arn`. */
  readonly profile?: string | undefined;
  readonly roleArn: Sourced<string>;
  /** Absent: assume generates one at call time. */
  readonly roleSessionName?: Sourced<string> | undefined;
  readonly externalId?: Sourced<string> | undefined;
  readonly durationSeconds?: Sourced<number> | undefined;
  readonly mfaSerial?: Sourced<string> | undefined;
  /** A command that prints the MFA code (`mfa_process`), asked instead of the terminal. */
  readonly mfaProcess?: Sourced<string> | undefined;
}

/** How STS is reached for every hop of the plan. */
export interface StsTarget {
  /** The signing region; us-east-1 when no region is known, as the JS SDK's role assumer does. */
  readonly region: string;
  /** A custom endpoint; absent means the SDK's regional endpoint for `region`. */
  readonly endpoint?: Sourced<string> | undefined;
  readonly useFipsEndpoint: boolean;
}

/** The whole request, decided before any network call: pure data, safe to print (minus the source keys). */
export interface Plan {
  /** The profile asked for; undefined for a bare `--role-arn` sourced from the environment. */
  readonly profile?: string | undefined;
  readonly source: SourceStep;
  /** In call order; empty when the profile is static keys only. */
  readonly hops: readonly AssumeRoleHop[];
  /** The region to export, when one is known. */
  readonly region?: Sourced<string> | undefined;
  readonly sts: StsTarget;
  /**
   * The profiles outer assume processes are resolving (ASSUME_PROFILE_CHAIN), plus this one:
   * passed on to a credential_process, so one that calls assume on a profile already being
   * resolved fails fast instead of recursing.
   */
  readonly profileChain: readonly string[];
  /** An MFA code given on the command line, used for the hops that have an mfa_serial. */
  readonly tokenCode?: string | undefined;
}
