import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AssumeRoleWithWebIdentityCommandInput } from '@aws-sdk/client-sts';
import { startEmulator } from './emulator.js';
import type { Emulator, UserKeys } from './emulator.js';
import { errorOf, keysOf, rawRequest, rejectsWithStsError, runAwsCli, stsClient } from './test-support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ACCOUNT = '222222222222';
const GITHUB = 'https://token.actions.githubusercontent.com';
const EKS = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const DEPLOY = `arn:aws:iam::${ACCOUNT}:role/deploy`;
const POD = `arn:aws:iam::${ACCOUNT}:role/pod`;
const LONG = `arn:aws:iam::${ACCOUNT}:role/long`;
const NEXT = `arn:aws:iam::${ACCOUNT}:role/next`;
const REPO_SUBJECT = 'repo:acme/app:ref:refs/heads/main';
const DENIED = 'Not authorized to perform sts:AssumeRoleWithWebIdentity';

/** A token's header, payload and signature, decoded enough to tamper with. */
function splitToken(token: string): { header: string; payload: Record<string, unknown>; signature: string } {
  const [header = '', payload = '', signature = ''] = token.split('.');
  return { header, payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>, signature };
}

function joinToken(header: string, payload: Record<string, unknown>, signature: string): string {
  return `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
}

describe('AssumeRoleWithWebIdentity', () => {
  let emu: Emulator;
  let client: STSClient;

  beforeEach(async () => {
    emu = await startEmulator();
    emu.addRole({ arn: DEPLOY, trust: [], trustWebIdentity: [{ issuer: GITHUB, audience: 'sts.amazonaws.com', subject: 'repo:acme/app:*' }] });
    emu.addRole({ arn: POD, trust: [], trustWebIdentity: [{ issuer: EKS, audience: 'sts.amazonaws.com', subject: 'system:serviceaccount:ci:runner' }] });
    emu.addRole({ arn: LONG, trust: [], maxSessionDuration: 7200, trustWebIdentity: [{ issuer: GITHUB }] });
    emu.addRole({ arn: NEXT, trust: [DEPLOY] });
    // Unsigned, as the SDK's web identity provider calls it: no credentials at all.
    client = new STSClient({
      endpoint: emu.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: () => Promise.reject(new Error('an unsigned call must not ask for credentials')),
    });
  });
  afterEach(async () => {
    client.destroy();
    await emu.close();
  });

  const githubToken = (overrides: { subject?: string; audience?: string; expiresInSeconds?: number; issuer?: string } = {}): string =>
    emu.issueWebIdentityToken({ issuer: GITHUB, subject: REPO_SUBJECT, audience: 'sts.amazonaws.com', ...overrides });

  function assume(input: Partial<AssumeRoleWithWebIdentityCommandInput> & { WebIdentityToken: string }) {
    return client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: DEPLOY, RoleSessionName: 'gha', ...input }));
  }

  it('issues role credentials for a trusted token, unsigned, and answers as AWS does', async () => {
    const result = await assume({ WebIdentityToken: githubToken() });
    assert.match(result.Credentials?.AccessKeyId ?? '', /^ASIA[A-Z0-9]{16}$/);
    assert.equal(result.Credentials?.Expiration?.getTime(), Math.floor(emu.now().getTime() / 1000) * 1000 + 3600_000);
    assert.equal(result.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/gha`);
    assert.match(result.AssumedRoleUser.AssumedRoleId ?? '', /^AROA[A-Z0-9]{17}:gha$/);
    assert.equal(result.SubjectFromWebIdentityToken, REPO_SUBJECT);
    assert.equal(result.Audience, 'sts.amazonaws.com');
    assert.equal(result.Provider, `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`);
    const [request] = emu.requests;
    assert.equal(request?.action, 'AssumeRoleWithWebIdentity');
    assert.equal(request.status, 200);
    assert.equal(request.accessKeyId, undefined);
    assert.equal(request.hasSessionToken, false);
  });

  it('gives a role session usable for GetCallerIdentity and for the next AssumeRole, capped by role chaining', async () => {
    const result = await assume({ WebIdentityToken: githubToken() });
    const keys = keysOf(result.Credentials);
    const identity = await stsClient(emu, keys).send(new GetCallerIdentityCommand({}));
    assert.equal(identity.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/gha`);
    assert.equal(identity.UserId, result.AssumedRoleUser?.AssumedRoleId);
    const next = await stsClient(emu, keys).send(new AssumeRoleCommand({ RoleArn: NEXT, RoleSessionName: 'hop2' }));
    assert.equal(next.AssumedRoleUser?.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/next/hop2`);
    await rejectsWithStsError(stsClient(emu, keys).send(new AssumeRoleCommand({ RoleArn: NEXT, RoleSessionName: 'hop2', DurationSeconds: 7200 })), {
      code: 'ValidationError',
      status: 400,
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    });
  });

  it('keeps the session policies and the identity of the token on the session', async () => {
    const policy = '{"Version":"2012-10-17","Statement":[]}';
    const result = await assume({ WebIdentityToken: githubToken(), Policy: policy, PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] });
    assert.deepEqual(emu.sessionInfo(result.Credentials?.AccessKeyId ?? ''), {
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/gha`,
      tags: [],
      transitiveTagKeys: [],
      sourceIdentity: undefined,
      policy,
      policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
      webIdentity: { issuer: GITHUB, subject: REPO_SUBJECT, audience: 'sts.amazonaws.com' },
    });
  });

  it('takes the duration asked, up to the MaxSessionDuration of the role', async () => {
    const result = await assume({ RoleArn: LONG, WebIdentityToken: githubToken(), DurationSeconds: 7200 });
    assert.equal(result.Credentials?.Expiration?.getTime(), Math.floor(emu.now().getTime() / 1000) * 1000 + 7200_000);
    await rejectsWithStsError(assume({ RoleArn: LONG, WebIdentityToken: githubToken(), DurationSeconds: 7201 }), {
      code: 'ValidationError',
      status: 400,
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    });
  });

  it('matches the subject as StringLike does', async () => {
    assert.ok((await assume({ WebIdentityToken: githubToken({ subject: 'repo:acme/app:pull_request' }) })).Credentials);
    await rejectsWithStsError(assume({ WebIdentityToken: githubToken({ subject: 'repo:acme/other:ref:refs/heads/main' }) }), {
      code: 'AccessDenied',
      status: 403,
      message: DENIED,
    });
  });

  it('refuses a role whose trust names another identity of a known provider, or a role that does not exist', async () => {
    const eksToken = emu.issueWebIdentityToken({ issuer: EKS, subject: 'system:serviceaccount:ci:runner', audience: 'sts.amazonaws.com' });
    assert.ok((await assume({ RoleArn: POD, WebIdentityToken: eksToken })).Credentials);
    await rejectsWithStsError(assume({ RoleArn: DEPLOY, WebIdentityToken: eksToken }), { code: 'AccessDenied', status: 403, message: DENIED });
    await rejectsWithStsError(assume({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/missing`, WebIdentityToken: githubToken() }), {
      code: 'AccessDenied',
      status: 403,
      message: DENIED,
    });
  });

  const invalid = { code: 'InvalidIdentityTokenException', status: 400 };

  it('refuses a token whose claims were changed after signing', async () => {
    const { header, payload, signature } = splitToken(githubToken());
    const forged = joinToken(header, { ...payload, sub: 'repo:acme/app:ref:refs/heads/evil' }, signature);
    await rejectsWithStsError(assume({ WebIdentityToken: forged }), { ...invalid, message: 'The web identity token provided could not be validated.' });
    assert.equal(emu.requests.at(-1)?.errorCode, 'InvalidIdentityToken');
  });

  it('refuses an unsigned token (alg none) and one that is not a JWT', async () => {
    const { payload } = splitToken(githubToken());
    const none = joinToken(Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url'), payload, '');
    await rejectsWithStsError(assume({ WebIdentityToken: none }), { ...invalid, message: 'The web identity token provided could not be validated.' });
    await rejectsWithStsError(assume({ WebIdentityToken: 'not-a-jwt' }), { ...invalid, message: 'The web identity token provided could not be validated.' });
    await rejectsWithStsError(assume({ WebIdentityToken: 'a.b.c' }), { ...invalid, message: 'The web identity token provided could not be validated.' });
  });

  it('refuses a token from an issuer that is no OIDC provider of the account', async () => {
    const token = githubToken({ issuer: 'https://accounts.example.com' });
    await rejectsWithStsError(assume({ WebIdentityToken: token }), {
      ...invalid,
      message: 'No OpenIDConnect provider found in your account for https://accounts.example.com',
    });
  });

  it('refuses a token whose audience is no client ID of the provider', async () => {
    emu.addRole({ arn: `arn:aws:iam::${ACCOUNT}:role/other-client`, trust: [], trustWebIdentity: [{ issuer: EKS, audience: 'my-client' }] });
    const token = emu.issueWebIdentityToken({ issuer: EKS, subject: 'system:serviceaccount:ci:runner', audience: 'someone-else' });
    await rejectsWithStsError(assume({ RoleArn: POD, WebIdentityToken: token }), { ...invalid, message: 'Incorrect token audience' });
    // A client ID of the provider, but not the one this role's trust names.
    const other = emu.issueWebIdentityToken({ issuer: EKS, subject: 'system:serviceaccount:ci:runner', audience: 'my-client' });
    await rejectsWithStsError(assume({ RoleArn: POD, WebIdentityToken: other }), { code: 'AccessDenied', status: 403, message: DENIED });
  });

  it('refuses a token past its exp by the emulator clock', async () => {
    const token = githubToken({ expiresInSeconds: 600 });
    // The token's own exp: computing it here could fall a second after the emulator stamped it.
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp: number };
    assert.ok((await assume({ WebIdentityToken: token })).Credentials);
    emu.advance(600_000);
    const now = Math.floor(emu.now().getTime() / 1000);
    assert.ok(now >= exp);
    await rejectsWithStsError(assume({ WebIdentityToken: token }), {
      code: 'ExpiredTokenException',
      status: 400,
      // The request reaches the emulator in this second or the next.
      message: new RegExp(`^Token expired: current date/time (${now}|${now + 1}) must be before the expiration date/time ${exp}$`),
    });
  });

  const validation = (message: string | RegExp) => ({ code: 'ValidationError', status: 400, message });

  it('validates RoleSessionName, DurationSeconds, the token, Policy and PolicyArns', async () => {
    const token = githubToken();
    await rejectsWithStsError(
      assume({ WebIdentityToken: token, RoleSessionName: 'has space' }),
      validation(/Value 'has space' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern/),
    );
    await rejectsWithStsError(
      assume({ WebIdentityToken: token, DurationSeconds: 899 }),
      validation("1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"),
    );
    await rejectsWithStsError(
      assume({ WebIdentityToken: 'abc' }),
      validation("1 validation error detected: Value '***' at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4"),
    );
    await rejectsWithStsError(assume({ WebIdentityToken: token, Policy: 'not json' }), {
      code: 'MalformedPolicyDocumentException',
      status: 400,
      message: 'The policy is not in the valid JSON format.',
    });
    await rejectsWithStsError(
      assume({ WebIdentityToken: token, PolicyArns: Array.from({ length: 11 }, () => ({ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })) }),
      validation(/at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10$/),
    );
  });

  it('still checks a signature when the request is signed', async () => {
    const response = await rawRequest(
      emu,
      { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x'.repeat(40) },
      { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: DEPLOY, RoleSessionName: 'gha', WebIdentityToken: githubToken() },
    );
    assert.equal(response.status, 403);
    assert.equal(errorOf(response.text).code, 'InvalidClientTokenId');
  });

  it('answers an unsigned form POST by hand', async () => {
    const response = await rawRequest(emu, undefined, {
      Action: 'AssumeRoleWithWebIdentity',
      Version: '2011-06-15',
      RoleArn: DEPLOY,
      RoleSessionName: 'raw',
      WebIdentityToken: githubToken(),
    });
    assert.equal(response.status, 200);
    assert.match(response.text, /<AssumeRoleWithWebIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><AssumeRoleWithWebIdentityResult>/);
    assert.match(response.text, /<SubjectFromWebIdentityToken>repo:acme\/app:ref:refs\/heads\/main<\/SubjectFromWebIdentityToken>/);
  });

  it('works with the AWS CLI v2, which sends it unsigned', async () => {
    // Keys STS does not know: a signed request would fail with InvalidClientTokenId.
    const unknown: UserKeys = { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: 'x'.repeat(40), arn: '' };
    const result = await runAwsCli(emu, unknown, [
      'sts',
      'assume-role-with-web-identity',
      '--role-arn',
      DEPLOY,
      '--role-session-name',
      'cli',
      '--web-identity-token',
      githubToken(),
    ]);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    const parsed = JSON.parse(result.stdout) as { SubjectFromWebIdentityToken: string; AssumedRoleUser: { Arn: string } };
    assert.equal(parsed.SubjectFromWebIdentityToken, REPO_SUBJECT);
    assert.equal(parsed.AssumedRoleUser.Arn, `arn:aws:sts::${ACCOUNT}:assumed-role/deploy/cli`);
    assert.equal(emu.requests.at(-1)?.accessKeyId, undefined);
  });
});
