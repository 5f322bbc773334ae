import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAssumeError } from '../../../src/errors.js';
import { formatSh } from '../../../src/output/formatSh.js';
import { temporary, staticKeys } from '../../helpers/credentialsFixtures.js';


/** The line formatSh prints for AWS_REGION holding `region`. */
function regionLine(region: string): string {
  const line = formatSh({ ...staticKeys, region }).split('\n')[3];
  assert.ok(line !== undefined);
  return line;
}

describe('formatSh', () => {
  it('prints temporary credentials with a region as readable exports, stale variables unset first', () => {
    assert.equal(
      formatSh(temporary),
      [
        'unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN;',
        "export AWS_ACCESS_KEY_ID='ASIAIOSFODNN7EXAMPLE';",
        "export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';",
        "export AWS_SESSION_TOKEN='IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN==';",
        "export AWS_CREDENTIAL_EXPIRATION='2026-11-28T17:36:45Z';",
        "export AWS_REGION='eu-west-1';",
        "export AWS_DEFAULT_REGION='eu-west-1';",
        '',
      ].join('\n'),
    );
  });

  it('unsets a stale session token and expiration for static keys, and leaves the region alone when none is known', () => {
    assert.equal(
      formatSh(staticKeys),
      [
        'unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SECURITY_TOKEN AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION;',
        "export AWS_ACCESS_KEY_ID='AKIAIOSFODNN7EXAMPLE';",
        "export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';",
        '',
      ].join('\n'),
    );
  });

  const encodings: [string, string, string][] = [
    ['an empty value', '', "export AWS_REGION='';"],
    ['a leading dash in a plain value', '-x', "export AWS_REGION='-x';"],
    ['a space', 'a b', 'AWS_REGION="`printf \'a\\040bx\'`";AWS_REGION="${AWS_REGION%x}";export AWS_REGION;'],
    ['trailing newlines, kept by the guard', 'a\n\n', 'AWS_REGION="`printf \'a\\012\\012x\'`";AWS_REGION="${AWS_REGION%x}";export AWS_REGION;'],
    ['a single quote', "it's", 'AWS_REGION="`printf \'it\\047sx\'`";AWS_REGION="${AWS_REGION%x}";export AWS_REGION;'],
    ['a command substitution', '$(touch X)', 'AWS_REGION="`printf \'\\044\\050touch\\040X\\051x\'`";AWS_REGION="${AWS_REGION%x}";export AWS_REGION;'],
    ['printf directives and backslashes', '%s\\n', 'AWS_REGION="`printf \'\\045s\\134nx\'`";AWS_REGION="${AWS_REGION%x}";export AWS_REGION;'],
    ['a digit after an escape, never read into it', '\n1', 'AWS_REGION="`printf \'\\0121x\'`";AWS_REGION="${AWS_REGION%x}";export AWS_REGION;'],
    ['a leading dash, which printf would take for an option', '-a b', 'AWS_REGION="`printf \'\\055a\\040bx\'`";AWS_REGION="${AWS_REGION%x}";export AWS_REGION;'],
    ['globs', '*?[a]', 'AWS_REGION="`printf \'\\052\\077\\133a\\135x\'`";AWS_REGION="${AWS_REGION%x}";export AWS_REGION;'],
    ['non-ASCII, as UTF-8 bytes', 'é😀', 'AWS_REGION="`printf \'\\303\\251\\360\\237\\230\\200x\'`";AWS_REGION="${AWS_REGION%x}";export AWS_REGION;'],
  ];
  for (const [what, value, expected] of encodings) {
    it(`encodes ${what}`, () => {
      assert.equal(regionLine(value), expected);
    });
  }

  it('prints nothing unquoted eval would split, glob or run: one line per statement, printable ASCII only', () => {
    const values = ['a  b', '\t', '*', '?', '[a]', '@(a)', '+(a)', '!(a)', '~', '#', '$HOME', '`id`', "'", '"', '\\', '\u2028', '\x1b[31m', 'é'];
    for (const value of values) {
      const text = formatSh({ credentials: { accessKeyId: value, secretAccessKey: value, sessionToken: value }, region: value });
      assert.match(text, /^[\x20-\x7e\n]*\n$/, JSON.stringify(value));
      assert.doesNotMatch(text, / {2}|[*?[(~#]/, JSON.stringify(value));
      for (const line of text.slice(0, -1).split('\n')) assert.match(line, /^[^ ].*;$/, JSON.stringify(value));
    }
  });

  it('refuses a NUL and names the variable, never the value', () => {
    assert.throws(
      () => formatSh({ credentials: { ...staticKeys.credentials, secretAccessKey: 'hunter2\0hunter3' } }),
      (error: unknown) =>
        isAssumeError(error) &&
        error.code === 'OUTPUT_UNSAFE' &&
        error.exitCode === 8 &&
        error.message.includes('AWS_SECRET_ACCESS_KEY') &&
        !error.message.includes('hunter') &&
        !(error.hint ?? '').includes('hunter'),
    );
  });

  it('refuses a lone surrogate, which has no UTF-8 form', () => {
    assert.throws(
      () => formatSh({ ...staticKeys, region: 'eu\ud800' }),
      (error: unknown) => isAssumeError(error) && error.code === 'OUTPUT_UNSAFE' && error.message.includes('AWS_REGION'),
    );
  });
});
