import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

// Expiry times are shown in local time: pin the zone so the expected text is the same everywhere.
process.env.TZ = 'UTC';

import { environmentCredentials, formatIdentity, formatIdentityJson, runWhoami, whoamiTarget } from '../../../src/commands/whoami.js';
import type { CommandContext } from '../../../src/commands/types.js';
import type { Credentials } from '../../../src/credentials.js';
import { AssumeError } from '../../../src/errors.js';
import type { Env } from '../../../src/resolve/resolvePlan.js';
import type { CallerIdentity, CallerIdentityGetter } from '../../../src/sts/getCallerIdentity.js';
import type { StsCallOptions } from '../../../src/sts/types.js';

const now = new Date('2026-11-28T15:05:00Z');
const identity: CallerIdentity = {
  account: '222222222222',
  arn: 'arn:aws:sts::222222222222:assumed-role/Admin/alice@assume-1764361234',
  userId: 'AROAEXAMPLEROLEID0001:alice@assume-1764361234',
};
const sessionEnv: Env = {
  AWS_ACCESS_KEY_ID: 'ASIASESSION000000001',
  AWS_SECRET_ACCESS_KEY: 'session-secret-value',
  AWS_SESSION_TOKEN: 'session-token-value',
  AWS_CREDENTIAL_EXPIRATION: '2026-11-28T16:04:00Z',
};

function context(env: Env): { context: CommandContext; out: { stdout: string; stderr: string } } {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    context: {
      env,
      io: { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } },
      homeDir: '/nonexistent',
      now: () => now,
      colorLevel: 0,
      version: '9.9.9',
      deps: {},
    },
  };
}

/** A fake identity getter that records what it was called with. */
function recorder(answer: CallerIdentity | Error): CallerIdentityGetter & { calls: { credentials: Credentials; options: StsCallOptions }[] } {
  const calls: { credentials: Credentials; options: StsCallOptions }[] = [];
  const get = (credentials: Credentials, options: StsCallOptions): Promise<CallerIdentity> => {
    calls.push({ credentials, options });
    return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
  };
  return Object.assign(get, { calls });
}

describe('environmentCredentials', () => {
  it('reads the key, secret, token and expiry the environment formats set', () => {
    assert.deepEqual(environmentCredentials(sessionEnv), {
      accessKeyId: 'ASIASESSION000000001',
      secretAccessKey: 'session-secret-value',
      sessionToken: 'session-token-value',
      expiration: new Date('2026-11-28T16:04:00Z'),
    });
  });

  it('takes AWS_SECURITY_TOKEN when AWS_SESSION_TOKEN is not set, and ignores an expiry that is not a date', () => {
    const credentials = environmentCredentials({ AWS_ACCESS_KEY_ID: 'ASIA1', AWS_SECRET_ACCESS_KEY: 's', AWS_SECURITY_TOKEN: 'legacy', AWS_CREDENTIAL_EXPIRATION: 'soon' });
    assert.equal(credentials.sessionToken, 'legacy');
    assert.equal(credentials.expiration, undefined);
  });

  it('refuses an environment without a key or secret (SOURCE_MISSING, exit 5), with a hint, never quoting the secret', () => {
    for (const [env, message] of [
      [{}, /no AWS credentials in the environment/],
      [{ AWS_SECRET_ACCESS_KEY: 'lonely-secret' }, /AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not/],
      [{ AWS_ACCESS_KEY_ID: 'AKIALONELY0000000001' }, /AWS_ACCESS_KEY_ID \(\*\*\*\*0001\) is set but AWS_SECRET_ACCESS_KEY is not/],
      [{ AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' }, /no AWS credentials in the environment/],
    ] as const) {
      assert.throws(
        () => environmentCredentials(env),
        (error) =>
          error instanceof AssumeError &&
          error.code === 'SOURCE_MISSING' &&
          error.exitCode === 5 &&
          message.test(error.message) &&
          !error.message.includes('lonely-secret') &&
          !error.message.includes('AKIALONELY0000000001') &&
          /eval "\$\(assume PROFILE\)"/.test(error.hint ?? '') &&
          /assume PROFILE -- assume whoami/.test(error.hint ?? ''),
      );
    }
  });

  it('names AWS_PROFILE in the hint when it is set, since whoami reads no profile', () => {
    assert.throws(
      () => environmentCredentials({ AWS_PROFILE: 'prod' }),
      (error) => error instanceof AssumeError && /AWS_PROFILE=prod is set.*assume prod -- assume whoami/.test(error.hint ?? ''),
    );
  });
});

describe('whoamiTarget', () => {
  it('calls us-east-1 at the regional endpoint when the environment says nothing', () => {
    assert.deepEqual(whoamiTarget({}), { region: 'us-east-1', useFipsEndpoint: false });
  });

  it('takes AWS_REGION over AWS_DEFAULT_REGION, and AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL', () => {
    assert.deepEqual(whoamiTarget({ AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1', AWS_ENDPOINT_URL: 'http://127.0.0.1:2' }), {
      region: 'eu-west-1',
      useFipsEndpoint: false,
      endpoint: { value: 'http://127.0.0.1:1', from: { kind: 'env', name: 'AWS_ENDPOINT_URL_STS' } },
    });
    assert.deepEqual(whoamiTarget({ AWS_DEFAULT_REGION: 'us-west-2', AWS_ENDPOINT_URL: 'http://127.0.0.1:2', AWS_USE_FIPS_ENDPOINT: 'true' }), {
      region: 'us-west-2',
      useFipsEndpoint: true,
      endpoint: { value: 'http://127.0.0.1:2', from: { kind: 'env', name: 'AWS_ENDPOINT_URL' } },
    });
  });

  it('ignores the endpoint variables with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true, as the AWS CLI does', () => {
    assert.deepEqual(whoamiTarget({ AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:1', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }), { region: 'us-east-1', useFipsEndpoint: false });
  });
});

describe('formatIdentity', () => {
  it('prints account, ARN, user id and the local expiry with the time left, aligned', () => {
    assert.equal(
      formatIdentity(identity, environmentCredentials(sessionEnv), now),
      'account  222222222222\n' +
        'arn      arn:aws:sts::222222222222:assumed-role/Admin/alice@assume-1764361234\n' +
        'user id  AROAEXAMPLEROLEID0001:alice@assume-1764361234\n' +
        'expires  2026-11-28 16:04 (59m left)\n',
    );
  });

  it('says when the expiry has passed, is not known, or there is none', () => {
    const base = { accessKeyId: 'AKIA1', secretAccessKey: 's' };
    assert.match(formatIdentity(identity, { ...base, sessionToken: 't', expiration: new Date('2026-11-28T15:00:00Z') }, now), /^expires {2}2026-11-28 15:00 \(expired\)$/m);
    assert.match(formatIdentity(identity, { ...base, sessionToken: 't' }, now), /^expires {2}not known \(AWS_CREDENTIAL_EXPIRATION is not set\)$/m);
    assert.match(formatIdentity(identity, base, now), /^expires {2}never \(long-term keys\)$/m);
  });
});

describe('formatIdentityJson', () => {
  it('gives account, arn, userId, expiration and secondsLeft', () => {
    assert.deepEqual(JSON.parse(formatIdentityJson(identity, environmentCredentials(sessionEnv), now)), {
      account: '222222222222',
      arn: identity.arn,
      userId: identity.userId,
      expiration: '2026-11-28T16:04:00.000Z',
      secondsLeft: 3540,
    });
    assert.deepEqual(JSON.parse(formatIdentityJson(identity, { accessKeyId: 'AKIA1', secretAccessKey: 's' }, now)), {
      account: '222222222222',
      arn: identity.arn,
      userId: identity.userId,
      expiration: null,
      secondsLeft: null,
    });
  });
});

describe('assume whoami', () => {
  it('asks STS with the environment credentials, target and --timeout, and prints on stdout only', async () => {
    const get = recorder(identity);
    const { context: ctx, out } = context({ ...sessionEnv, AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_STS: 'http://127.0.0.1:9' });
    assert.deepEqual(await runWhoami(['--timeout', '2.5'], ctx, get), { exitCode: 0 });
    assert.equal(get.calls.length, 1);
    const [call] = get.calls;
    assert.ok(call);
    assert.equal(call.credentials.accessKeyId, 'ASIASESSION000000001');
    assert.equal(call.credentials.sessionToken, 'session-token-value');
    assert.deepEqual(call.options.target, { region: 'eu-west-1', useFipsEndpoint: false, endpoint: { value: 'http://127.0.0.1:9', from: { kind: 'env', name: 'AWS_ENDPOINT_URL_STS' } } });
    assert.equal(call.options.timeoutMs, 2500);
    assert.equal(call.options.maxAttempts, 3);
    assert.match(out.stdout, /^account {2}222222222222\n/);
    assert.equal(out.stderr, '');
    for (const secret of ['session-secret-value', 'session-token-value']) assert.ok(!out.stdout.includes(secret));
  });

  it('prints JSON with --json', async () => {
    const { context: ctx, out } = context(sessionEnv);
    await runWhoami(['--json'], ctx, recorder(identity));
    assert.equal((JSON.parse(out.stdout) as { arn: string }).arn, identity.arn);
  });

  it('rewords a refusal of the credentials to be about the environment, keeping its code', async () => {
    const refused = new AssumeError('CREDENTIALS_INVALID', 'STS refused the source credentials for sts:GetCallerIdentity: The security token included in the request is invalid.', {
      hint: 'check the source profile',
    });
    const { context: ctx } = context(sessionEnv);
    await assert.rejects(
      runWhoami([], ctx, recorder(refused)),
      (error) =>
        error instanceof AssumeError &&
        error.code === 'CREDENTIALS_INVALID' &&
        /^the credentials in the environment are not valid .*security token included in the request is invalid/.test(error.message) &&
        /eval "\$\(assume PROFILE\)"/.test(error.hint ?? ''),
    );
    const expired = new AssumeError('CREDENTIALS_EXPIRED', 'the source credentials used for sts:GetCallerIdentity have expired: The security token included in the request is expired');
    await assert.rejects(runWhoami([], ctx, recorder(expired)), (error) => error instanceof AssumeError && error.code === 'CREDENTIALS_EXPIRED' && /^the credentials in the environment have expired/.test(error.message));
    const unreachable = new AssumeError('STS_UNREACHABLE', 'could not reach STS');
    await assert.rejects(runWhoami([], ctx, recorder(unreachable)), (error) => error === unreachable);
  });

  it('refuses a bad --timeout and unknown arguments as usage errors, and prints help with examples', async () => {
    const get = recorder(identity);
    for (const argv of [['--timeout', '0'], ['--timeout', 'soon'], ['--bogus'], ['someone']]) {
      await assert.rejects(runWhoami(argv, context(sessionEnv).context, get), (error) => error instanceof AssumeError && error.code === 'USAGE', argv.join(' '));
    }
    assert.equal(get.calls.length, 0);
    const { context: ctx, out } = context({});
    assert.deepEqual(await runWhoami(['--help'], ctx, get), { exitCode: 0 });
    assert.match(out.stdout, /^Usage: assume whoami \[options\]/);
    assert.match(out.stdout, /--timeout <seconds>/);
    assert.match(out.stdout, /Examples:\n {2}eval "\$\(assume prod-admin\)" && assume whoami/);
  });
});
