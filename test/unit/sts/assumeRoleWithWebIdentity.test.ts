import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { AssumeError } from '../../../src/errors.js';
import { assumeRoleWithWebIdentity } from '../../../src/sts/assumeRoleWithWebIdentity.js';
import type { AssumeRoleWithWebIdentityRequest, StsCallOptions } from '../../../src/sts/types.js';
import { startEmulator } from '../../emulator/emulator.js';
import type { Emulator } from '../../emulator/emulator.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ROLE = 'arn:aws:iam::222222222222:role/pod';
const ISSUER = 'https://oidc.eks.eu-west-1.amazonaws.com/id/EXAMPLE';
const POLICY = '{"Version":"2012-10-17","Statement":[]}';

describe('assumeRoleWithWebIdentity', () => {
  let emu: Emulator;
  let options: StsCallOptions;
  let token: string;

  beforeEach(async () => {
    emu = await startEmulator();
    emu.addRole({ arn: ROLE, trust: [], trustWebIdentity: [{ issuer: ISSUER, audience: 'sts.amazonaws.com', subject: 'system:serviceaccount:ci:runner' }] });
    token = emu.issueWebIdentityToken({ issuer: ISSUER, subject: 'system:serviceaccount:ci:runner', audience: 'sts.amazonaws.com' });
    options = {
      target: { region: 'eu-west-1', useFipsEndpoint: false, endpoint: { value: emu.url, from: { kind: 'flag', name: '--endpoint-url' } } },
      timeoutMs: 5000,
      maxAttempts: 3,
    };
  });
  afterEach(async () => {
    await emu.close();
  });

  const assume = (request: Partial<AssumeRoleWithWebIdentityRequest> = {}) =>
    assumeRoleWithWebIdentity({ roleArn: ROLE, roleSessionName: 'pod', webIdentityToken: token, profile: 'pod', ...request }, options);

  it('returns the credentials and the assumed role ARN, sent unsigned with the session policies', async () => {
    const result = await assume({ durationSeconds: 900, policy: POLICY, policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] });
    assert.match(result.credentials.accessKeyId, /^ASIA/);
    assert.ok(result.credentials.sessionToken);
    assert.equal(result.credentials.expiration?.getTime(), Math.floor(emu.now().getTime() / 1000) * 1000 + 900_000);
    assert.equal(result.assumedRoleArn, 'arn:aws:sts::222222222222:assumed-role/pod/pod');
    const info = emu.sessionInfo(result.credentials.accessKeyId);
    assert.equal(info?.policy, POLICY);
    assert.deepEqual(info.policyArns, ['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    const [request] = emu.requests;
    assert.ok(request);
    assert.equal(request.accessKeyId, undefined);
    assert.equal(request.signingRegion, undefined);
  });

  it('retries throttling as many times as the options allow', async () => {
    emu.fault({ action: 'AssumeRoleWithWebIdentity', kind: 'throttle', times: 2 });
    assert.ok((await assume()).credentials.accessKeyId);
    assert.equal(emu.count('AssumeRoleWithWebIdentity'), 3);
  });

  it('reports a forged token as WEB_IDENTITY_TOKEN_INVALID without quoting it', async () => {
    // One character of the signature changed (not the last, whose low bits base64url decoding drops).
    const at = token.length - 10;
    const forged = `${token.slice(0, at)}${token[at] === 'A' ? 'B' : 'A'}${token.slice(at + 1)}`;
    await assert.rejects(assume({ webIdentityToken: forged }), (error: unknown) => {
      assert.ok(error instanceof AssumeError);
      assert.equal(error.code, 'WEB_IDENTITY_TOKEN_INVALID');
      assert.match(error.message, /^STS refused the web identity token for assuming arn:aws:iam::222222222222:role\/pod \(profile "pod"\)/);
      assert.ok(!error.message.includes(forged) && !(error.hint ?? '').includes(forged));
      return true;
    });
  });

  it('reports an unreachable STS as STS_UNREACHABLE naming the endpoint', async () => {
    const url = emu.url;
    await emu.close();
    await assert.rejects(assume(), (error: unknown) => {
      assert.ok(error instanceof AssumeError);
      assert.equal(error.code, 'STS_UNREACHABLE');
      assert.ok(error.message.includes(url));
      return true;
    });
  });
});
