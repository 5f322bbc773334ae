import { AssumeError } from '../errors.js';
import { redactKeyIds } from '../util/redact.js';
import { certificateErrorCode, findNetworkFailure, untrustedCertificate } from '../net/networkFailure.js';

/** What was being attempted, so the message can name it. */
export interface StsErrorContext {
  readonly action: string;
  readonly roleArn?: string | undefined;
  readonly profile?: string | undefined;
  readonly endpoint: string;
  readonly attempts: number;
  /** The per-attempt timeout, named when STS did not answer in time. */
  readonly timeoutMs?: number | undefined;
  /** The call was sts:AssumeRoleWithWebIdentity: token errors are about the OIDC token, not source keys. */
  readonly webIdentity?: boolean | undefined;
  /**
   * Values of the request that must never appear in a message (the web identity token, the
   * session policy text): AWS echoes a member's value in a ValidationError, and these are cut out.
   */
  readonly redact?: readonly (string | undefined)[] | undefined;
  /** The access key id the request was signed with: shown as ****WXYZ where AWS quotes it back. */
  readonly sourceAccessKeyId?: string | undefined;
}

const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);
const invalidCredentialCodes = new Set([
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'MissingAuthenticationToken',
  'IncompleteSignature',
  'InvalidAccessKeyId',
  'AuthFailure',
]);
const throttlingCodes = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);
const invalidRequestCodes = new Set([
  'ValidationError',
  'MalformedPolicyDocument',
  'MalformedPolicyDocumentException',
  'PackedPolicyTooLarge',
  'PackedPolicyTooLargeException',
  'RegionDisabledException',
  'InvalidParameterValue',
]);
/** STS's error codes for a web identity token it will not take (the SDK's exception names too). */
const webIdentityTokenCodes = new Set([
  'InvalidIdentityToken',
  'InvalidIdentityTokenException',
  'IDPRejectedClaim',
  'IDPRejectedClaimException',
  'ExpiredTokenException',
  'ExpiredToken',
]);
const idpUnreachableCodes = new Set(['IDPCommunicationError', 'IDPCommunicationErrorException']);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  Code?: unknown;
  $metadata?: { httpStatusCode?: number };
  $response?: unknown;
  cause?: unknown;
}

function shapeOf(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? error : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The system error code (ECONNREFUSED...) of an error or of any error in its cause chain. */
function systemCode(error: unknown, depth = 0): string | undefined {
  const shape = shapeOf(error);
  const code = text(shape.code);
  if (code !== undefined && networkCodes.has(code)) return code;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const found = systemCode(inner, depth + 1);
      if (found) return found;
    }
  }
  return depth < 5 && shape.cause !== undefined ? systemCode(shape.cause, depth + 1) : undefined;
}

/** `message` with every value of `redact` (at least 4 characters long) cut out. */
function redacted(message: string, redact: StsErrorContext['redact']): string {
  let result = message;
  for (const value of redact ?? []) {
    if (value !== undefined && value.length >= 4) result = result.split(value).join('(not shown)');
  }
  return result;
}

/** Why STS refused a web identity token, and how to fix it. */
function webIdentityTokenError(awsCode: string, awsMessage: string, what: string, error: unknown): AssumeError {
  if (awsCode.startsWith('ExpiredToken')) {
    return new AssumeError('WEB_IDENTITY_TOKEN_INVALID', `the web identity token for ${what} has expired: ${awsMessage}`, {
      cause: error,
      hint: 'Get a fresh token from the identity provider (on EKS the kubelet rewrites the token file; in CI, request a new OIDC token), then run assume again.',
    });
  }
  if (awsCode.startsWith('IDPRejectedClaim')) {
    return new AssumeError('WEB_IDENTITY_TOKEN_INVALID', `the identity provider's token was rejected for ${what}: ${awsMessage}`, {
      cause: error,
      hint: 'The token is not one STS accepts for this role; check its issuer, audience and subject against the OIDC provider and the role.',
    });
  }
  const hint = /OpenIDConnect provider/i.test(awsMessage)
    ? "Create an IAM OIDC identity provider for the token's issuer in the role's account, or use a token from the issuer the account trusts."
    : /audience/i.test(awsMessage)
      ? "Add the token's audience (aud) to the client IDs of the IAM OIDC provider, or request the token for an audience the provider lists (sts.amazonaws.com for GitHub Actions and EKS)."
      : 'The token file does not hold a valid OIDC token from a trusted issuer: check web_identity_token_file (or AWS_WEB_IDENTITY_TOKEN_FILE) and that the file is fresh.';
  return new AssumeError('WEB_IDENTITY_TOKEN_INVALID', `STS refused the web identity token for ${what}: ${awsMessage}`, { cause: error, hint });
}

/** How to fix a request STS rejected as invalid, from its code and message. */
function invalidRequestHint(awsCode: string, awsMessage: string): string {
  if (/1 hour session limit|MaxSessionDuration/.test(awsMessage)) {
    return 'Lower duration_seconds (or --duration): a role reached through another role is capped at 3600 seconds, and each role has its own maximum.';
  }
  if (awsCode.startsWith('MalformedPolicyDocument') || /'policy'/.test(awsMessage)) {
    return 'The session policy (session_policy or --policy) must be a JSON policy document of at most 2048 characters.';
  }
  if (awsCode.startsWith('PackedPolicyTooLarge')) {
    return 'The session tags and session policies are too large together once packed by AWS; pass fewer or shorter tags, or a smaller policy.';
  }
  if (/calling session/.test(awsMessage)) {
    return 'A tag key passed on as transitive by an earlier role in the chain cannot be set again; drop that key from session_tags (or --tag) of this profile.';
  }
  if (/[Tt]ag/.test(awsMessage)) {
    return 'Check session_tags and transitive_session_tags (or --tag, --transitive-tag): at most 50 tags, keys unique ignoring case and 1 to 128 characters, values up to 256, transitive keys among the tags.';
  }
  if (/sourceIdentity/.test(awsMessage)) {
    return 'A source identity (source_identity or --source-identity) is 2 to 64 characters of letters, digits and + = , . @ _ -.';
  }
  if (/policyArns|policy ARN/i.test(awsMessage)) {
    return 'session_policy_arns (or --policy-arn) takes at most 10 managed policy ARNs, like arn:aws:iam::aws:policy/ReadOnlyAccess.';
  }
  return 'Check the values in the profile against the message above.';
}

/** How to fix an AccessDenied, from what it names. */
function accessDeniedHint(awsMessage: string, context: StsErrorContext): string {
  if (/MultiFactorAuthentication/i.test(awsMessage)) {
    return 'The MFA code was wrong or already used, or mfa_serial is not the device of these credentials; wait for a new code and try again.';
  }
  if (/sts:TagSession/.test(awsMessage)) {
    return "The role's trust policy must allow sts:TagSession for the caller to pass session tags; add it there, or drop session_tags (and --tag).";
  }
  if (/sts:SetSourceIdentity/.test(awsMessage)) {
    return "The role's trust policy must allow sts:SetSourceIdentity, also to carry on a source identity set earlier in the chain, which cannot be changed later.";
  }
  if (context.webIdentity === true) {
    return "Check that the role's trust policy names the token's OIDC provider and that its aud and sub conditions match the token (the repository and branch for GitHub Actions, the namespace and service account for EKS).";
  }
  return "Check that the role's trust policy allows the caller named above, and that external_id and mfa_serial match what the role requires.";
}

/** A TLS certificate error that did not come through the client's own check (see stsClient), worded without a CA file. */
function certificateFailure(error: unknown, endpoint: string): ReturnType<typeof findNetworkFailure> {
  const code = certificateErrorCode(error);
  if (code === undefined) return undefined;
  const host = URL.canParse(endpoint) ? new URL(endpoint).hostname : endpoint;
  return untrustedCertificate(host, code, undefined, error);
}

/**
 * Turns an error from the AWS SDK's STS client into an AssumeError that says what was
 * refused, why, and how to fix it. AWS's own message is kept (it names the caller and the
 * role); no credential value is ever part of it. A failure on the way (a NetworkFailure: the
 * proxy unreachable or refusing, a TLS certificate not trusted) is STS_UNREACHABLE with the
 * failure's hint (NO_PROXY, the proxy's credentials, AWS_CA_BUNDLE).
 */
export function mapStsError(error: unknown, context: StsErrorContext): AssumeError {
  if (error instanceof AssumeError) return error;
  const mapped = mapSdkError(error, context);
  // The cause is printed under --debug, stack and all: what it quotes is cleaned as the message is.
  return new AssumeError(mapped.code, mapped.message, { hint: mapped.hint, cause: cleanCause(mapped.cause, context) });
}

/** `cause` itself, or when it quotes something it must not: an error like it, with the values the context redacts cut out and access key ids shown as ****WXYZ, in its message and stack. */
function cleanCause(cause: unknown, context: StsErrorContext): unknown {
  if (!(cause instanceof Error)) return cause;
  const clean = (textValue: string): string => redactKeyIds(redacted(textValue, context.redact), [context.sourceAccessKeyId]);
  if (clean(cause.message) === cause.message && clean(cause.stack ?? '') === (cause.stack ?? '')) return cause;
  const copy = new Error(clean(cause.message));
  copy.name = cause.name;
  copy.stack = clean(cause.stack ?? '');
  return copy;
}

function mapSdkError(error: unknown, context: StsErrorContext): AssumeError {
  const shape = shapeOf(error);
  const awsCode = text(shape.Code) ?? text(shape.name) ?? '';
  const awsMessage = redactKeyIds(redacted(text(shape.message) ?? String(error), context.redact), [context.sourceAccessKeyId]);
  const status = shape.$metadata?.httpStatusCode;
  const what = context.roleArn === undefined ? context.action : `assuming ${context.roleArn}${context.profile ? ` (profile "${context.profile}")` : ''}`;

  // The way out failed (the proxy, or trust in the TLS certificate): STS was never asked.
  const failure = findNetworkFailure(error) ?? certificateFailure(error, context.endpoint);
  if (failure !== undefined) {
    return new AssumeError('STS_UNREACHABLE', `could not reach STS at ${context.endpoint} for ${what}: ${failure.message}`, { cause: error, hint: failure.hint });
  }
  if (context.webIdentity === true && webIdentityTokenCodes.has(awsCode)) {
    return webIdentityTokenError(awsCode, awsMessage, what, error);
  }
  if (idpUnreachableCodes.has(awsCode)) {
    return new AssumeError('STS_UNAVAILABLE', `STS could not reach the identity provider to verify the token for ${what}: ${awsMessage}`, {
      cause: error,
      hint: "The OIDC provider's issuer URL (its /.well-known/openid-configuration and keys) must answer AWS; try again later or check the provider.",
    });
  }
  if (awsCode === 'AccessDenied' || awsCode === 'AccessDeniedException') {
    return new AssumeError('STS_ACCESS_DENIED', `access denied ${what}: ${awsMessage}`, { cause: error, hint: accessDeniedHint(awsMessage, context) });
  }
  if (awsCode === 'ExpiredToken' || awsCode === 'ExpiredTokenException') {
    return new AssumeError('CREDENTIALS_EXPIRED', `the source credentials used for ${what} have expired: ${awsMessage}`, {
      cause: error,
      hint: 'Renew the source credentials (the keys in the source profile or in the environment), then run assume again.',
    });
  }
  if (awsCode === 'SignatureDoesNotMatch' && /expired|earlier than|later than/i.test(awsMessage)) {
    return new AssumeError('CREDENTIALS_INVALID', `STS refused the request for ${what} because this machine's clock is off: ${awsMessage}`, {
      cause: error,
      hint: "Set the system clock right (e.g. enable NTP); AWS refuses requests signed more than 5 minutes from its time.",
    });
  }
  if (invalidCredentialCodes.has(awsCode) || awsCode === 'SignatureDoesNotMatch') {
    return new AssumeError('CREDENTIALS_INVALID', `STS refused the source credentials for ${what}: ${awsMessage}`, {
      cause: error,
      hint: 'The access key does not exist, was deactivated, or does not match its secret; check the source profile or environment variables.',
    });
  }
  if (invalidRequestCodes.has(awsCode)) {
    return new AssumeError('STS_INVALID_REQUEST', `STS rejected the request for ${what}: ${awsMessage}`, {
      cause: error,
      hint: invalidRequestHint(awsCode, awsMessage),
    });
  }
  if (throttlingCodes.has(awsCode)) {
    return new AssumeError('STS_THROTTLED', `STS kept throttling the request for ${what} after ${context.attempts} attempts: ${awsMessage}`, {
      cause: error,
      hint: 'Too many calls at once to STS in this account; wait a little and try again.',
    });
  }
  const network = systemCode(error);
  const timedOut = awsCode === 'TimeoutError' || awsCode === 'RequestTimeout' || /timed? ?out|timeout/i.test(awsMessage);
  if (network !== undefined || timedOut) {
    const reason =
      timedOut || network === 'ETIMEDOUT'
        ? `no answer before the timeout${context.timeoutMs === undefined ? '' : ` of ${context.timeoutMs / 1000} s`} (${context.attempts} attempts)`
        : (network ?? 'connection failed');
    return new AssumeError('STS_UNREACHABLE', `could not reach STS at ${context.endpoint} for ${what}: ${reason}`, {
      cause: error,
      hint: 'Check the network and the endpoint (--endpoint-url, AWS_ENDPOINT_URL_STS, endpoint_url); raise --timeout for a slow link.',
    });
  }
  if (status !== undefined && status >= 500) {
    return new AssumeError('STS_UNAVAILABLE', `STS failed with HTTP ${status} for ${what} after ${context.attempts} attempts: ${awsMessage}`, {
      cause: error,
      hint: 'This is on the STS side; try again in a moment.',
    });
  }
  if (awsCode === '' || /xml|parse|deserializ|char|tag/i.test(awsMessage)) {
    return new AssumeError('STS_ERROR', `STS at ${context.endpoint} gave an answer assume could not read, for ${what}`, {
      cause: error,
      hint: 'Check that the endpoint really is STS; run again with --debug for details.',
    });
  }
  return new AssumeError('STS_ERROR', `STS refused ${what}: ${awsCode}: ${awsMessage}`, {
    cause: error,
    hint: 'Run again with --debug for details.',
  });
}
