import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssumeError } from '../../../src/errors.js';
import type { Plan } from '../../../src/resolve/plan.js';
import { resolvePlan } from '../../../src/resolve/resolvePlan.js';
import type { Env, ResolveOptions } from '../../../src/resolve/resolvePlan.js';
import { configFrom } from '../../helpers/config.js';
import { refusal } from '../../helpers/refusal.js';

function plan(configText: string, options: ResolveOptions = {}, env: Env = {}, credentialsText = ''): Plan {
  return resolvePlan(configFrom(configText, credentialsText), env, options);
}

const ROLE = 'arn:aws:iam::111111111111:role/Web';
const NEXT = 'arn:aws:iam::222222222222:role/Next';

describe('resolvePlan: web identity', () => {
  const config = `
[profile web]
role_arn = ${ROLE}
web_identity_token_file = /var/run/token
role_session_name = ci-run
duration_seconds = 1800

[profile next]
role_arn = ${NEXT}
source_profile = web
`;

  it('makes web_identity_token_file with role_arn the source, not an AssumeRole hop', () => {
    const p = plan(config, { profile: 'web' });
    assert.equal(p.hops.length, 0);
    assert.ok(p.source.kind === 'webIdentity');
    assert.equal(p.source.roleArn.value, ROLE);
    assert.equal(p.source.tokenFile.value, '/var/run/token');
    assert.equal(p.source.roleSessionName?.value, 'ci-run');
    assert.equal(p.source.durationSeconds?.value, 1800);
  });

  it('starts a chain from a web identity source profile', () => {
    const p = plan(config, { profile: 'next' });
    assert.ok(p.source.kind === 'webIdentity');
    assert.deepEqual(p.hops.map((hop) => hop.roleArn.value), [NEXT]);
  });

  it('lets AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME override the profile asked for, as botocore does, but not a source profile', () => {
    const env = { AWS_WEB_IDENTITY_TOKEN_FILE: '/env/token', AWS_ROLE_ARN: 'arn:aws:iam::111111111111:role/Env', AWS_ROLE_SESSION_NAME: 'env-run' };
    const target = plan(config, { profile: 'web' }, env);
    assert.ok(target.source.kind === 'webIdentity');
    assert.deepEqual([target.source.tokenFile, target.source.roleArn.value, target.source.roleSessionName?.value], [{ value: '/env/token', from: { kind: 'env', name: 'AWS_WEB_IDENTITY_TOKEN_FILE' } }, 'arn:aws:iam::111111111111:role/Env', 'env-run']);
    const chained = plan(config, { profile: 'next' }, env);
    assert.ok(chained.source.kind === 'webIdentity');
    assert.equal(chained.source.tokenFile.value, '/var/run/token');
  });

  it('takes the web identity from the environment when no profile is asked for or configured', () => {
    const env = { AWS_WEB_IDENTITY_TOKEN_FILE: '/env/token', AWS_ROLE_ARN: ROLE };
    const alone = plan('', {}, env);
    assert.equal(alone.profile, undefined);
    assert.ok(alone.source.kind === 'webIdentity');
    assert.equal(alone.hops.length, 0);
    const chained = plan('', { roleArn: NEXT }, env);
    assert.ok(chained.source.kind === 'webIdentity');
    assert.deepEqual(chained.hops.map((hop) => hop.roleArn.value), [NEXT]);
  });

  it('prefers environment keys over an environment web identity for --role-arn', () => {
    const p = plan('', { roleArn: NEXT }, { AWS_ACCESS_KEY_ID: 'AKIAENV0000000000001', AWS_SECRET_ACCESS_KEY: 's', AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: ROLE });
    assert.equal(p.source.kind, 'environment');
  });

  it('refuses a web identity without a role, and a malformed role or session name', () => {
    refusal(() => plan(`[profile w]\nweb_identity_token_file = /t\n`, { profile: 'w' }), 'CONFIG_INVALID', /web_identity_token_file .* but no role_arn/);
    refusal(() => plan(`[profile w]\nweb_identity_token_file = /t\nrole_arn = nope\n`, { profile: 'w' }), 'CONFIG_INVALID', /role_arn "nope" in profile "w" is not a role ARN/);
    refusal(() => plan(`[profile w]\nweb_identity_token_file = /t\nrole_arn = ${ROLE}\nrole_session_name = a b\n`, { profile: 'w' }), 'CONFIG_INVALID', /role session name "a b"/);
  });
});

describe('resolvePlan: SSO', () => {
  const config = `
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-central-1
sso_registration_scopes = sso:account:access, extra:scope

[profile dev]
sso_session = corp
sso_account_id = 123456789012
sso_role_name = Developer
region = eu-west-1

[profile legacy]
sso_start_url = https://old.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = ReadOnly

[profile admin]
role_arn = ${NEXT}
source_profile = dev
`;

  it('reads an sso-session profile, with the session name and scopes', () => {
    const p = plan(config, { profile: 'dev' });
    assert.ok(p.source.kind === 'sso');
    assert.deepEqual(
      [p.source.session, p.source.startUrl.value, p.source.ssoRegion.value, p.source.accountId.value, p.source.roleName.value, p.source.registrationScopes],
      ['corp', 'https://corp.awsapps.com/start', 'eu-central-1', '123456789012', 'Developer', ['sso:account:access', 'extra:scope']],
    );
    assert.equal(p.region?.value, 'eu-west-1');
  });

  it('reads the legacy sso_start_url keys, with no session', () => {
    const p = plan(config, { profile: 'legacy' });
    assert.ok(p.source.kind === 'sso');
    assert.equal(p.source.session, undefined);
    assert.equal(p.source.startUrl.value, 'https://old.awsapps.com/start');
  });

  it('starts a chain from an SSO source profile', () => {
    const p = plan(config, { profile: 'admin' });
    assert.ok(p.source.kind === 'sso');
    assert.deepEqual(p.hops.map((hop) => hop.roleArn.value), [NEXT]);
  });

  it('uses SSO before static keys in the config file, as the AWS CLI provider chain does', () => {
    const p = plan(`${config}\n[profile both]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\naws_access_key_id = AKIA0000000000000001\naws_secret_access_key = s\n`, { profile: 'both' });
    assert.equal(p.source.kind, 'sso');
  });

  it('refuses what botocore refuses: a missing session, a missing key, a value that differs from the session', () => {
    refusal(() => plan(`[profile p]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = R\n`, { profile: 'p' }), 'CONFIG_INVALID', /sso_session "nope" named in profile "p" .* does not exist/);
    refusal(() => plan(`[profile p]\nsso_account_id = 123456789012\nsso_role_name = R\n`, { profile: 'p' }), 'CONFIG_INVALID', /missing sso_start_url, sso_region/);
    refusal(() => plan(`${config}\n[profile odd]\nsso_session = corp\nsso_region = us-west-2\nsso_account_id = 1\nsso_role_name = R\n`, { profile: 'odd' }), 'CONFIG_INVALID', /sso_region differs between profile "odd"/);
  });
});

describe('resolvePlan: instance and container credentials', () => {
  const config = `
[profile ec2]
role_arn = ${NEXT}
credential_source = Ec2InstanceMetadata
ec2_metadata_service_endpoint = http://127.0.0.1:1338

[profile ecs]
role_arn = ${NEXT}
credential_source = EcsContainer
`;

  it('reads Ec2InstanceMetadata with the endpoint from the environment first, then the profile', () => {
    const fromProfile = plan(config, { profile: 'ec2' });
    assert.ok(fromProfile.source.kind === 'instanceMetadata');
    assert.equal(fromProfile.source.endpoint?.value, 'http://127.0.0.1:1338');
    const fromEnv = plan(config, { profile: 'ec2' }, { AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:9' });
    assert.ok(fromEnv.source.kind === 'instanceMetadata');
    assert.deepEqual(fromEnv.source.endpoint, { value: 'http://127.0.0.1:9', from: { kind: 'env', name: 'AWS_EC2_METADATA_SERVICE_ENDPOINT' } });
    const ipv6 = plan(`[profile e]\nrole_arn = ${NEXT}\ncredential_source = Ec2InstanceMetadata\n`, { profile: 'e' }, { AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE: 'IPv6' });
    assert.ok(ipv6.source.kind === 'instanceMetadata');
    assert.equal(ipv6.source.endpoint?.value, 'http://[fd00:ec2::254]');
  });

  it('reads EcsContainer from the relative URI first (on 169.254.170.2), then the full URI', () => {
    const relative = plan(config, { profile: 'ecs' }, { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/abc', AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/x' });
    assert.ok(relative.source.kind === 'container');
    assert.equal(relative.source.uri.value, 'http://169.254.170.2/v2/credentials/abc');
    const full = plan(config, { profile: 'ecs' }, { AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/x' });
    assert.ok(full.source.kind === 'container');
    assert.equal(full.source.uri.value, 'http://127.0.0.1:1/x');
  });

  it('refuses EcsContainer outside a container', () => {
    refusal(() => plan(config, { profile: 'ecs' }), 'SOURCE_MISSING', /neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI/);
  });

  it('still refuses an unknown credential_source', () => {
    refusal(() => plan(`[profile p]\nrole_arn = ${NEXT}\ncredential_source = Ec2\n`, { profile: 'p' }), 'CONFIG_INVALID', /credential_source = "Ec2"/);
  });
});

describe('resolvePlan: session tags, source identity and policies', () => {
  const config = `
[profile base]
aws_access_key_id = AKIABASE000000000001
aws_secret_access_key = s

[profile tagged]
role_arn = ${NEXT}
source_profile = base
session_tags =
  Project = apollo
  Cost Center = 42
transitive_session_tags = Project
source_identity = alice
session_policy_arns = arn:aws:iam::aws:policy/ReadOnlyAccess, arn:aws:iam::222222222222:policy/Limit

[profile inline]
role_arn = ${NEXT}
source_profile = base
session_tags = Team=data, Env=prod
`;

  it('reads session_tags as an indented block, keys keeping their case, and the other keys as lists', () => {
    const hop = plan(config, { profile: 'tagged' }).hops[0];
    assert.ok(hop);
    assert.deepEqual(hop.tags?.value, [{ key: 'Project', value: 'apollo' }, { key: 'Cost Center', value: '42' }]);
    assert.deepEqual(hop.transitiveTagKeys?.value, ['Project']);
    assert.equal(hop.sourceIdentity?.value, 'alice');
    assert.deepEqual(hop.policyArns?.value, ['arn:aws:iam::aws:policy/ReadOnlyAccess', 'arn:aws:iam::222222222222:policy/Limit']);
  });

  it('reads session_tags written on one line', () => {
    assert.deepEqual(plan(config, { profile: 'inline' }).hops[0]?.tags?.value, [{ key: 'Team', value: 'data' }, { key: 'Env', value: 'prod' }]);
  });

  it('adds the flags to the last hop: a --tag replaces a configured tag of the same key ignoring case', () => {
    const hop = plan(config, {
      profile: 'tagged',
      tags: [{ key: 'project', value: 'gemini' }, { key: 'Run', value: '7' }],
      transitiveTagKeys: ['Run'],
      sourceIdentity: 'bob',
      policy: '{"Version":"2012-10-17","Statement":[]}',
      policyArns: ['arn:aws:iam::aws:policy/Extra'],
    }).hops[0];
    assert.ok(hop);
    assert.deepEqual(hop.tags?.value, [{ key: 'Cost Center', value: '42' }, { key: 'project', value: 'gemini' }, { key: 'Run', value: '7' }]);
    assert.deepEqual(hop.transitiveTagKeys?.value, ['Project', 'Run']);
    assert.deepEqual(hop.sourceIdentity, { value: 'bob', from: { kind: 'flag', name: '--source-identity' } });
    assert.equal(hop.policy?.value, '{"Version":"2012-10-17","Statement":[]}');
    assert.equal(hop.policyArns?.value.length, 3);
  });

  it('refuses session parameters for a profile that assumes no role', () => {
    refusal(() => plan(config, { profile: 'base', tags: [{ key: 'A', value: 'b' }] }), 'USAGE', /--tag, --transitive-tag/);
  });

  it('refuses what STS would refuse, naming the file and line', () => {
    const tagged = (lines: string): Plan => plan(`[profile b]\naws_access_key_id = AKIA0000000000000001\naws_secret_access_key = s\n[profile t]\nrole_arn = ${NEXT}\nsource_profile = b\n${lines}`, { profile: 't' });
    refusal(() => tagged('session_tags = A=1, a=2\n'), 'CONFIG_INVALID', /session tag "a" in profile "t" is given twice .*config:7/);
    refusal(() => tagged('session_tags = A!=1\n'), 'CONFIG_INVALID', /session tag key "A!"/);
    refusal(() => tagged('session_tags = A\n'), 'CONFIG_INVALID', /"A" is not Key=Value/);
    refusal(() => tagged(`session_tags = ${Array.from({ length: 51 }, (_, i) => `K${i}=v`).join(', ')}\n`), 'CONFIG_INVALID', /51 session tags/);
    refusal(() => tagged('session_tags = A=1\ntransitive_session_tags = B\n'), 'CONFIG_INVALID', /transitive tag "B" .* is not one of the session tags/);
    refusal(() => tagged('source_identity = a b\n'), 'CONFIG_INVALID', /source identity "a b"/);
    refusal(() => tagged('session_policy_arns = arn:aws:iam::aws:role/X\n'), 'CONFIG_INVALID', /is not a managed policy ARN/);
    refusal(() => plan(config, { profile: 'inline', tags: [{ key: 'x'.repeat(129), value: '' }] }), 'USAGE', /session tag key "x{100}\.\.\." in profile "inline" is not valid \(--tag\)/);
  });
});

describe('resolvePlan: values in messages', () => {
  it('never quotes the continuation lines of a value: an indented secret under role_arn stays off stderr', () => {
    const config = `[profile base]\naws_access_key_id = AKIA0000000000000001\naws_secret_access_key = s\n[profile p]\nrole_arn = arn:aws:iam::1:role/x\n  aws_secret_access_key = SECRETSECRETSECRET\nsource_profile = base\n`;
    assert.throws(
      () => resolvePlan(configFrom(config), {}, { profile: 'p' }),
      (error: unknown) => {
        assert.ok(error instanceof AssumeError);
        assert.equal(error.message, 'role_arn "arn:aws:iam::1:role/x" (and 1 more line, not shown) in profile "p" is not a role ARN (/home/u/.aws/config:5)');
        assert.ok(!`${error.message}${error.hint ?? ''}`.includes('SECRET'));
        return true;
      },
    );
  });
});

describe('resolvePlan: region names', () => {
  it('refuses a region that is not a host label, as botocore does, naming where it was written', () => {
    const config = `[profile p]\naws_access_key_id = AKIA0000000000000001\naws_secret_access_key = s\nregion = eu west\n`;
    refusal(() => resolvePlan(configFrom(config), {}, { profile: 'p' }), 'CONFIG_INVALID', /^region "eu west" is not a valid region name \(\/home\/u\/\.aws\/config:4\)$/);
    refusal(() => resolvePlan(configFrom(config), { AWS_REGION: '-x' }, { profile: 'p' }), 'USAGE', /region "-x" .* \(AWS_REGION\)/);
    refusal(() => resolvePlan(configFrom(config), {}, { profile: 'p', region: '1234' }), 'USAGE', /region "1234" .* \(--region\)/);
  });

  it('accepts every real region shape', () => {
    for (const region of ['us-east-1', 'eu-central-2', 'cn-north-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1', 'ap-southeast-7', 'local']) {
      const config = `[profile p]\naws_access_key_id = AKIA0000000000000001\naws_secret_access_key = s\nregion = ${region}\n`;
      assert.equal(resolvePlan(configFrom(config), {}, { profile: 'p' }).region?.value, region);
    }
  });
});
