import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProfileSummary } from '../../../src/commands/profileSummary.js';
import { filterProfiles } from '../../../src/picker/filterProfiles.js';

const origin = { file: '/home/me/.aws/config', line: 1 };
const profiles: ProfileSummary[] = [
  { name: 'default', kind: 'static', source: 'static keys', origin },
  { name: 'dev-sso', kind: 'sso', account: '333333333333', role: 'Developer', origin },
  { name: 'prod-admin', kind: 'role', roleArn: 'arn:aws:iam::111111111111:role/Admin', account: '111111111111', role: 'Admin', origin },
  { name: 'prod-ops', kind: 'role', roleArn: 'arn:aws:iam::111111111111:role/ReadOnly', account: '111111111111', role: 'ReadOnly', origin },
  { name: 'staging', kind: 'role', roleArn: 'arn:aws:iam::222222222222:role/Admin', account: '222222222222', role: 'Admin', origin },
  { name: 'tool', kind: 'process', source: 'credential_process', origin },
];

function names(term: string | undefined): string[] {
  return filterProfiles(profiles, term).map((profile) => profile.name);
}

describe('filterProfiles', () => {
  it('keeps every profile, in order, for no term, an empty one or blanks', () => {
    const all = profiles.map((profile) => profile.name);
    assert.deepEqual(names(undefined), all);
    assert.deepEqual(names(''), all);
    assert.deepEqual(names('   '), all);
  });

  it('matches a word anywhere in the name, ignoring case', () => {
    assert.deepEqual(names('PROD'), ['prod-admin', 'prod-ops']);
    assert.deepEqual(names('ops'), ['prod-ops']);
  });

  it('matches the account, the role and the kind too', () => {
    assert.deepEqual(names('2222'), ['staging']);
    assert.deepEqual(names('admin'), ['prod-admin', 'staging']);
    assert.deepEqual(names('readonly'), ['prod-ops']);
    assert.deepEqual(names('sso'), ['dev-sso']);
    assert.deepEqual(names('process'), ['tool']);
    assert.deepEqual(names('static'), ['default']);
  });

  it('needs every word to match, each in any field', () => {
    assert.deepEqual(names('prod admin'), ['prod-admin']);
    assert.deepEqual(names('admin 2222'), ['staging']);
    assert.deepEqual(names('  role   111 '), ['prod-admin', 'prod-ops']);
    assert.deepEqual(names('prod developer'), []);
  });

  it('does not match the role ARN, the source or the region, which the list does not show', () => {
    assert.deepEqual(names('arn:aws'), []);
    assert.deepEqual(names('credential_process'), []);
  });
});
