import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Chalk } from 'chalk';
import type { ProfileSummary } from '../../../src/commands/profileSummary.js';
import { formatPickerRows } from '../../../src/picker/formatPickerRows.js';

const plain = new Chalk({ level: 0 });
const home = '/home/me';
const config = '/home/me/.aws/config';

const profiles: ProfileSummary[] = [
  { name: 'default', kind: 'static', source: 'static keys', origin: { file: '/home/me/.aws/credentials', line: 1 } },
  { name: 'dev-sso', kind: 'sso', account: '333333333333', role: 'Developer', source: 'sso_session corp', region: 'eu-west-1', origin: { file: config, line: 4 } },
  {
    name: 'prod-admin',
    kind: 'role',
    roleArn: 'arn:aws:iam::111111111111:role/Admin',
    account: '111111111111',
    role: 'Admin',
    source: 'source_profile default',
    origin: { file: config, line: 10 },
  },
];

describe('formatPickerRows', () => {
  it('aligns name, kind, account and role in columns as wide as their widest cell', () => {
    const rows = formatPickerRows(profiles, { width: undefined, paint: plain, homeDir: home });
    assert.deepEqual(
      rows.map((row) => row.label),
      [
        'default     static',
        'dev-sso     sso     333333333333  Developer',
        'prod-admin  role    111111111111  Admin',
      ],
    );
    assert.deepEqual(
      rows.map((row) => row.profile.name),
      ['default', 'dev-sso', 'prod-admin'],
    );
  });

  it('describes the profile: role ARN, source, region, and the file and line with ~ for the home folder', () => {
    const rows = formatPickerRows(profiles, { width: undefined, paint: plain, homeDir: home });
    assert.deepEqual(
      rows.map((row) => row.description),
      [
        'static keys  ~/.aws/credentials:1',
        'sso_session corp  region eu-west-1  ~/.aws/config:4',
        'arn:aws:iam::111111111111:role/Admin  source_profile default  ~/.aws/config:10',
      ],
    );
    const elsewhere = formatPickerRows(profiles, { width: undefined, paint: plain, homeDir: '/home/other' });
    assert.equal(elsewhere[1]?.description, 'sso_session corp  region eu-west-1  /home/me/.aws/config:4');
  });

  it('leaves out a column no profile fills', () => {
    const rows = formatPickerRows(
      [
        { name: 'a', kind: 'static', origin: { file: config, line: 1 } },
        { name: 'bb', kind: 'process', origin: { file: config, line: 3 } },
      ],
      { width: undefined, paint: plain, homeDir: home },
    );
    assert.deepEqual(
      rows.map((row) => row.label),
      ['a   static', 'bb  process'],
    );
  });

  it('cuts a line longer than the terminal with …, the role first, so no line wraps', () => {
    const rows = formatPickerRows(profiles, { width: 44, paint: plain, homeDir: home });
    assert.deepEqual(
      rows.map((row) => row.label),
      [
        'default     static',
        'dev-sso     sso     333333333333  Develo…',
        'prod-admin  role    111111111111  Admin',
      ],
    );
    assert.equal(rows[2]?.description, 'arn:aws:iam::111111111111:role/Admin  so…');
    for (const row of rows) assert.ok(row.label.length <= 41 && row.description.length <= 41, `${row.label} | ${row.description}`);
    const narrow = formatPickerRows(profiles, { width: 20, paint: plain, homeDir: home });
    assert.deepEqual(
      narrow.map((row) => row.label),
      ['default     stat…', 'dev-sso     sso', 'prod-admin  role'],
    );
  });

  it('shows control characters of names and values escaped, so a config cannot drive the terminal', () => {
    const [row] = formatPickerRows([{ name: 'evil\u001b[2J', kind: 'role', role: 'R\u0007', roleArn: 'arn\u001b]0;x', origin: { file: config, line: 2 } }], {
      width: undefined,
      paint: plain,
      homeDir: home,
    });
    assert.equal(row?.label, 'evil\\u001b[2J  role  R\\u0007');
    assert.equal(row.description, 'arn\\u001b]0;x  ~/.aws/config:2');
  });

  it('paints kind, account and role at a color level above 0, and only the padding is outside the colors', () => {
    const [, row] = formatPickerRows(profiles, { width: undefined, paint: new Chalk({ level: 1 }), homeDir: home });
    assert.equal(row?.label, 'dev-sso     \u001b[35msso\u001b[39m     \u001b[33m333333333333\u001b[39m  \u001b[32mDeveloper\u001b[39m');
  });
});
