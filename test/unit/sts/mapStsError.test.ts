import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExitCode } from '../../../src/errors.js';
import { mapStsError } from '../../../src/sts/mapStsError.js';

const context = { action: 'sts:AssumeRole', roleArn: 'arn:aws:iam::222222222222:role/Admin', profile: 'admin', endpoint: 'http://127.0.0.1:1', attempts: 3 };

function sdkError(name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

describe('mapStsError', () => {
  const cases: { name: string; error: unknown; code: string; exit: number; message: RegExp }[] = [
    { name: 'AccessDenied, naming role, profile and caller', error: sdkError('AccessDenied', 'User: arn:aws:iam::111111111111:user/me is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::222222222222:role/Admin', 403), code: 'STS_ACCESS_DENIED', exit: ExitCode.denied, message: /access denied assuming arn:aws:iam::222222222222:role\/Admin \(profile "admin"\): User: arn:aws:iam::111111111111:user\/me is not authorized/ },
    { name: 'ExpiredToken', error: sdkError('ExpiredToken', 'The security token included in the request is expired', 400), code: 'CREDENTIALS_EXPIRED', exit: ExitCode.credentials, message: /have expired/ },
    { name: 'InvalidClientTokenId', error: sdkError('InvalidClientTokenId', 'The security token included in the request is invalid.', 403), code: 'CREDENTIALS_INVALID', exit: ExitCode.credentials, message: /refused the source credentials/ },
    { name: 'a signature from a skewed clock', error: sdkError('SignatureDoesNotMatch', 'Signature expired: 20261128T160000Z is now earlier than 20261128T165500Z', 403), code: 'CREDENTIALS_INVALID', exit: ExitCode.credentials, message: /clock is off/ },
    { name: 'ValidationError for role chaining', error: sdkError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.', 400), code: 'STS_INVALID_REQUEST', exit: ExitCode.denied, message: /1 hour session limit/ },
    { name: 'throttling after retries', error: sdkError('Throttling', 'Rate exceeded', 400), code: 'STS_THROTTLED', exit: ExitCode.unavailable, message: /after 3 attempts/ },
    { name: 'a 5xx', error: sdkError('InternalFailure', 'internal', 500), code: 'STS_UNAVAILABLE', exit: ExitCode.unavailable, message: /HTTP 500/ },
    { name: 'a refused connection', error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }), code: 'STS_UNREACHABLE', exit: ExitCode.unavailable, message: /could not reach STS at http:\/\/127\.0\.0\.1:1 .*ECONNREFUSED/ },
    { name: 'a timeout', error: Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' }), code: 'STS_UNREACHABLE', exit: ExitCode.unavailable, message: /no answer before the timeout/ },
  ];
  for (const c of cases) {
    it(`maps ${c.name}`, () => {
      const mapped = mapStsError(c.error, context);
      assert.equal(mapped.code, c.code);
      assert.equal(mapped.exitCode, c.exit);
      assert.match(mapped.message, c.message);
      assert.ok((mapped.hint ?? '').length > 0);
      assert.equal(mapped.cause, c.error);
    });
  }
});
