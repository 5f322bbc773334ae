import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Credentials } from '../../src/credentials.js';
import { AssumeError } from '../../src/errors.js';
import { chainCacheKey, executePlan } from '../../src/execute.js';
import type { ExecuteDeps } from '../../src/execute.js';
import type { AssumeRoleHop } from '../../src/resolve/plan.js';
import { resolvePlan } from '../../src/resolve/resolvePlan.js';
import type { AssumeRoleRequest, SessionTokenRequest } from '../../src/sts/types.js';
import { configFrom } from '../helpers/config.js';
import { createMemoryCache } from '../helpers/memoryCache.js';

const config = configFrom(`
[profile base]
aws_access_key_id = AKIABASE000000000001
aws_secret_access_key = base-secret

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base

[profile deep]
role_arn = arn:aws:iam::333333333333:role/Deep
source_profile = admin
role_session_name = deep-session

[profile mfa-a]
role_arn = arn:aws:iam::444444444444:role/A
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/me

[profile mfa-b]
role_arn = arn:aws:iam::555555555555:role/B
source_profile = base
mfa_serial = arn:aws:iam::111111111111:mfa/me

[profile mfa-chained]
role_arn = arn:aws:iam::666666666666:role/C
source_profile = admin
mfa_serial = arn:aws:iam::111111111111:mfa/me
`);

let clock = new Date('2026-11-28T17:00:00Z');

/** A fake STS: records each call and answers with one-hour keys named after the role. */
function fakeSts(): {
  calls: { source: Credentials; request: AssumeRoleRequest }[];
  sessions: { source: Credentials; request: SessionTokenRequest }[];
  codes: AssumeRoleHop[];
  deps: (extra?: Partial<ExecuteDeps>) => ExecuteDeps;
} {
  const calls: { source: Credentials; request: AssumeRoleRequest }[] = [];
  const sessions: { source: Credentials; request: SessionTokenRequest }[] = [];
  const codes: AssumeRoleHop[] = [];
  const expiration = (): Date => new Date(clock.getTime() + 3600_000);
  return {
    calls,
    sessions,
    codes,
    deps: (extra = {}) => ({
      assumeRole: async (source, request) => {
        calls.push({ source, request });
        await Promise.resolve();
        const name = request.roleArn.split('/').pop() ?? '';
        return { credentials: { accessKeyId: `ASIA${name}${calls.length}`, secretAccessKey: `secret-${name}`, sessionToken: `token-${name}`, expiration: expiration() } };
      },
      getSessionToken: (source, request) => {
        sessions.push({ source, request });
        return Promise.resolve({ credentials: { accessKeyId: `ASIAMFA${sessions.length}`, secretAccessKey: 'mfa-secret', sessionToken: 'mfa-token', expiration: new Date(clock.getTime() + 12 * 3600_000) } });
      },
      now: () => clock,
      timeoutMs: 1000,
      maxAttempts: 1,
      minRemainingMs: 5 * 60_000,
      mfaCode: (hop) => {
        codes.push(hop);
        return Promise.resolve('123456');
      },
      fetchSource: (source) => Promise.resolve({ credentials: { accessKeyId: `AKIAPROCESS-${source.profile ?? ''}`, secretAccessKey: 'process-secret' } }),
      ...extra,
    }),
  };
}

describe('executePlan', () => {
  it('calls AssumeRole hop by hop, each with the previous credentials', async () => {
    const sts = fakeSts();
    const result = await executePlan(resolvePlan(config, {}, { profile: 'deep' }), sts.deps());
    assert.deepEqual(
      sts.calls.map((c) => [c.source.accessKeyId, c.request.roleArn, c.request.roleSessionName]),
      [
        ['AKIABASE000000000001', 'arn:aws:iam::222222222222:role/Admin', 'assume-1795885200'],
        ['ASIAAdmin1', 'arn:aws:iam::333333333333:role/Deep', 'deep-session'],
      ],
    );
    assert.equal(result.credentials.accessKeyId, 'ASIADeep2');
  });

  it('returns static keys untouched when the plan has no hops', async () => {
    const sts = fakeSts();
    const result = await executePlan(resolvePlan(config, {}, { profile: 'base' }), sts.deps({ cache: createMemoryCache() }));
    assert.equal(sts.calls.length, 0);
    assert.deepEqual(result.credentials, { accessKeyId: 'AKIABASE000000000001', secretAccessKey: 'base-secret', sessionToken: undefined });
  });

  it('sends the MFA code with AssumeRole when there is no cache to keep an MFA session in', async () => {
    const sts = fakeSts();
    await executePlan(resolvePlan(config, {}, { profile: 'mfa-a' }), sts.deps());
    assert.deepEqual([sts.calls[0]?.request.serialNumber, sts.calls[0]?.request.tokenCode], ['arn:aws:iam::111111111111:mfa/me', '123456']);
    assert.equal(sts.sessions.length, 0);
  });

  it('starts the chain from a credential_process source', async () => {
    const sts = fakeSts();
    const plan = resolvePlan(configFrom('[profile tool]\ncredential_process = /bin/creds\n[profile r]\nrole_arn = arn:aws:iam::222222222222:role/R\nsource_profile = tool\n'), {}, { profile: 'r' });
    await executePlan(plan, sts.deps());
    assert.equal(sts.calls[0]?.source.accessKeyId, 'AKIAPROCESS-tool');
  });

  it('asks for no MFA code when the role needs none', async () => {
    const sts = fakeSts();
    await executePlan(resolvePlan(config, {}, { profile: 'deep' }), sts.deps({ mfaCode: () => Promise.reject(new AssumeError('MFA_REQUIRED', 'no')) }));
    assert.equal(sts.calls.length, 2);
  });

  describe('with a cache', () => {
    it('answers a second run from the cache without any call', async () => {
      const sts = fakeSts();
      const cache = createMemoryCache();
      const plan = resolvePlan(config, {}, { profile: 'deep' });
      const first = await executePlan(plan, sts.deps({ cache }));
      const second = await executePlan(plan, sts.deps({ cache, assumeRole: () => Promise.reject(new Error('must not be called')) }));
      assert.deepEqual(second.credentials, first.credentials);
      assert.equal(sts.calls.length, 2);
    });

    it('renews an entry with less than the margin left', async () => {
      const sts = fakeSts();
      const cache = createMemoryCache();
      const plan = resolvePlan(config, {}, { profile: 'admin' });
      await executePlan(plan, sts.deps({ cache }));
      clock = new Date(clock.getTime() + 56 * 60_000);
      try {
        await executePlan(plan, sts.deps({ cache }));
      } finally {
        clock = new Date('2026-11-28T17:00:00Z');
      }
      assert.equal(sts.calls.length, 2);
    });

    it('gets new credentials with --refresh even when the cache has fresh ones', async () => {
      const sts = fakeSts();
      const cache = createMemoryCache();
      const plan = resolvePlan(config, {}, { profile: 'admin' });
      await executePlan(plan, sts.deps({ cache }));
      await executePlan(plan, sts.deps({ cache, refresh: true }));
      assert.equal(sts.calls.length, 2);
    });

    it('reuses a cached prefix of the chain', async () => {
      const sts = fakeSts();
      const cache = createMemoryCache();
      await executePlan(resolvePlan(config, {}, { profile: 'admin' }), sts.deps({ cache }));
      await executePlan(resolvePlan(config, {}, { profile: 'deep' }), sts.deps({ cache }));
      assert.deepEqual(
        sts.calls.map((c) => c.request.roleArn),
        ['arn:aws:iam::222222222222:role/Admin', 'arn:aws:iam::333333333333:role/Deep'],
      );
    });

    it('makes one call for ten runs that miss at once', async () => {
      const sts = fakeSts();
      const cache = createMemoryCache();
      const plan = resolvePlan(config, {}, { profile: 'admin' });
      const results = await Promise.all(Array.from({ length: 10 }, () => executePlan(plan, sts.deps({ cache }))));
      assert.equal(sts.calls.length, 1);
      assert.equal(new Set(results.map((r) => r.credentials.accessKeyId)).size, 1);
    });

    it('asks one MFA code for every role behind the same device, through one MFA session', async () => {
      const sts = fakeSts();
      const cache = createMemoryCache();
      await Promise.all([
        executePlan(resolvePlan(config, {}, { profile: 'mfa-a' }), sts.deps({ cache })),
        executePlan(resolvePlan(config, {}, { profile: 'mfa-b' }), sts.deps({ cache })),
      ]);
      await executePlan(resolvePlan(config, {}, { profile: 'mfa-a' }), sts.deps({ cache, refresh: true }));
      assert.equal(sts.codes.length, 1, 'one code asked');
      assert.equal(sts.sessions.length, 1, 'one GetSessionToken');
      assert.deepEqual([sts.sessions[0]?.source.accessKeyId, sts.sessions[0]?.request.serialNumber, sts.sessions[0]?.request.durationSeconds], ['AKIABASE000000000001', 'arn:aws:iam::111111111111:mfa/me', 43200]);
      assert.deepEqual(sts.calls.map((c) => [c.source.accessKeyId, c.request.serialNumber]), [
        ['ASIAMFA1', undefined],
        ['ASIAMFA1', undefined],
        ['ASIAMFA1', undefined],
      ]);
    });

    it('sends the code with AssumeRole for an MFA hop whose source is already a session', async () => {
      const sts = fakeSts();
      await executePlan(resolvePlan(config, {}, { profile: 'mfa-chained' }), sts.deps({ cache: createMemoryCache() }));
      assert.equal(sts.sessions.length, 0, 'AWS refuses GetSessionToken to session credentials');
      assert.deepEqual(sts.calls.map((c) => c.request.serialNumber), [undefined, 'arn:aws:iam::111111111111:mfa/me']);
    });
  });
});

describe('chainCacheKey', () => {
  const plan = (text: string, options = {}): ReturnType<typeof resolvePlan> =>
    resolvePlan(configFrom(`[profile base]\naws_access_key_id = AKIABASE000000000001\naws_secret_access_key = s\n${text}`), {}, { profile: 'p', ...options });
  const role = '[profile p]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = base\n';

  it('is the same for the same chain written differently, and ignores generated session names', () => {
    assert.equal(chainCacheKey(plan(role), 1), chainCacheKey(plan(`${role}region = eu-west-1\n`), 1));
  });

  it('changes with everything that makes the credentials different', () => {
    const base = chainCacheKey(plan(role), 1);
    const variants = [
      plan(`${role}external_id = ext-1\n`),
      plan(`${role}duration_seconds = 900\n`),
      plan(`${role}role_session_name = mine\n`),
      plan(`${role}mfa_serial = arn:aws:iam::111111111111:mfa/me\n`),
      plan(role, { endpointUrl: 'http://127.0.0.1:1' }),
      plan(role, { roleArn: 'arn:aws:iam::333333333333:role/Other' }),
    ].map((p) => chainCacheKey(p, p.hops.length));
    assert.equal(new Set([base, ...variants]).size, variants.length + 1);
  });
});
