import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAssumeError } from '../../../src/errors.js';
import { formatCmd } from '../../../src/output/formatCmd.js';
import { temporary, staticKeys } from '../../helpers/credentialsFixtures.js';


describe('formatCmd', () => {
  it('prints temporary credentials with a region as set "NAME=value", stale variables cleared first', () => {
    assert.equal(
      formatCmd(temporary),
      [
        'set AWS_PROFILE=',
        'set AWS_DEFAULT_PROFILE=',
        'set AWS_SECURITY_TOKEN=',
        'set "AWS_ACCESS_KEY_ID=ASIAIOSFODNN7EXAMPLE"',
        'set "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        'set "AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN=="',
        'set "AWS_CREDENTIAL_EXPIRATION=2026-11-28T17:36:45Z"',
        'set "AWS_REGION=eu-west-1"',
        'set "AWS_DEFAULT_REGION=eu-west-1"',
        '',
      ].join('\n'),
    );
  });

  it('clears a stale session token and expiration for static keys, and leaves the region alone when none is known', () => {
    assert.equal(
      formatCmd(staticKeys),
      [
        'set AWS_PROFILE=',
        'set AWS_DEFAULT_PROFILE=',
        'set AWS_SECURITY_TOKEN=',
        'set AWS_SESSION_TOKEN=',
        'set AWS_CREDENTIAL_EXPIRATION=',
        'set "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"',
        'set "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
        '',
      ].join('\n'),
    );
  });

  it('keeps inside the quotes what cmd.exe reads literally there: & | < > ^ ( ) spaces', () => {
    assert.equal(formatCmd({ ...staticKeys, region: ' a&b|c<d>e^f(g) ' }).split('\n')[7], 'set "AWS_REGION= a&b|c<d>e^f(g) "');
  });

  const refusals: [string, string][] = [
    ['a double quote, which would end the quotes', 'a"&calc'],
    ['a percent sign, which cmd.exe expands', '%PATH%'],
    ['an exclamation mark, which delayed expansion expands', '!PATH!'],
    ['a line break', 'a\nb'],
    ['a carriage return', 'a\rb'],
    ['a tab', 'a\tb'],
    ['another control character', '\x1b'],
    ['non-ASCII, which arrives in the console code page', 'é'],
    ['a NUL', 'a\0b'],
    ['an empty value, which would remove the variable', ''],
    ['a value longer than a command line', 'A'.repeat(8200)],
  ];
  for (const [what, value] of refusals) {
    it(`refuses ${what} and names the variable, never the value`, () => {
      assert.throws(
        () => formatCmd({ credentials: { ...staticKeys.credentials, secretAccessKey: value === '' ? '' : `hunter2${value}` } }),
        (error: unknown) =>
          isAssumeError(error) &&
          error.code === 'OUTPUT_UNSAFE' &&
          error.message.includes('AWS_SECRET_ACCESS_KEY') &&
          !error.message.includes('hunter2'),
      );
    });
  }
});
