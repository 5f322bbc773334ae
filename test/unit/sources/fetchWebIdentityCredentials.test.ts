import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AssumeError, ExitCode } from '../../../src/errors.js';
import type { WebIdentitySource } from '../../../src/resolve/plan.js';
import { fetchWebIdentityCredentials } from '../../../src/sources/fetchWebIdentityCredentials.js';
import { assumeRoleWithWebIdentity } from '../../../src/sts/assumeRoleWithWebIdentity.js';
import type { AssumeRoleWithWebIdentityRequest, StsCallOptions, WebIdentityRoleAssumer } from '../../../src/sts/types.js';
import { startEmulator } from '../../emulator/emulator.js';
import type { Emulator } from '../../emulator/emulator.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const dir = mkdtempSync(join(tmpdir(), 'assume-web-identity-'));
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

const ROLE = 'arn:aws:iam::222222222222:role/ci';
const ISSUER = 'https://token.actions.githubusercontent.com';
const options: StsCallOptions = { target: { region: 'eu-west-1', useFipsEndpoint: false }, timeoutMs: 2000, maxAttempts: 1 };
const issued = { accessKeyId: 'ASIAEXAMPLE000000001', secretAccessKey: 'secret', sessionToken: 'token', expiration: new Date('2026-11-28T18:00:00Z') };

let fileCount = 0;
/** A token file holding `text`. */
function tokenFile(text: string): string {
  const path = join(dir, `token-${++fileCount}`);
  writeFileSync(path, text);
  return path;
}

/** A source from a profile's web_identity_token_file at /home/u/.aws/config:4. */
function profileSource(path: string, extra: Partial<WebIdentitySource> = {}): WebIdentitySource {
  return {
    kind: 'webIdentity',
    profile: 'ci',
    roleArn: { value: ROLE, from: { kind: 'file', origin: { file: '/home/u/.aws/config', line: 5 }, profile: 'ci', key: 'role_arn' } },
    tokenFile: { value: path, from: { kind: 'file', origin: { file: '/home/u/.aws/config', line: 4 }, profile: 'ci', key: 'web_identity_token_file' } },
    ...extra,
  };
}

/** A source from AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN. */
function envSource(path: string): WebIdentitySource {
  return {
    kind: 'webIdentity',
    roleArn: { value: ROLE, from: { kind: 'env', name: 'AWS_ROLE_ARN' } },
    tokenFile: { value: path, from: { kind: 'env', name: 'AWS_WEB_IDENTITY_TOKEN_FILE' } },
  };
}

/** A fake assumer that records what it was asked. */
function recordingAssumer(): { assumer: WebIdentityRoleAssumer; calls: { request: AssumeRoleWithWebIdentityRequest; options: StsCallOptions }[] } {
  const calls: { request: AssumeRoleWithWebIdentityRequest; options: StsCallOptions }[] = [];
  return {
    calls,
    assumer: (request, callOptions) => {
      calls.push({ request, options: callOptions });
      return Promise.resolve({ credentials: issued, assumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/ci/x' });
    },
  };
}

async function refusedFile(source: WebIdentitySource, message: RegExp): Promise<void> {
  const { assumer, calls } = recordingAssumer();
  await assert.rejects(fetchWebIdentityCredentials(source, { assumeRoleWithWebIdentity: assumer, options, sessionName: 'gen' }), (error: unknown) => {
    assert.ok(error instanceof AssumeError);
    assert.equal(error.code, 'WEB_IDENTITY_TOKEN_INVALID');
    assert.equal(error.exitCode, ExitCode.credentials);
    assert.match(error.message, message);
    assert.ok((error.hint ?? '').length > 0);
    return true;
  });
  assert.equal(calls.length, 0, 'STS is not called without a token');
}

describe('fetchWebIdentityCredentials', () => {
  it('reads the token file at call time, trims the trailing newline, and returns the credentials', async () => {
    const path = tokenFile('first.token.value\n');
    const { assumer, calls } = recordingAssumer();
    const deps = { assumeRoleWithWebIdentity: assumer, options, sessionName: 'assume-1700000000000' };
    assert.deepEqual(await fetchWebIdentityCredentials(profileSource(path), deps), { credentials: issued, assumedRoleArn: 'arn:aws:sts::222222222222:assumed-role/ci/x' });
    writeFileSync(path, 'rotated.token.value \r\n\t');
    await fetchWebIdentityCredentials(profileSource(path), deps);
    assert.deepEqual(
      calls.map((call) => call.request.webIdentityToken),
      ['first.token.value', 'rotated.token.value'],
    );
    assert.deepEqual(calls[0], {
      request: { roleArn: ROLE, roleSessionName: 'assume-1700000000000', webIdentityToken: 'first.token.value', durationSeconds: undefined, profile: 'ci' },
      options,
    });
  });

  it("uses the source's role_session_name and duration_seconds when set", async () => {
    const { assumer, calls } = recordingAssumer();
    const source = profileSource(tokenFile('t.o.k'), {
      roleSessionName: { value: 'from-profile', from: { kind: 'default' } },
      durationSeconds: { value: 7200, from: { kind: 'default' } },
    });
    await fetchWebIdentityCredentials(source, { assumeRoleWithWebIdentity: assumer, options, sessionName: 'generated' });
    assert.equal(calls[0]?.request.roleSessionName, 'from-profile');
    assert.equal(calls[0].request.durationSeconds, 7200);
  });

  it('names a missing token file and the profile line that configured it', async () => {
    const path = join(dir, 'missing-token');
    await refusedFile(profileSource(path), new RegExp(`^the web identity token file ${path} of profile "ci" \\(/home/u/\\.aws/config:4\\) does not exist$`));
  });

  it('names the environment variable that configured a missing token file', async () => {
    const path = join(dir, 'missing-env-token');
    await refusedFile(envSource(path), new RegExp(`^the web identity token file ${path} \\(AWS_WEB_IDENTITY_TOKEN_FILE\\) does not exist$`));
  });

  it('refuses an empty or whitespace-only token file', async () => {
    await refusedFile(profileSource(tokenFile('')), /of profile "ci" \(\/home\/u\/\.aws\/config:4\) is empty$/);
    await refusedFile(profileSource(tokenFile(' \n\n')), /is empty$/);
  });

  it('refuses a token path that is a folder', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder);
    await refusedFile(profileSource(folder), /is a folder$/);
  });

  it('passes on what the assumer throws', async () => {
    const refusal = new AssumeError('STS_ACCESS_DENIED', 'access denied');
    const failing: WebIdentityRoleAssumer = () => Promise.reject(refusal);
    await assert.rejects(
      fetchWebIdentityCredentials(profileSource(tokenFile('a.b.c')), { assumeRoleWithWebIdentity: failing, options, sessionName: 's' }),
      (error: unknown) => error === refusal,
    );
  });
});

describe('fetchWebIdentityCredentials with the real assumer against the STS emulator', () => {
  let emu: Emulator;
  let stsOptions: StsCallOptions;

  beforeEach(async () => {
    emu = await startEmulator();
    emu.addRole({ arn: ROLE, trust: [], maxSessionDuration: 7200, trustWebIdentity: [{ issuer: ISSUER, audience: 'sts.amazonaws.com', subject: 'repo:acme/*' }] });
    stsOptions = {
      target: { region: 'eu-west-1', useFipsEndpoint: false, endpoint: { value: emu.url, from: { kind: 'flag', name: '--endpoint-url' } } },
      timeoutMs: 5000,
      maxAttempts: 1,
    };
  });
  afterEach(async () => {
    await emu.close();
  });

  const token = (subject = 'repo:acme/app:ref:refs/heads/main', expiresInSeconds = 3600): string =>
    emu.issueWebIdentityToken({ issuer: ISSUER, subject, audience: 'sts.amazonaws.com', expiresInSeconds });
  const fetch = (source: WebIdentitySource) =>
    fetchWebIdentityCredentials(source, { assumeRoleWithWebIdentity, options: stsOptions, sessionName: 'assume-session' });

  it('gets role credentials, unsigned, for the duration asked, that STS then accepts', async () => {
    const source = profileSource(tokenFile(`${token()}\n`), { durationSeconds: { value: 7200, from: { kind: 'default' } } });
    const { credentials, assumedRoleArn } = await fetch(source);
    assert.equal(assumedRoleArn, 'arn:aws:sts::222222222222:assumed-role/ci/assume-session');
    assert.equal(credentials.expiration?.getTime(), Math.floor(emu.now().getTime() / 1000) * 1000 + 7200_000);
    const [request] = emu.requests;
    assert.ok(request);
    assert.equal(request.action, 'AssumeRoleWithWebIdentity');
    assert.equal(request.accessKeyId, undefined);
    assert.equal(request.params.RoleSessionName, 'assume-session');
    assert.equal(request.params.DurationSeconds, '7200');
    const client = new STSClient({ endpoint: emu.url, region: 'eu-west-1', credentials: { ...credentials }, maxAttempts: 1 });
    try {
      const identity = await client.send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Arn, 'arn:aws:sts::222222222222:assumed-role/ci/assume-session');
    } finally {
      client.destroy();
    }
  });

  it('looks up no credentials of its own even when the environment names broken ones', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'AKIABROKEN0000000000', AWS_SECRET_ACCESS_KEY: 'x', AWS_PROFILE: 'no-such-profile', AWS_CONFIG_FILE: join(dir, 'none') });
    try {
      await fetch(profileSource(tokenFile(token())));
    } finally {
      for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_PROFILE', 'AWS_CONFIG_FILE']) {
        if (saved[name] === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = saved[name];
      }
    }
    assert.equal(emu.requests[0]?.accessKeyId, undefined);
  });

  async function refusal(source: WebIdentitySource, code: string, message: RegExp, hint: RegExp): Promise<void> {
    await assert.rejects(fetch(source), (error: unknown) => {
      assert.ok(error instanceof AssumeError);
      assert.equal(error.code, code);
      assert.match(error.message, message);
      assert.match(error.hint ?? '', hint);
      return true;
    });
  }

  it('reports an expired token as WEB_IDENTITY_TOKEN_INVALID without quoting it', async () => {
    const expired = token(undefined, 60);
    emu.advance(61_000);
    const source = profileSource(tokenFile(expired), { profile: 'ci' });
    await assert.rejects(fetch(source), (error: unknown) => {
      assert.ok(error instanceof AssumeError);
      assert.equal(error.code, 'WEB_IDENTITY_TOKEN_INVALID');
      assert.equal(error.exitCode, ExitCode.credentials);
      assert.match(error.message, /^the web identity token for assuming arn:aws:iam::222222222222:role\/ci \(profile "ci"\) has expired: Token expired/);
      assert.match(error.hint ?? '', /fresh token/);
      assert.ok(!error.message.includes(expired) && !(error.hint ?? '').includes(expired));
      return true;
    });
  });

  it('reports a forged token as WEB_IDENTITY_TOKEN_INVALID', async () => {
    const [header, , signature] = token().split('.');
    const payload = Buffer.from(JSON.stringify({ iss: ISSUER, sub: 'repo:acme/app', aud: 'sts.amazonaws.com', exp: 4_000_000_000 })).toString('base64url');
    await refusal(profileSource(tokenFile(`${header}.${payload}.${signature}`)), 'WEB_IDENTITY_TOKEN_INVALID', /^STS refused the web identity token for assuming/, /web_identity_token_file/);
  });

  it('reports a subject the role does not trust as STS_ACCESS_DENIED with a hint about the trust conditions', async () => {
    await refusal(
      profileSource(tokenFile(token('repo:other/app:ref:refs/heads/main'))),
      'STS_ACCESS_DENIED',
      /^access denied assuming arn:aws:iam::222222222222:role\/ci \(profile "ci"\): Not authorized to perform sts:AssumeRoleWithWebIdentity$/,
      /aud and sub conditions/,
    );
  });

  it('reports a duration past the MaxSessionDuration of the role as STS_INVALID_REQUEST', async () => {
    await refusal(
      profileSource(tokenFile(token()), { durationSeconds: { value: 7201, from: { kind: 'default' } } }),
      'STS_INVALID_REQUEST',
      /MaxSessionDuration/,
      /duration_seconds/,
    );
  });
});
