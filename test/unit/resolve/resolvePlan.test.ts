import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssumeError } from '../../../src/errors.js';
import type { Plan } from '../../../src/resolve/plan.js';
import { resolvePlan } from '../../../src/resolve/resolvePlan.js';
import type { Env, ResolveOptions } from '../../../src/resolve/resolvePlan.js';
import { configFrom } from '../../helpers/config.js';
import { refusal } from '../../helpers/refusal.js';

const base = `
[profile base]
aws_access_key_id = AKIABASE000000000001
aws_secret_access_key = base-secret
region = eu-west-1

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base

[profile deep]
role_arn = arn:aws:iam::333333333333:role/Deep
source_profile = admin
external_id = ext-123
role_session_name = deep-session
duration_seconds = 1800
region = ap-south-1
`;

function plan(configText: string, options: ResolveOptions = {}, env: Env = {}, credentialsText = ''): Plan {
  return resolvePlan(configFrom(configText, credentialsText), env, options);
}

/** The access key the chain starts from (undefined for a credential_process source). */
function sourceKey(p: Plan): string | undefined {
  return p.source.kind === 'static' || p.source.kind === 'environment' ? p.source.accessKeyId : undefined;
}

function roles(p: Plan): string[] {
  return p.hops.map((hop) => hop.roleArn.value);
}

describe('resolvePlan', () => {
  it('returns the static keys of a profile without a role, with no hops', () => {
    const p = plan(base, { profile: 'base' });
    assert.deepEqual(roles(p), []);
    assert.equal(p.source.kind, 'static');
    assert.equal(sourceKey(p), 'AKIABASE000000000001');
    assert.equal(p.region?.value, 'eu-west-1');
  });

  it('follows source_profile to any depth and orders the hops from the source outwards', () => {
    const p = plan(base, { profile: 'deep' });
    assert.deepEqual(roles(p), ['arn:aws:iam::222222222222:role/Admin', 'arn:aws:iam::333333333333:role/Deep']);
    assert.equal(p.source.kind === 'static' && p.source.profile, 'base');
    const last = p.hops[1];
    assert.ok(last);
    assert.equal(last.externalId?.value, 'ext-123');
    assert.equal(last.roleSessionName?.value, 'deep-session');
    assert.equal(last.durationSeconds?.value, 1800);
    assert.equal(p.hops[0]?.externalId, undefined, 'settings of one hop do not leak into another');
  });

  it('records the file and line each hop value came from', () => {
    const p = plan(base, { profile: 'deep' });
    const from = p.hops[1]?.externalId?.from;
    assert.ok(from?.kind === 'file');
    assert.equal(`${from.origin.file}:${from.origin.line}`, '/home/u/.aws/config:14');
  });

  it('uses the static keys of a source profile that also has a role_arn, as the AWS CLI does', () => {
    const p = plan(
      `${base}
[profile hybrid]
aws_access_key_id = AKIAHYBRID0000000001
aws_secret_access_key = hybrid-secret
role_arn = arn:aws:iam::444444444444:role/Ignored
source_profile = base

[profile top]
role_arn = arn:aws:iam::555555555555:role/Top
source_profile = hybrid
`,
      { profile: 'top' },
    );
    assert.deepEqual(roles(p), ['arn:aws:iam::555555555555:role/Top']);
    assert.equal(sourceKey(p), 'AKIAHYBRID0000000001');
  });

  it('assumes the role of the target profile even when it also has static keys', () => {
    const p = plan(
      `${base}
[profile both]
aws_access_key_id = AKIABOTH000000000001
aws_secret_access_key = both-secret
role_arn = arn:aws:iam::444444444444:role/Both
source_profile = base
`,
      { profile: 'both' },
    );
    assert.deepEqual(roles(p), ['arn:aws:iam::444444444444:role/Both']);
    assert.equal(sourceKey(p), 'AKIABASE000000000001');
  });

  it('lets a profile name itself as source_profile to use its own static keys', () => {
    const p = plan(
      `[profile self]
aws_access_key_id = AKIASELF000000000001
aws_secret_access_key = self-secret
role_arn = arn:aws:iam::444444444444:role/Self
source_profile = self
`,
      { profile: 'self' },
    );
    assert.deepEqual(roles(p), ['arn:aws:iam::444444444444:role/Self']);
    assert.equal(sourceKey(p), 'AKIASELF000000000001');
  });

  it('refuses a source_profile cycle and lists the profiles visited', () => {
    refusal(
      () =>
        plan(
          `[profile a]
role_arn = arn:aws:iam::111111111111:role/A
source_profile = b
[profile b]
role_arn = arn:aws:iam::111111111111:role/B
source_profile = c
[profile c]
role_arn = arn:aws:iam::111111111111:role/C
source_profile = a
`,
          { profile: 'a' },
        ),
      'PROFILE_CYCLE',
      /a -> b -> c -> a/,
    );
  });

  it('refuses a profile that names itself without static keys', () => {
    refusal(
      () => plan(`[profile loop]\nrole_arn = arn:aws:iam::111111111111:role/A\nsource_profile = loop\n`, { profile: 'loop' }),
      'PROFILE_CYCLE',
      /loop -> loop/,
    );
  });

  it('takes credential_source = Environment from the environment variables', () => {
    const p = plan(
      `[profile ci]\nrole_arn = arn:aws:iam::111111111111:role/Ci\ncredential_source = Environment\n`,
      { profile: 'ci' },
      { AWS_ACCESS_KEY_ID: 'AKIAENV0000000000001', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SESSION_TOKEN: 'env-token' },
    );
    assert.deepEqual(p.source, { kind: 'environment', accessKeyId: 'AKIAENV0000000000001', secretAccessKey: 'env-secret', sessionToken: 'env-token' });
  });

  it('refuses credential_source = Environment when the environment has no keys', () => {
    refusal(
      () => plan(`[profile ci]\nrole_arn = arn:aws:iam::111111111111:role/Ci\ncredential_source = Environment\n`, { profile: 'ci' }),
      'SOURCE_MISSING',
      /AWS_ACCESS_KEY_ID is not set/,
    );
  });

  it('refuses source_profile together with credential_source, as the AWS CLI does', () => {
    refusal(
      () =>
        plan(`${base}\n[profile both]\nrole_arn = arn:aws:iam::111111111111:role/X\nsource_profile = base\ncredential_source = Environment\n`, {
          profile: 'both',
        }),
      'CONFIG_INVALID',
      /both source_profile \(\/home\/u\/\.aws\/config:\d+\) and credential_source/,
    );
  });

  it('refuses an unknown credential_source and names the valid ones', () => {
    refusal(
      () => plan(`[profile x]\nrole_arn = arn:aws:iam::111111111111:role/X\ncredential_source = Laptop\n`, { profile: 'x' }),
      'CONFIG_INVALID',
      /credential_source = "Laptop" in profile "x" \(\/home\/u\/\.aws\/config:3\) is not valid/,
    );
  });

  it('refuses a role_arn with neither source_profile nor credential_source', () => {
    refusal(() => plan(`[profile x]\nrole_arn = arn:aws:iam::111111111111:role/X\n`, { profile: 'x' }), 'CONFIG_INVALID', /neither source_profile nor credential_source/);
  });

  it('refuses a source_profile that does not exist and suggests a close name', () => {
    assert.throws(
      () => plan(`${base}\n[profile x]\nrole_arn = arn:aws:iam::111111111111:role/X\nsource_profile = bse\n`, { profile: 'x' }),
      (error: unknown) => error instanceof AssumeError && error.code === 'CONFIG_INVALID' && /"bse"/.test(error.message) && /"base"/.test(error.hint ?? ''),
    );
  });

  it('refuses an unknown profile and suggests close names', () => {
    assert.throws(
      () => plan(base, { profile: 'admn' }),
      (error: unknown) => error instanceof AssumeError && error.code === 'PROFILE_NOT_FOUND' && /"admn" not found/.test(error.message) && error.hint === 'Did you mean "admin"?',
    );
  });

  it('calls a missing implicit default profile a usage error and says how to name a profile', () => {
    refusal(() => plan(base), 'USAGE', /^no profile given: neither AWS_PROFILE nor AWS_DEFAULT_PROFILE is set, and there is no "default" profile in /);
    assert.throws(
      () => plan(base),
      (error: unknown) => error instanceof AssumeError && error.exitCode === 2 && /assume PROFILE/.test(error.hint ?? '') && /AWS_PROFILE/.test(error.hint ?? '') && /terminal/.test(error.hint ?? ''),
    );
  });

  it('keeps a missing profile named explicitly (argument or AWS_PROFILE) as PROFILE_NOT_FOUND (exit 4)', () => {
    assert.throws(
      () => plan(base, { profile: 'default' }),
      (error: unknown) => error instanceof AssumeError && error.code === 'PROFILE_NOT_FOUND' && error.exitCode === 4 && /^profile "default" not found in /.test(error.message),
    );
    assert.throws(
      () => plan(base, {}, { AWS_PROFILE: 'gone' }),
      (error: unknown) => error instanceof AssumeError && error.code === 'PROFILE_NOT_FOUND' && /^profile "gone" not found in /.test(error.message),
    );
  });

  it('takes the profile from AWS_PROFILE, then AWS_DEFAULT_PROFILE, when none is given', () => {
    assert.equal(plan(base, {}, { AWS_PROFILE: 'admin', AWS_DEFAULT_PROFILE: 'deep' }).profile, 'admin');
    assert.equal(plan(base, {}, { AWS_DEFAULT_PROFILE: 'deep' }).profile, 'deep');
    assert.equal(plan(base, { profile: 'base' }, { AWS_PROFILE: 'admin' }).profile, 'base');
  });

  it('refuses a profile with no credentials of any kind', () => {
    refusal(() => plan(`[profile empty]\nregion = us-east-1\n`, { profile: 'empty' }), 'SOURCE_MISSING', /has no credentials/);
  });

  it('refuses partial static keys', () => {
    refusal(() => plan(`[profile half]\naws_access_key_id = AKIAHALF000000000001\n`, { profile: 'half' }), 'CONFIG_INVALID', /aws_secret_access_key is missing/);
  });

  it('starts a chain from a credential_process source profile', () => {
    const p = plan(`[profile tool]\ncredential_process = /opt/bin/creds --profile "x y"\n[profile r]\nrole_arn = arn:aws:iam::111111111111:role/R\nsource_profile = tool\n`, { profile: 'r' });
    assert.ok(p.source.kind === 'process');
    assert.equal(p.source.command, '/opt/bin/creds --profile "x y"');
    assert.deepEqual(p.profileChain, ['r', 'tool']);
  });

  it('refuses a profile an outer assume is already resolving (ASSUME_PROFILE_CHAIN), naming the loop', () => {
    refusal(() => plan(base, { profile: 'admin' }, { ASSUME_PROFILE_CHAIN: '["deep","admin"]' }), 'PROFILE_RECURSION', /deep -> admin -> admin/);
    assert.deepEqual(plan(base, { profile: 'admin' }, { ASSUME_PROFILE_CHAIN: '["other"]' }).profileChain, ['other', 'admin', 'base']);
    assert.deepEqual(plan(base, { profile: 'admin' }, { ASSUME_PROFILE_CHAIN: 'not json' }).profileChain, ['admin', 'base']);
  });

  describe('validation', () => {
    const cases: { name: string; text: string; options?: ResolveOptions; code: string; message: RegExp }[] = [
      { name: 'a malformed role ARN in config', text: `${base}\n[profile x]\nrole_arn = arn:aws:iam::12:role/X\nsource_profile = base\n`, code: 'CONFIG_INVALID', message: /role_arn "arn:aws:iam::12:role\/X" in profile "x" is not a role ARN \(\/home\/u\/\.aws\/config:\d+\)/ },
      { name: 'a malformed --role-arn', text: base, options: { profile: 'base', roleArn: 'not-an-arn' }, code: 'USAGE', message: /not a role ARN \(--role-arn\)/ },
      { name: 'a duration below 900 s', text: `${base}\n[profile x]\nrole_arn = arn:aws:iam::111111111111:role/X\nsource_profile = base\nduration_seconds = 899\n`, code: 'CONFIG_INVALID', message: /899 seconds .* outside what STS allows \(900 to 43200\)/ },
      { name: 'a --duration above 43200 s', text: base, options: { profile: 'admin', durationSeconds: 43201 }, code: 'USAGE', message: /43201 seconds .*\(--duration\)/ },
      { name: 'a duration that is not a number', text: `${base}\n[profile x]\nrole_arn = arn:aws:iam::111111111111:role/X\nsource_profile = base\nduration_seconds = 1h\n`, code: 'CONFIG_INVALID', message: /not a whole number of seconds/ },
      { name: 'an invalid session name', text: base, options: { profile: 'admin', sessionName: 'has space' }, code: 'USAGE', message: /role session name "has space"/ },
      { name: 'a one-character session name in config', text: `${base}\n[profile x]\nrole_arn = arn:aws:iam::111111111111:role/X\nsource_profile = base\nrole_session_name = a\n`, code: 'CONFIG_INVALID', message: /role session name "a"/ },
      { name: 'an invalid external id', text: base, options: { profile: 'admin', externalId: 'x' }, code: 'USAGE', message: /external_id/ },
      { name: 'a token code that is not six digits', text: base, options: { profile: 'admin', tokenCode: '12345' }, code: 'USAGE', message: /six digits/ },
      { name: 'role overrides on a profile without a role', text: base, options: { profile: 'base', sessionName: 'abc' }, code: 'USAGE', message: /assumes none/ },
    ];
    for (const c of cases) {
      it(`refuses ${c.name}`, () => {
        refusal(() => plan(c.text, c.options ?? { profile: 'x' }), c.code, c.message);
      });
    }
  });

  describe('flags', () => {
    it('overrides the last hop with --external-id, --session-name and --duration', () => {
      const p = plan(base, { profile: 'deep', externalId: 'flag-ext', sessionName: 'flag-session', durationSeconds: 900 });
      const last = p.hops[1];
      assert.ok(last);
      assert.deepEqual(last.externalId, { value: 'flag-ext', from: { kind: 'flag', name: '--external-id' } });
      assert.equal(last.roleSessionName?.value, 'flag-session');
      assert.equal(last.durationSeconds?.value, 900);
    });

    it('adds --role-arn as a last hop after the profile chain', () => {
      const p = plan(base, { profile: 'admin', roleArn: 'arn:aws:iam::999999999999:role/Extra' });
      assert.deepEqual(roles(p), ['arn:aws:iam::222222222222:role/Admin', 'arn:aws:iam::999999999999:role/Extra']);
    });

    it('sources a bare --role-arn from environment keys when they are set', () => {
      const p = plan(base, { roleArn: 'arn:aws:iam::999999999999:role/Direct' }, { AWS_ACCESS_KEY_ID: 'AKIAENV0000000000001', AWS_SECRET_ACCESS_KEY: 's' });
      assert.equal(p.source.kind, 'environment');
      assert.equal(p.profile, undefined);
      assert.deepEqual(roles(p), ['arn:aws:iam::999999999999:role/Direct']);
    });

    it('sources a bare --role-arn from the default profile when the environment has no keys', () => {
      const p = plan(`[default]\naws_access_key_id = AKIADEFAULT000000001\naws_secret_access_key = d\n`, { roleArn: 'arn:aws:iam::999999999999:role/Direct' });
      assert.equal(sourceKey(p), 'AKIADEFAULT000000001');
      assert.deepEqual(roles(p), ['arn:aws:iam::999999999999:role/Direct']);
    });

    it('refuses a bare --role-arn with no environment keys and no default profile', () => {
      refusal(() => plan(base, { roleArn: 'arn:aws:iam::999999999999:role/Direct' }), 'SOURCE_MISSING', /no credentials to assume/);
    });
  });

  describe('region', () => {
    const cases: { name: string; options?: ResolveOptions; env?: Env; profile: string; region: string | undefined; from: string }[] = [
      { name: 'the --region flag over everything', options: { region: 'us-west-2' }, env: { AWS_REGION: 'ca-central-1' }, profile: 'deep', region: 'us-west-2', from: 'flag' },
      { name: 'AWS_REGION over AWS_DEFAULT_REGION and the profile', env: { AWS_REGION: 'ca-central-1', AWS_DEFAULT_REGION: 'sa-east-1' }, profile: 'deep', region: 'ca-central-1', from: 'env' },
      { name: 'AWS_DEFAULT_REGION over the profile', env: { AWS_DEFAULT_REGION: 'sa-east-1' }, profile: 'deep', region: 'sa-east-1', from: 'env' },
      { name: "the profile's own region", profile: 'deep', region: 'ap-south-1', from: 'file' },
      { name: "the nearest source profile's region when the profile has none", profile: 'admin', region: 'eu-west-1', from: 'file' },
    ];
    for (const c of cases) {
      it(`takes ${c.name}`, () => {
        const p = plan(base, { profile: c.profile, ...c.options }, c.env ?? {});
        assert.equal(p.region?.value, c.region);
        assert.equal(p.region?.from.kind, c.from);
        assert.equal(p.sts.region, c.region);
      });
    }

    it('signs STS calls for us-east-1 and exports no region when none is known', () => {
      const p = plan(`[profile r]\naws_access_key_id = AKIAR00000000000001\naws_secret_access_key = s\n`, { profile: 'r' });
      assert.equal(p.region, undefined);
      assert.equal(p.sts.region, 'us-east-1');
    });
  });

  describe('STS endpoint', () => {
    const config = `${base}
[profile svc]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
services = local
endpoint_url = http://profile.example:1

[services local]
sts =
  endpoint_url = http://services.example:2

[profile own]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
endpoint_url = http://profile.example:1
`;
    const cases: { name: string; options?: ResolveOptions; env?: Env; profile: string; endpoint: string | undefined }[] = [
      { name: '--endpoint-url first', options: { endpointUrl: 'http://flag.example:3' }, env: { AWS_ENDPOINT_URL_STS: 'http://env-sts.example:4' }, profile: 'svc', endpoint: 'http://flag.example:3' },
      { name: 'AWS_ENDPOINT_URL_STS over AWS_ENDPOINT_URL', env: { AWS_ENDPOINT_URL_STS: 'http://env-sts.example:4', AWS_ENDPOINT_URL: 'http://env.example:5' }, profile: 'svc', endpoint: 'http://env-sts.example:4' },
      { name: 'AWS_ENDPOINT_URL over the config', env: { AWS_ENDPOINT_URL: 'http://env.example:5' }, profile: 'svc', endpoint: 'http://env.example:5' },
      { name: 'the services section over the profile endpoint_url', profile: 'svc', endpoint: 'http://services.example:2' },
      { name: "the profile's endpoint_url", profile: 'own', endpoint: 'http://profile.example:1' },
      { name: 'nothing when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true', env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL_STS: 'http://env-sts.example:4' }, profile: 'svc', endpoint: undefined },
      { name: 'the regional endpoint by default', profile: 'admin', endpoint: undefined },
    ];
    for (const c of cases) {
      it(`takes ${c.name}`, () => {
        assert.equal(plan(config, { profile: c.profile, ...c.options }, c.env ?? {}).sts.endpoint?.value, c.endpoint);
      });
    }

    it('refuses a services name with no such section', () => {
      refusal(() => plan(`${base}\n[profile s]\naws_access_key_id = A\naws_secret_access_key = B\nservices = nowhere\n`, { profile: 's' }), 'CONFIG_INVALID', /no \[services nowhere\] section/);
    });
  });

  it('merges a profile from the credentials file over the config file, key by key', () => {
    const p = plan(
      `[profile m]\nrole_arn = arn:aws:iam::111111111111:role/FromConfig\nsource_profile = keys\n`,
      { profile: 'm' },
      {},
      `[keys]\naws_access_key_id = AKIAKEYS000000000001\naws_secret_access_key = k\n[m]\nrole_arn = arn:aws:iam::111111111111:role/FromCredentials\n`,
    );
    assert.deepEqual(roles(p), ['arn:aws:iam::111111111111:role/FromCredentials']);
    assert.equal(sourceKey(p), 'AKIAKEYS000000000001');
  });
});
