import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExitCode } from '../../../src/errors.js';
import { NetworkFailure, proxyRefused, proxyUnreachable, untrustedCertificate } from '../../../src/net/networkFailure.js';
import { resolveProxy } from '../../../src/net/resolveProxy.js';
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

/** An SDK service error as the Query protocol gives it: the wire code in Code, the exception class in name. */
function queryError(code: string, name: string, message: string, status: number): Error {
  return Object.assign(new Error(message), { name, Code: code, $metadata: { httpStatusCode: status } });
}

describe('mapStsError for session parameters and web identity', () => {
  const webContext = { action: 'sts:AssumeRoleWithWebIdentity', webIdentity: true, roleArn: 'arn:aws:iam::222222222222:role/ci', profile: 'ci', endpoint: 'http://127.0.0.1:1', attempts: 1 };
  const cases: { name: string; error: unknown; web?: boolean; code: string; exit: number; message: RegExp; hint: RegExp }[] = [
    {
      name: 'InvalidIdentityToken for an unknown issuer',
      error: queryError('InvalidIdentityToken', 'InvalidIdentityTokenException', 'No OpenIDConnect provider found in your account for https://issuer.example.com', 400),
      web: true,
      code: 'WEB_IDENTITY_TOKEN_INVALID',
      exit: ExitCode.credentials,
      message: /^STS refused the web identity token for assuming arn:aws:iam::222222222222:role\/ci \(profile "ci"\): No OpenIDConnect provider/,
      hint: /IAM OIDC identity provider/,
    },
    {
      name: 'InvalidIdentityToken for a wrong audience',
      error: queryError('InvalidIdentityToken', 'InvalidIdentityTokenException', 'Incorrect token audience', 400),
      web: true,
      code: 'WEB_IDENTITY_TOKEN_INVALID',
      exit: ExitCode.credentials,
      message: /Incorrect token audience$/,
      hint: /client IDs/,
    },
    {
      name: 'InvalidIdentityToken for a bad signature',
      error: queryError('InvalidIdentityToken', 'InvalidIdentityTokenException', 'The web identity token provided could not be validated.', 400),
      web: true,
      code: 'WEB_IDENTITY_TOKEN_INVALID',
      exit: ExitCode.credentials,
      message: /could not be validated/,
      hint: /web_identity_token_file/,
    },
    {
      name: 'ExpiredTokenException of a web identity token (not the source credentials)',
      error: queryError('ExpiredTokenException', 'ExpiredTokenException', 'Token expired: current date/time 2 must be before the expiration date/time 1', 400),
      web: true,
      code: 'WEB_IDENTITY_TOKEN_INVALID',
      exit: ExitCode.credentials,
      message: /^the web identity token for assuming .* has expired: Token expired/,
      hint: /fresh token/,
    },
    {
      name: 'IDPRejectedClaim',
      error: queryError('IDPRejectedClaim', 'IDPRejectedClaimException', 'Token rejected', 403),
      web: true,
      code: 'WEB_IDENTITY_TOKEN_INVALID',
      exit: ExitCode.credentials,
      message: /identity provider's token was rejected/,
      hint: /issuer, audience and subject/,
    },
    {
      name: 'IDPCommunicationError',
      error: queryError('IDPCommunicationError', 'IDPCommunicationErrorException', 'Couldn\'t retrieve verification key from your identity provider', 400),
      web: true,
      code: 'STS_UNAVAILABLE',
      exit: ExitCode.unavailable,
      message: /could not reach the identity provider/,
      hint: /issuer URL/,
    },
    {
      name: 'AccessDenied of a web identity trust',
      error: queryError('AccessDenied', 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity', 403),
      web: true,
      code: 'STS_ACCESS_DENIED',
      exit: ExitCode.denied,
      message: /^access denied assuming arn:aws:iam::222222222222:role\/ci \(profile "ci"\): Not authorized/,
      hint: /aud and sub conditions/,
    },
    {
      name: 'AccessDenied for sts:TagSession',
      error: queryError('AccessDenied', 'AccessDenied', 'User: arn:aws:iam::111111111111:user/me is not authorized to perform: sts:TagSession on resource: arn:aws:iam::222222222222:role/Admin', 403),
      code: 'STS_ACCESS_DENIED',
      exit: ExitCode.denied,
      message: /sts:TagSession/,
      hint: /must allow sts:TagSession/,
    },
    {
      name: 'AccessDenied for sts:SetSourceIdentity',
      error: queryError('AccessDenied', 'AccessDenied', 'User: arn:aws:iam::111111111111:user/me is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::222222222222:role/Admin', 403),
      code: 'STS_ACCESS_DENIED',
      exit: ExitCode.denied,
      message: /sts:SetSourceIdentity/,
      hint: /must allow sts:SetSourceIdentity/,
    },
    {
      name: 'MalformedPolicyDocument',
      error: queryError('MalformedPolicyDocument', 'MalformedPolicyDocumentException', 'The policy is not in the valid JSON format.', 400),
      code: 'STS_INVALID_REQUEST',
      exit: ExitCode.denied,
      message: /^STS rejected the request for assuming .*: The policy is not in the valid JSON format\.$/,
      hint: /session policy/,
    },
    {
      name: 'MalformedPolicyDocumentException known only by its class name',
      error: sdkError('MalformedPolicyDocumentException', 'The policy is not in the valid JSON format.', 400),
      code: 'STS_INVALID_REQUEST',
      exit: ExitCode.denied,
      message: /valid JSON/,
      hint: /session policy/,
    },
    {
      name: 'PackedPolicyTooLarge',
      error: queryError('PackedPolicyTooLarge', 'PackedPolicyTooLargeException', 'Packed policy consumes 112% of allotted space', 400),
      code: 'STS_INVALID_REQUEST',
      exit: ExitCode.denied,
      message: /112%/,
      hint: /fewer or shorter tags/,
    },
    {
      name: 'InvalidParameterValue for duplicate tag keys',
      error: queryError('InvalidParameterValue', 'InvalidParameterValue', 'Duplicate tag keys found. Please note that Tag keys are case insensitive.', 400),
      code: 'STS_INVALID_REQUEST',
      exit: ExitCode.denied,
      message: /Duplicate tag keys/,
      hint: /session_tags/,
    },
    {
      name: 'InvalidParameterValue for a tag that an earlier hop made transitive',
      error: queryError('InvalidParameterValue', 'InvalidParameterValue', "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.", 400),
      code: 'STS_INVALID_REQUEST',
      exit: ExitCode.denied,
      message: /conflicts with a transitive tag key/,
      hint: /earlier role in the chain/,
    },
    {
      name: 'a ValidationError of the source identity',
      error: queryError('ValidationError', 'ValidationError', "1 validation error detected: Value 'a' at 'sourceIdentity' failed to satisfy constraint: Member must have length greater than or equal to 2", 400),
      code: 'STS_INVALID_REQUEST',
      exit: ExitCode.denied,
      message: /sourceIdentity/,
      hint: /source_identity/,
    },
  ];
  for (const c of cases) {
    it(`maps ${c.name}`, () => {
      const mapped = mapStsError(c.error, c.web === true ? webContext : context);
      assert.equal(mapped.code, c.code);
      assert.equal(mapped.exitCode, c.exit);
      assert.match(mapped.message, c.message);
      assert.match(mapped.hint ?? '', c.hint);
      assert.equal(mapped.cause, c.error);
    });
  }

  it('keeps ExpiredTokenException about the source credentials outside web identity', () => {
    const mapped = mapStsError(queryError('ExpiredToken', 'ExpiredTokenException', 'The security token included in the request is expired', 400), context);
    assert.equal(mapped.code, 'CREDENTIALS_EXPIRED');
  });

  it('cuts the session policy and the token out of a message that echoes them', () => {
    const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::secret-bucket"}]}';
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
    const error = queryError('ValidationError', 'ValidationError', `2 validation errors detected: Value '${policy}' at 'policy' failed to satisfy constraint: x; Value '${token}' at 'webIdentityToken' failed`, 400);
    const mapped = mapStsError(error, { ...webContext, redact: [token, policy, undefined] });
    assert.equal(mapped.code, 'STS_INVALID_REQUEST');
    assert.ok(!mapped.message.includes(policy) && !mapped.message.includes('secret-bucket'));
    assert.ok(!mapped.message.includes(token));
    assert.match(mapped.message, /Value '\(not shown\)' at 'policy'.*Value '\(not shown\)' at 'webIdentityToken'/);
    assert.match(mapped.hint ?? '', /session policy/);
  });
});

describe('mapStsError for the proxy and TLS trust', () => {
  const proxy = resolveProxy(new URL('https://sts.eu-west-1.amazonaws.com'), { httpsProxy: 'http://alice:pr0xy-pass@proxy.corp:3128' });
  assert.ok(proxy);
  const where = { ...context, endpoint: 'https://sts.eu-west-1.amazonaws.com' };

  it('reports a proxy that cannot be reached as STS_UNREACHABLE, naming it without its password and suggesting NO_PROXY', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:3128'), { code: 'ECONNREFUSED' });
    const failure = proxyUnreachable(proxy, 'sts.eu-west-1.amazonaws.com', refused);
    // The SDK hands the agent's error on as the cause of its own, or as is.
    for (const error of [failure, new Error('request failed', { cause: failure })]) {
      const mapped = mapStsError(error, where);
      assert.equal(mapped.code, 'STS_UNREACHABLE');
      assert.equal(mapped.exitCode, ExitCode.unavailable);
      assert.equal(
        mapped.message,
        'could not reach STS at https://sts.eu-west-1.amazonaws.com for assuming arn:aws:iam::222222222222:role/Admin (profile "admin"): the proxy http://****@proxy.corp:3128 (HTTPS_PROXY) could not be reached (ECONNREFUSED)',
      );
      assert.equal(mapped.hint, 'Check HTTPS_PROXY, or add sts.eu-west-1.amazonaws.com to NO_PROXY to reach it without the proxy.');
      assert.equal(mapped.cause, error);
    }
  });

  it('keeps the system error code on the failure, so the SDK retries a refused proxy as a refused endpoint', () => {
    const failure = proxyUnreachable(proxy, 'sts.eu-west-1.amazonaws.com', Object.assign(new Error('x'), { code: 'ECONNRESET' }));
    assert.equal(failure.code, 'ECONNRESET');
  });

  it('reports a 407 with a hint about the credentials in the proxy URL', () => {
    const mapped = mapStsError(proxyRefused(proxy, 'sts.eu-west-1.amazonaws.com', 407, 'Proxy Authentication Required\r\nX: y'), where);
    assert.equal(mapped.code, 'STS_UNREACHABLE');
    assert.match(mapped.message, /the proxy http:\/\/\*\*\*\*@proxy\.corp:3128 \(HTTPS_PROXY\) refused the request: .* \(HTTP 407 Proxy Authentication Required\?\?X: y\)$/);
    assert.match(mapped.hint ?? '', /^Put the proxy's user and password in HTTPS_PROXY \(http:\/\/user:password@host:port, percent-encoded\), or add sts\.eu-west-1\.amazonaws\.com to NO_PROXY/);
    assert.ok(!mapped.message.includes('pr0xy-pass'));
  });

  it('reports a CONNECT the proxy refused, naming the target', () => {
    const mapped = mapStsError(proxyRefused(proxy, 'sts.eu-west-1.amazonaws.com', 403, 'Forbidden'), where);
    assert.match(mapped.message, /would not open a connection to sts\.eu-west-1\.amazonaws\.com \(HTTP 403 Forbidden\)$/);
  });

  it('reports a certificate not trusted, naming AWS_CA_BUNDLE when it is set', () => {
    const tlsError = Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' });
    const mapped = mapStsError(untrustedCertificate('sts.eu-west-1.amazonaws.com', 'SELF_SIGNED_CERT_IN_CHAIN', '/etc/corp-ca.pem', tlsError), where);
    assert.equal(mapped.code, 'STS_UNREACHABLE');
    assert.equal(
      mapped.message,
      "could not reach STS at https://sts.eu-west-1.amazonaws.com for assuming arn:aws:iam::222222222222:role/Admin (profile \"admin\"): the TLS certificate of sts.eu-west-1.amazonaws.com is not trusted by the system's certificate authorities nor those of AWS_CA_BUNDLE (/etc/corp-ca.pem): self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)",
    );
    assert.match(mapped.hint ?? '', /AWS_CA_BUNDLE \(\/etc\/corp-ca\.pem\)/);
  });

  it('reports a TLS certificate error of the SDK as untrusted, suggesting AWS_CA_BUNDLE', () => {
    const tlsError = Object.assign(new Error('unable to get local issuer certificate'), { code: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
    const mapped = mapStsError(tlsError, where);
    assert.equal(mapped.code, 'STS_UNREACHABLE');
    assert.match(mapped.message, /the TLS certificate of sts\.eu-west-1\.amazonaws\.com is not trusted by the system's certificate authorities: unable to get local issuer certificate \(UNABLE_TO_GET_ISSUER_CERT_LOCALLY\)$/);
    assert.match(mapped.hint ?? '', /set AWS_CA_BUNDLE to a PEM file/);
  });

  it('reports a certificate for another name as such', () => {
    const mapped = mapStsError(untrustedCertificate('sts.example', 'ERR_TLS_CERT_ALTNAME_INVALID', undefined, new Error("Hostname/IP does not match certificate's altnames")), where);
    assert.match(mapped.hint ?? '', /^The certificate sts\.example presented is for another name/);
    assert.ok(new NetworkFailure('x', { hint: 'y' }) instanceof Error);
  });
});

describe('mapStsError: access key ids AWS quotes back', () => {
  it('shows the source key id, and anything shaped like a key id, as ****WXYZ', () => {
    const error = mapStsError(
      sdkError('IncompleteSignature', "Credential should be scoped to a valid region, got 'AKIAxxxxxxxx/yyyyyyy/20261128/us-east-1/sts/aws4_request'; also ASIA1234567890ABCDEF", 400),
      { ...context, sourceAccessKeyId: 'AKIAxxxxxxxx/yyyyyyy' },
    );
    assert.ok(!error.message.includes('AKIAxxxxxxxx'), error.message);
    assert.match(error.message, /got '\*\*\*\*yyyy\/20261128\/us-east-1\/sts\/aws4_request'; also \*\*\*\*CDEF/);
  });
});

describe('mapStsError: the cause --debug prints', () => {
  it('is cleaned like the message when AWS quoted the key id: no raw key id in its message or stack', () => {
    const raw = sdkError('IncompleteSignature', "got 'AKIAxxxxxxxx/yyyyyyy/20261128/us-east-1/sts/aws4_request'", 400);
    const mapped = mapStsError(raw, { ...context, sourceAccessKeyId: 'AKIAxxxxxxxx/yyyyyyy' });
    assert.ok(mapped.cause instanceof Error);
    assert.notEqual(mapped.cause, raw);
    assert.ok(!`${mapped.cause.message}${mapped.cause.stack ?? ''}`.includes('AKIAxxxxxxxx'));
    assert.match(mapped.cause.message, /got '\*\*\*\*yyyy\//);
  });
});
