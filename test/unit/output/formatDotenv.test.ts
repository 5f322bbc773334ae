import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAssumeError } from '../../../src/errors.js';
import { formatDotenv } from '../../../src/output/formatDotenv.js';
import { temporary, staticKeys } from '../../helpers/credentialsFixtures.js';


describe('formatDotenv', () => {
  it('prints temporary credentials with a region as bare NAME=value lines', () => {
    assert.equal(
      formatDotenv(temporary),
      [
        'AWS_ACCESS_KEY_ID=ASIAIOSFODNN7EXAMPLE',
        'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
        'AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN==',
        'AWS_CREDENTIAL_EXPIRATION=2026-11-28T17:36:45Z',
        'AWS_REGION=eu-west-1',
        'AWS_DEFAULT_REGION=eu-west-1',
        '',
      ].join('\n'),
    );
  });

  it('prints only the keys for static keys without a region, and no unset lines', () => {
    assert.equal(
      formatDotenv(staticKeys),
      'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
    );
  });

  const quoted: [string, string, string][] = [
    ['an empty value, bare', '', 'AWS_REGION='],
    ['spaces at both ends, which a bare value would lose', ' a b ', "AWS_REGION=' a b '"],
    ['a #, which would start a comment', 'a#b', "AWS_REGION='a#b'"],
    ['a $, which dotenv-expand and compose would expand', '${HOME}', "AWS_REGION='${HOME}'"],
    ['double quotes and backslashes, literally', '"a\\nb"', "AWS_REGION='\"a\\nb\"'"],
    ['non-ASCII', 'é', "AWS_REGION='é'"],
  ];
  for (const [what, value, expected] of quoted) {
    it(`writes ${what}`, () => {
      assert.equal(formatDotenv({ ...staticKeys, region: value }).split('\n')[2], expected);
    });
  }

  const refusals: [string, string][] = [
    ['a single quote', "it's"],
    ['a line break, which would start another variable', 'x\nAWS_PROFILE=evil'],
    ['a carriage return, which readers turn into a line break', 'a\rb'],
    ['a NUL', 'a\0b'],
  ];
  for (const [what, value] of refusals) {
    it(`refuses ${what} and names the variable, never the value`, () => {
      assert.throws(
        () => formatDotenv({ credentials: { ...staticKeys.credentials, sessionToken: `hunter2${value}` } }),
        (error: unknown) =>
          isAssumeError(error) &&
          error.code === 'OUTPUT_UNSAFE' &&
          error.message.includes('AWS_SESSION_TOKEN') &&
          !error.message.includes('hunter2'),
      );
    });
  }
});
