/**
 * The shapes STS accepts for each AssumeRole parameter, checked before any call so that a
 * typo in a config file is reported with its file and line rather than as an STS error.
 */

/** A role ARN in any partition, with an optional path. */
export const roleArnPattern = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\x21-\x7e]+\/)?[\w+=,.@-]{1,64}$/;
/** RoleSessionName: 2 to 64 characters of [\w+=,.@-]. */
export const sessionNamePattern = /^[\w+=,.@-]{2,64}$/;
/** ExternalId: 2 to 1224 characters of [\w+=,.@:/-]. */
export const externalIdPattern = /^[\w+=,.@:/-]{2,1224}$/;
/** SerialNumber: an MFA device ARN or a hardware serial, 9 to 256 characters. */
export const mfaSerialPattern = /^[\w+=/:,.@-]{9,256}$/;
/** TokenCode: six digits. */
export const tokenCodePattern = /^\d{6}$/;

/** A session tag key: 1 to 128 letters, digits, spaces and _ . : / = + - @ (STS's tagKeyType). */
export const tagKeyPattern = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u;
/** A session tag value: up to 256 of the same characters (STS's tagValueType). */
export const tagValuePattern = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
/** At most 50 session tags per call. */
export const maxSessionTags = 50;
/** SourceIdentity: 2 to 64 characters of [\w+=,.@-]. */
export const sourceIdentityPattern = /^[\w+=,.@-]{2,64}$/;
/** A managed policy ARN, AWS-managed or in an account. */
export const policyArnPattern = /^arn:aws[a-z-]*:iam::(?:\d{12}|aws):policy\/[\x21-\x7e]{1,2000}$/;
/** At most 10 managed session policies per call. */
export const maxPolicyArns = 10;

/** DurationSeconds bounds of sts:AssumeRole. */
export const minDurationSeconds = 900;
export const maxDurationSeconds = 43200;

/**
 * Parses a duration as written on the command line: plain seconds (`3600`), or units
 * (`900s`, `45m`, `1h`, `1h30m`). Returns undefined when it is not one.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (!match || trimmed === '') return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}
