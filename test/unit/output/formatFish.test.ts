import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAssumeError } from '../../../src/errors.js';
import { formatFish } from '../../../src/output/formatFish.js';
import { temporary, staticKeys } from '../../helpers/credentialsFixtures.js';


function regionLine(region: string): string {
  const line = formatFish({ ...staticKeys, region }).split('\n')[7];
  assert.ok(line !== undefined);
  return line;
}

describe('formatFish', () => {
  it('prints temporary credentials with a region as set -gx, stale variables erased first', () => {
    assert.equal(
      formatFish(temporary),
      [
        'set -e AWS_PROFILE;',
        'set -e AWS_DEFAULT_PROFILE;',
        'set -e AWS_SECURITY_TOKEN;',
        "set -gx AWS_ACCESS_KEY_ID 'ASIAIOSFODNN7EXAMPLE';",
        "set -gx AWS_SECRET_ACCESS_KEY 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';",
        "set -gx AWS_SESSION_TOKEN 'IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN==';",
        "set -gx AWS_CREDENTIAL_EXPIRATION '2026-11-28T17:36:45Z';",
        "set -gx AWS_REGION 'eu-west-1';",
        "set -gx AWS_DEFAULT_REGION 'eu-west-1';",
        '',
      ].join('\n'),
    );
  });

  it('erases a stale session token and expiration for static keys, and leaves the region alone when none is known', () => {
    assert.equal(
      formatFish(staticKeys),
      [
        'set -e AWS_PROFILE;',
        'set -e AWS_DEFAULT_PROFILE;',
        'set -e AWS_SECURITY_TOKEN;',
        'set -e AWS_SESSION_TOKEN;',
        'set -e AWS_CREDENTIAL_EXPIRATION;',
        "set -gx AWS_ACCESS_KEY_ID 'AKIAIOSFODNN7EXAMPLE';",
        "set -gx AWS_SECRET_ACCESS_KEY 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';",
        '',
      ].join('\n'),
    );
  });

  const encodings: [string, string, string][] = [
    ['an empty value', '', "set -gx AWS_REGION '';"],
    ['a leading dash', '-e', "set -gx AWS_REGION '-e';"],
    ['spaces and a line break outside the quotes', 'a b\nc', "set -gx AWS_REGION 'a'\\x20'b'\\x0a'c';"],
    ['quotes and backslashes', `'"\\`, 'set -gx AWS_REGION \\x27\\x22\\x5c;'],
    ['command substitutions and variables', '(id)$HOME', "set -gx AWS_REGION \\x28'id'\\x29\\x24'HOME';"],
    ['a literal escape sequence', '\\u0041', "set -gx AWS_REGION \\x5c'u0041';"],
    ['non-ASCII at full width, so a following hex digit stays out', 'é1', "set -gx AWS_REGION \\u00e9'1';"],
    ['astral characters with \\U', '😀', 'set -gx AWS_REGION \\U0001f600;'],
    ['characters fish reserves as UTF-8 bytes', '\uf641\ufdd0', 'set -gx AWS_REGION \\Xef\\X99\\X81\\Xef\\Xb7\\X90;'],
    ['line and paragraph separators', '\u2028\u2029', 'set -gx AWS_REGION \\u2028\\u2029;'],
  ];
  for (const [what, value, expected] of encodings) {
    it(`encodes ${what}`, () => {
      assert.equal(regionLine(value), expected);
    });
  }

  it('prints one statement per line, ending with ;, in printable ASCII only', () => {
    for (const value of ['a\nb', '\r', '\t', ' ', '\u0085', '\u00a0', '\x1b[31m', ';', '#']) {
      const text = formatFish({ ...staticKeys, region: value });
      assert.match(text, /^[\x20-\x7e\n]*\n$/, JSON.stringify(value));
      for (const line of text.slice(0, -1).split('\n')) assert.match(line, /^set -(e|gx) AWS_[A-Z_]+( [^ ]+)?;$/, JSON.stringify(value));
    }
  });

  it('refuses a NUL and names the variable, never the value', () => {
    assert.throws(
      () => formatFish({ credentials: { ...staticKeys.credentials, sessionToken: 'hunter2\0' } }),
      (error: unknown) =>
        isAssumeError(error) && error.code === 'OUTPUT_UNSAFE' && error.message.includes('AWS_SESSION_TOKEN') && !error.message.includes('hunter2'),
    );
  });
});
