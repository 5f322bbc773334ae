import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAssumeError } from '../../../src/errors.js';
import { formatPowerShell } from '../../../src/output/formatPowerShell.js';
import { temporary, staticKeys } from '../../helpers/credentialsFixtures.js';


function regionLine(region: string): string {
  const line = formatPowerShell({ ...staticKeys, region }).split('\n')[7];
  assert.ok(line !== undefined);
  return line;
}

describe('formatPowerShell', () => {
  it('prints temporary credentials with a region as $env: assignments, stale variables removed first', () => {
    assert.equal(
      formatPowerShell(temporary),
      [
        'Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue;',
        'Remove-Item Env:AWS_DEFAULT_PROFILE -ErrorAction SilentlyContinue;',
        'Remove-Item Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue;',
        "$env:AWS_ACCESS_KEY_ID = 'ASIAIOSFODNN7EXAMPLE';",
        "$env:AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';",
        "$env:AWS_SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN==';",
        "$env:AWS_CREDENTIAL_EXPIRATION = '2026-11-28T17:36:45Z';",
        "$env:AWS_REGION = 'eu-west-1';",
        "$env:AWS_DEFAULT_REGION = 'eu-west-1';",
        '',
      ].join('\n'),
    );
  });

  it('removes a stale session token and expiration for static keys, and leaves the region alone when none is known', () => {
    assert.equal(
      formatPowerShell(staticKeys),
      [
        'Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue;',
        'Remove-Item Env:AWS_DEFAULT_PROFILE -ErrorAction SilentlyContinue;',
        'Remove-Item Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue;',
        'Remove-Item Env:AWS_SESSION_TOKEN -ErrorAction SilentlyContinue;',
        'Remove-Item Env:AWS_CREDENTIAL_EXPIRATION -ErrorAction SilentlyContinue;',
        "$env:AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';",
        "$env:AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';",
        '',
      ].join('\n'),
    );
  });

  const encodings: [string, string, string][] = [
    ['a single quote, doubled', "it's", "$env:AWS_REGION = 'it''s';"],
    ['only quotes', "''", "$env:AWS_REGION = '''''';"],
    ['what double quotes would expand, literally', '$(Get-Date) `n $env:HOME', "$env:AWS_REGION = '$(Get-Date) `n $env:HOME';"],
    ['spaces and double quotes, literally', ' a  "b" ', "$env:AWS_REGION = ' a  \"b\" ';"],
    ['typographic single quotes as [char] codes, never raw', '‘’‚‛', "$env:AWS_REGION = '' + [char]0x2018 + [char]0x2019 + [char]0x201A + [char]0x201B;"],
    ['a line break, which | Invoke-Expression would run as a new line', 'a\nb', "$env:AWS_REGION = 'a' + [char]0x000A + 'b';"],
    ['a leading control character after an empty string, so + joins strings', '\r\n', "$env:AWS_REGION = '' + [char]0x000D + [char]0x000A;"],
    ['non-ASCII as UTF-16 units', 'é😀', "$env:AWS_REGION = '' + [char]0x00E9 + [char]0xD83D + [char]0xDE00;"],
  ];
  for (const [what, value, expected] of encodings) {
    it(`writes ${what}`, () => {
      assert.equal(regionLine(value), expected);
    });
  }

  it('prints printable ASCII only, one statement per line ending with ;', () => {
    for (const value of ['\u2028', '\x1b[31m', 'naïve', '\u{10ffff}', '\t', '\x7f']) {
      const text = formatPowerShell({ ...staticKeys, region: value });
      assert.match(text, /^[\x20-\x7e\n]*\n$/, JSON.stringify(value));
      for (const line of text.slice(0, -1).split('\n')) assert.match(line, /;$/);
    }
  });

  const refusals: [string, string][] = [
    ['a NUL', 'a\0b'],
    ['an empty value, which would remove the variable', ''],
    ['a lone surrogate', '\udc00'],
  ];
  for (const [what, value] of refusals) {
    it(`refuses ${what} and names the variable`, () => {
      assert.throws(
        () => formatPowerShell({ ...staticKeys, region: value }),
        (error: unknown) => isAssumeError(error) && error.code === 'OUTPUT_UNSAFE' && error.message.includes('AWS_REGION'),
      );
    });
  }
});
