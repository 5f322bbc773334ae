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
    }
  | WebIdentitySource
  | SsoSource
  | InstanceMetadataSource
  | ContainerSource;

/**
 * sts:AssumeRoleWithWebIdentity with an OIDC token read from a file: `web_identity_token_file`
 * with `role_arn` in a profile, or AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
 * (+ AWS_ROLE_SESSION_NAME) in the environment (EKS, GitHub Actions OIDC).
 */
export interface WebIdentitySource {
  readonly kind: 'webIdentity';
  /** The profile with web_identity_token_file; undefined when it comes from the environment. */
  readonly profile?: string | undefined;
  readonly roleArn: Sourced<string>;
  /** The path of the token file; read at call time (it is rotated), never stored in the plan. */
  readonly tokenFile: Sourced<string>;
  /** Absent: assume generates one at call time. */
  readonly roleSessionName?: Sourced<string> | undefined;
  readonly durationSeconds?: Sourced<number> | undefined;
}

/**
 * AWS IAM Identity Center (SSO): sso:GetRoleCredentials with the access token that
 * `aws sso login` (or `assume --sso-login`) cached under ~/.aws/sso/cache.
 */
export interface SsoSource {
  readonly kind: 'sso';
  readonly profile: string;
  /** The [sso-session NAME] the profile names; undefined for the legacy sso_start_url keys in the profile. */
  readonly session?: string | undefined;
  readonly startUrl: Sourced<string>;
  /** The region of the Identity Center instance (sso_region). */
  readonly ssoRegion: Sourced<string>;
  readonly accountId: Sourced<string>;
  readonly roleName: Sourced<string>;
  /** sso_registration_scopes of the session, for --sso-login; default sso:account:access. */
  readonly registrationScopes?: readonly string[] | undefined;
}

/** credential_source = Ec2InstanceMetadata: the instance profile's role, through IMDSv2. */
export interface InstanceMetadataSource {
  readonly kind: 'instanceMetadata';
  readonly profile: string;
  /** AWS_EC2_METADATA_SERVICE_ENDPOINT or ec2_metadata_service_endpoint; absent: http://169.254.169.254. */
  readonly endpoint?: Sourced<string> | undefined;
}

/**
 * credential_source = EcsContainer: the task or pod role, from AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 * (on 169.254.170.2) or AWS_CONTAINER_CREDENTIALS_FULL_URI. The authorization token
 * (AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]) is a secret: read at call time, never in the plan.
 */
export interface ContainerSource {
  readonly kind: 'container';
  readonly profile: string;
  /** The URL credentials are fetched from, relative URIs already made absolute. */
  readonly uri: Sourced<string>;
}

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
  /** Session tags (`session_tags`, `--tag K=V`), in order, keys unique ignoring case. */
  readonly tags?: Sourced<readonly SessionTag[]> | undefined;
  /** Keys of `tags` that pass on to roles assumed from this session (`transitive_session_tags`, `--transitive-tag`). */
  readonly transitiveTagKeys?: Sourced<readonly string[]> | undefined;
  /** `source_identity`, `--source-identity`: kept by AWS through the rest of the chain. */
  readonly sourceIdentity?: Sourced<string> | undefined;
  /** An inline session policy, JSON text (`session_policy`, `--policy`). */
  readonly policy?: Sourced<string> | undefined;
  /** Managed policies that limit the session (`session_policy_arns`, `--policy-arn`). */
  readonly policyArns?: Sourced<readonly string[]> | undefined;
}

/** One session tag. */
export interface SessionTag {
  readonly key: string;
  readonly value: string;
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
