/**
 * The keys a profile, an [sso-session] or a [services] section may hold: those the AWS CLI v2
 * and botocore read (botocore configprovider.py, credentials.py, tokens.py; awscli's
 * clidriver and customizations; the AWS CLI's "configuration and credential file settings"
 * page for the newer ones), those assume reads on top of them, and a few written by other
 * credential tools that share the files. `assume doctor` warns about any other key.
 */

/** Keys the AWS CLI v2 reads in a profile. */
const awsCliProfileKeys = [
  // credentials (credentials.py)
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_security_token',
  'aws_account_id',
  'aws_credential_expiration',
  'credential_process',
  'credential_source',
  'source_profile',
  'role_arn',
  'role_session_name',
  'external_id',
  'mfa_serial',
  'duration_seconds',
  'web_identity_token_file',
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  'sso_registration_scopes',
  // session and client settings (configprovider.py and newer releases)
  'region',
  'output',
  'ca_bundle',
  'data_path',
  'metadata_service_timeout',
  'metadata_service_num_attempts',
  'ec2_metadata_service_endpoint',
  'ec2_metadata_service_endpoint_mode',
  'ec2_metadata_v1_disabled',
  'imds_use_ipv6',
  'use_dualstack_endpoint',
  'use_fips_endpoint',
  'parameter_validation',
  'csm_enabled',
  'csm_host',
  'csm_port',
  'csm_client_id',
  'endpoint_discovery_enabled',
  'retry_mode',
  'max_attempts',
  'defaults_mode',
  'sts_regional_endpoints',
  's3',
  's3_use_arn_region',
  'proxy_ca_bundle',
  'proxy_client_cert',
  'proxy_use_forwarding_for_https',
  'tcp_keepalive',
  'endpoint_url',
  'ignore_configured_endpoint_urls',
  'services',
  'account_id_endpoint_mode',
  'disable_request_compression',
  'request_min_compression_size_bytes',
  'sigv4a_signing_region_set',
  'auth_scheme_preference',
  'request_checksum_calculation',
  'response_checksum_validation',
  'api_versions',
  // the AWS CLI's own settings (clidriver.py, customizations)
  'cli_pager',
  'cli_auto_prompt',
  'cli_binary_format',
  'cli_history',
  'cli_timestamp_format',
  'cli_follow_urlparam',
  'cli_help_output',
] as const;

/** Keys assume reads on top of the AWS CLI's (src/resolve/resolvePlan.ts), shared with aws-vault. */
const assumeProfileKeys = ['mfa_process', 'session_tags', 'transitive_session_tags', 'source_identity', 'session_policy_arns'] as const;

/**
 * Keys other credential tools write into the same files (aws-vault, Granted; saml2aws and
 * okta-aws-cli: x_security_token_expires, x_principal_arn, and assume --write-profile writes
 * x_security_token_expires too): the AWS CLI ignores them, and so does doctor.
 */
const otherToolKeys = ['include_profile', 'parent_profile', 'web_identity_token_process', 'mfa_prompt', 'x_security_token_expires', 'x_principal_arn'] as const;
/** Prefixes of keys other tools write (Granted: granted_sso_start_url, ...; Common Fate). */
export const otherToolPrefixes: readonly string[] = ['granted_', 'common_fate_'];

/** Every key doctor knows in a profile. */
export const knownProfileKeys: ReadonlySet<string> = new Set<string>([...awsCliProfileKeys, ...assumeProfileKeys, ...otherToolKeys]);

/** The keys of an [sso-session NAME] section (botocore tokens.py, the AWS CLI's sso configuration). */
export const knownSsoSessionKeys: ReadonlySet<string> = new Set<string>(['sso_start_url', 'sso_region', 'sso_registration_scopes']);

/** The settings a service takes in a [services NAME] section (the AWS CLI's service-specific endpoints). */
export const knownServiceKeys: ReadonlySet<string> = new Set<string>(['endpoint_url']);

/**
 * The keys that give a profile credentials of its own, or a way to get them; a profile with
 * none holds settings only. (source_profile and credential_source count only beside a
 * role_arn: alone, the AWS CLI ignores them, and doctor says so.)
 */
export const credentialKeys: readonly string[] = [
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'credential_process',
  'role_arn',
  'web_identity_token_file',
  'sso_account_id',
  'sso_role_name',
];

/** The keys whose values are secrets: never shown, and kept in files only the user can read. */
export const secretKeys: readonly string[] = ['aws_secret_access_key', 'aws_session_token', 'aws_security_token'];
