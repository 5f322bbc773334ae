import { AssumeError } from '../errors.js';

/** What was being attempted, so the message can name it. */
export interface StsErrorContext {
  readonly action: string;
  readonly roleArn?: string | undefined;
  readonly profile?: string | undefined;
  readonly endpoint: string;
  readonly attempts: number;
  /** The per-attempt timeout, named when STS did not answer in time. */
  readonly timeoutMs?: number | undefined;
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
const invalidRequestCodes = new Set(['ValidationError', 'MalformedPolicyDocument', 'PackedPolicyTooLarge', 'RegionDisabledException', 'InvalidParameterValue']);

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

/**
 * Turns an error from the AWS SDK's STS client into an AssumeError that says what was
 * refused, why, and how to fix it. AWS's own message is kept (it names the caller and the
 * role); no credential value is ever part of it.
 */
export function mapStsError(error: unknown, context: StsErrorContext): AssumeError {
  if (error instanceof AssumeError) return error;
  const shape = shapeOf(error);
  const awsCode = text(shape.Code) ?? text(shape.name) ?? '';
  const awsMessage = text(shape.message) ?? String(error);
  const status = shape.$metadata?.httpStatusCode;
  const what = context.roleArn === undefined ? context.action : `assuming ${context.roleArn}${context.profile ? ` (profile "${context.profile}")` : ''}`;

  if (awsCode === 'AccessDenied' || awsCode === 'AccessDeniedException') {
    const mfa = /MultiFactorAuthentication/i.test(awsMessage);
    return new AssumeError('STS_ACCESS_DENIED', `access denied ${what}: ${awsMessage}`, {
      cause: error,
      hint: mfa
        ? 'The MFA code was wrong or already used, or mfa_serial is not the device of these credentials; wait for a new code and try again.'
        : "Check that the role's trust policy allows the caller named above, and that external_id and mfa_serial match what the role requires.",
    });
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
      hint: /1 hour session limit|MaxSessionDuration/.test(awsMessage)
        ? 'Lower duration_seconds (or --duration): a role reached through another role is capped at 3600 seconds, and each role has its own maximum.'
        : 'Check the values in the profile against the message above.',
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
