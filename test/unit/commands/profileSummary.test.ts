import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeProfiles } from '../../../src/commands/profileSummary.js';
import type { ProfileSummary } from '../../../src/commands/profileSummary.js';
import { configFrom } from '../../helpers/config.js';

const configFile = '/home/u/.aws/config';
const credentialsFile = '/home/u/.aws/credentials';

/** The summary of the one profile named, from the whole list. */
function summaryOf(summaries: readonly ProfileSummary[], name: string): ProfileSummary {
  const found = summaries.find((summary) => summary.name === name);
  assert.ok(found, `profile ${name} is listed`);
  return found;
}

describe('summarizeProfiles', () => {
  it('gives every kind of profile its kind, account, role, source and region', () => {
    const summaries = summarizeProfiles(
      configFrom(`[default]
region = us-east-1
aws_access_key_id = AKIADEFAULT000000001
aws_secret_access_key = default-secret-value

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = default
region = eu-west-1

[profile ec2]
role_arn = arn:aws:iam::333333333333:role/path/to/Deploy
credential_source = Ec2InstanceMetadata

[profile oidc-role]
role_arn = arn:aws:iam::444444444444:role/Ci
web_identity_token_file = /var/run/token

[profile sso-dev]
sso_session = my-sso
sso_account_id = 555555555555
sso_role_name = Developer
region = ap-south-1

[profile sso-legacy]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 666666666666
sso_role_name = ReadOnly

[profile proc]
credential_process = /usr/local/bin/get-creds --secret hunter2

[sso-session my-sso]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
`),
    );
    assert.deepEqual(summaries, [
      { name: 'admin', kind: 'role', roleArn: 'arn:aws:iam::222222222222:role/Admin', account: '222222222222', role: 'Admin', source: 'source_profile default', region: 'eu-west-1', origin: { file: configFile, line: 6 } },
      { name: 'default', kind: 'static', source: 'static keys', region: 'us-east-1', origin: { file: configFile, line: 1 } },
      { name: 'ec2', kind: 'role', roleArn: 'arn:aws:iam::333333333333:role/path/to/Deploy', account: '333333333333', role: 'Deploy', source: 'credential_source Ec2InstanceMetadata', region: undefined, origin: { file: configFile, line: 11 } },
      { name: 'oidc-role', kind: 'role', roleArn: 'arn:aws:iam::444444444444:role/Ci', account: '444444444444', role: 'Ci', source: 'web identity', region: undefined, origin: { file: configFile, line: 15 } },
      { name: 'proc', kind: 'process', source: 'credential_process', region: undefined, origin: { file: configFile, line: 31 } },
      { name: 'sso-dev', kind: 'sso', account: '555555555555', role: 'Developer', source: 'sso_session my-sso', region: 'ap-south-1', origin: { file: configFile, line: 19 } },
      { name: 'sso-legacy', kind: 'sso', account: '666666666666', role: 'ReadOnly', source: 'sso_start_url https://example.awsapps.com/start', region: undefined, origin: { file: configFile, line: 25 } },
    ]);
  });

  it('follows the AWS CLI precedence when a profile has keys of several kinds', () => {
    const summaries = summarizeProfiles(
      configFrom(`[profile role-and-keys]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
aws_access_key_id = AKIAROLEKEYS00000001
aws_secret_access_key = role-secret

[profile web-and-sso]
web_identity_token_file = /token
sso_session = s
sso_account_id = 111111111111
sso_role_name = R

[profile sso-and-process]
sso_account_id = 111111111111
sso_role_name = R
credential_process = echo

[profile process-and-keys]
credential_process = echo
aws_access_key_id = AKIAPROCKEYS00000001
aws_secret_access_key = proc-secret

[profile source-only]
credential_source = Environment
`),
    );
    assert.deepEqual(
      summaries.map(({ name, kind, source }) => [name, kind, source]),
      [
        ['process-and-keys', 'process', 'credential_process'],
        ['role-and-keys', 'role', 'source_profile base'],
        ['source-only', 'credential-source', 'credential_source Environment'],
        ['sso-and-process', 'sso', 'sso'],
        ['web-and-sso', 'web-identity', 'web identity'],
      ],
    );
  });

  it('lists broken profiles without throwing, with what their keys say', () => {
    const summaries = summarizeProfiles(
      configFrom(`[profile empty]

[profile only-region]
region = eu-central-1

[profile no-source]
role_arn = arn:aws:iam::222222222222:role/Orphan

[profile both-sources]
role_arn = arn:aws:iam::222222222222:role/Both
source_profile = empty
credential_source = Environment

[profile bad-arn]
role_arn = not-an-arn
source_profile = empty

[profile user-arn]
role_arn = arn:aws:iam::12345:user/bob
source_profile = empty

[profile blank-role]
role_arn =
aws_access_key_id = AKIABLANKROLE0000001
aws_secret_access_key = blank-secret

[profile missing-session]
sso_session = nowhere
sso_account_id = 777777777777
`),
    );
    assert.deepEqual(summaryOf(summaries, 'empty'), { name: 'empty', kind: 'unknown', region: undefined, origin: { file: configFile, line: 1 } });
    assert.equal(summaryOf(summaries, 'only-region').kind, 'unknown');
    assert.equal(summaryOf(summaries, 'only-region').region, 'eu-central-1');
    assert.deepEqual(
      (['no-source', 'both-sources', 'bad-arn', 'user-arn'] as const).map((name) => {
        const { kind, account, role, roleArn, source } = summaryOf(summaries, name);
        return { name, kind, account, role, roleArn, source };
      }),
      [
        { name: 'no-source', kind: 'role', account: '222222222222', role: 'Orphan', roleArn: 'arn:aws:iam::222222222222:role/Orphan', source: undefined },
        // source_profile and credential_source together are refused by the resolver; the summary names the first.
        { name: 'both-sources', kind: 'role', account: '222222222222', role: 'Both', roleArn: 'arn:aws:iam::222222222222:role/Both', source: 'source_profile empty' },
        { name: 'bad-arn', kind: 'role', account: undefined, role: undefined, roleArn: 'not-an-arn', source: 'source_profile empty' },
        { name: 'user-arn', kind: 'role', account: undefined, role: undefined, roleArn: 'arn:aws:iam::12345:user/bob', source: 'source_profile empty' },
      ],
    );
    // An empty role_arn is no role_arn, as for the AWS CLI.
    assert.equal(summaryOf(summaries, 'blank-role').kind, 'static');
    assert.equal(summaryOf(summaries, 'blank-role').roleArn, undefined);
    assert.deepEqual(
      (({ kind, account, role, source }) => ({ kind, account, role, source }))(summaryOf(summaries, 'missing-session')),
      { kind: 'sso', account: '777777777777', role: undefined, source: 'sso_session nowhere' },
    );
  });

  it('keeps dotted profile names whole and sorts by name', () => {
    const summaries = summarizeProfiles(
      configFrom(`[profile team.prod.admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = team.base

[profile team.base]
region = eu-west-1

[profile a]
region = us-west-2
`),
    );
    assert.deepEqual(
      summaries.map((summary) => summary.name),
      ['a', 'team.base', 'team.prod.admin'],
    );
    assert.equal(summaryOf(summaries, 'team.prod.admin').source, 'source_profile team.base');
  });

  it('lists profiles that exist only in the credentials file, merged with the config file', () => {
    const summaries = summarizeProfiles(
      configFrom(
        `[profile both]
region = eu-west-1
`,
        `[creds-only]
aws_access_key_id = AKIACREDSONLY0000001
aws_secret_access_key = creds-only-secret

[both]
aws_access_key_id = AKIABOTHFILES0000001
aws_secret_access_key = both-secret
`,
      ),
    );
    assert.deepEqual(summaries, [
      { name: 'both', kind: 'static', source: 'static keys', region: 'eu-west-1', origin: { file: configFile, line: 1 } },
      { name: 'creds-only', kind: 'static', source: 'static keys', region: undefined, origin: { file: credentialsFile, line: 1 } },
    ]);
  });

  it('puts no secret, key id or credential_process command in any field', () => {
    const summaries = summarizeProfiles(
      configFrom(
        `[profile proc]
credential_process = /bin/get --password hunter2
[profile keyed]
aws_access_key_id = AKIAKEYED00000000001
aws_secret_access_key = keyed-secret-value
aws_session_token = keyed-session-token
`,
      ),
    );
    const text = JSON.stringify(summaries);
    for (const secret of ['hunter2', 'AKIAKEYED00000000001', 'keyed-secret-value', 'keyed-session-token']) {
      assert.ok(!text.includes(secret), `${secret} is not in the summaries`);
    }
    assert.deepEqual(
      summaries.map((summary) => summary.kind),
      ['static', 'process'],
    );
  });

  it('gives an empty list for an empty config', () => {
    assert.deepEqual(summarizeProfiles(configFrom('', '')), []);
  });
});
