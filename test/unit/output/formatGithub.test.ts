import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { CredentialsOutput } from '../../../src/credentials.js';
import { isAssumeError } from '../../../src/errors.js';
import { formatGithub } from '../../../src/output/formatGithub.js';
import { generateValues, handPicked } from '../../helpers/adversarialValues.js';
import { staticKeys, temporary } from '../../helpers/credentialsFixtures.js';
import { parseGithubCommandFile } from '../../helpers/parseGithubCommandFile.js';

/**
 * Reads stdout as the runner reads workflow commands (ActionCommand.TryParseV2): one per
 * line, `::add-mask::DATA`, DATA unescaped %0D, %0A, then %25. Fails on any other line.
 */
function parseMasks(stdout: string): string[] {
  if (stdout === '') return [];
  assert.ok(stdout.endsWith('\n'), 'stdout ends with a line break');
  return stdout.slice(0, -1).split(/\r\n|\r|\n/).map((line) => {
    assert.ok(line.startsWith('::add-mask::'), `not an add-mask command: ${JSON.stringify(line)}`);
    return line.slice('::add-mask::'.length).replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
  });
}

/** Delimiters `D1`, `D2`, ... so the expected text can be written out. */
function counter(): () => string {
  let count = 0;
  return () => `ghadelimiter_${++count}`;
}

const random = (): string => `ghadelimiter_${randomUUID()}`;

function entries(...pairs: [string, string][]): string {
  return pairs.map(([name, value], index) => `${name}<<ghadelimiter_${index + 1}\n${value}\nghadelimiter_${index + 1}\n`).join('');
}

describe('formatGithub', () => {
  it('masks the three secrets and writes every variable of temporary credentials in NAME<<DELIMITER entries', () => {
    const text = formatGithub(temporary, { outputs: false, newDelimiter: counter() });
    assert.equal(
      text.masks,
      '::add-mask::ASIAIOSFODNN7EXAMPLE\n::add-mask::wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n::add-mask::IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN==\n',
    );
    assert.equal(
      text.env,
      entries(
        ['AWS_ACCESS_KEY_ID', 'ASIAIOSFODNN7EXAMPLE'],
        ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
        ['AWS_SESSION_TOKEN', 'IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN=='],
        ['AWS_CREDENTIAL_EXPIRATION', '2026-11-28T17:36:45Z'],
        ['AWS_REGION', 'eu-west-1'],
        ['AWS_DEFAULT_REGION', 'eu-west-1'],
        ['AWS_SECURITY_TOKEN', ''],
      ),
    );
    assert.equal(text.outputs, '', 'no outputs unless asked for');
  });

  it('writes the outputs configure-aws-credentials sets, and aws-region, with --output', () => {
    const text = formatGithub(temporary, { outputs: true, newDelimiter: counter() });
    assert.deepEqual(
      [...parseGithubCommandFile(text.outputs)],
      [
        ['aws-access-key-id', 'ASIAIOSFODNN7EXAMPLE'],
        ['aws-secret-access-key', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
        ['aws-session-token', 'IQoJb3JpZ2luX2VjEXAMPLE+/TOKEN=='],
        ['aws-expiration', '2026-11-28T17:36:45Z'],
        ['aws-region', 'eu-west-1'],
      ],
    );
    assert.match(text.outputs, /^aws-access-key-id<<ghadelimiter_8\nASIAIOSFODNN7EXAMPLE\nghadelimiter_8\n/, 'outputs come after the 7 env entries, each with its own delimiter');
  });

  it('blanks AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION and AWS_SECURITY_TOKEN for long-term keys, so no stale token pairs with them', () => {
    const text = formatGithub(staticKeys, { outputs: true, newDelimiter: counter() });
    assert.equal(text.masks, '::add-mask::AKIAIOSFODNN7EXAMPLE\n::add-mask::wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
    assert.deepEqual(
      [...parseGithubCommandFile(text.env)],
      [
        ['AWS_ACCESS_KEY_ID', 'AKIAIOSFODNN7EXAMPLE'],
        ['AWS_SECRET_ACCESS_KEY', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
        ['AWS_SESSION_TOKEN', ''],
        ['AWS_CREDENTIAL_EXPIRATION', ''],
        ['AWS_SECURITY_TOKEN', ''],
      ],
    );
    assert.deepEqual([...parseGithubCommandFile(text.outputs).keys()], ['aws-access-key-id', 'aws-secret-access-key']);
  });

  it('never writes AWS_PROFILE or AWS_DEFAULT_PROFILE: an empty profile name breaks the AWS CLI', () => {
    for (const out of [temporary, staticKeys]) {
      const names = [...parseGithubCommandFile(formatGithub(out, { outputs: false, newDelimiter: random }).env).keys()];
      assert.ok(!names.includes('AWS_PROFILE') && !names.includes('AWS_DEFAULT_PROFILE'), names.join(','));
    }
  });

  it('escapes %, CR and LF in masks as @actions/core does, so a value cannot end its command or start another', () => {
    const secret = 'a%0Ab\r\n::set-env name=AWS_PROFILE::evil\n%25';
    const text = formatGithub({ credentials: { accessKeyId: 'AKIA', secretAccessKey: secret } }, { outputs: false, newDelimiter: random });
    assert.equal(text.masks, '::add-mask::AKIA\n::add-mask::a%250Ab%0D%0A::set-env name=AWS_PROFILE::evil%0A%2525\n');
    assert.deepEqual(parseMasks(text.masks), ['AKIA', secret]);
  });

  it('prints no mask for an empty value, which would mask nothing and make the runner warn', () => {
    const text = formatGithub({ credentials: { accessKeyId: 'AKIA', secretAccessKey: 'x', sessionToken: '' } }, { outputs: false, newDelimiter: random });
    assert.deepEqual(parseMasks(text.masks), ['AKIA', 'x']);
    assert.equal(parseGithubCommandFile(text.env).get('AWS_SESSION_TOKEN'), '');
  });

  it('asks for a new delimiter for every entry', () => {
    let calls = 0;
    formatGithub(temporary, { outputs: true, newDelimiter: () => `ghadelimiter_${++calls}` });
    assert.equal(calls, 12);
  });

  const served = [...handPicked, ...generateValues(400, 0x6174)].filter((value) => !value.endsWith('\r'));
  it(`round-trips ${served.length} adversarial values exactly through GITHUB_ENV, GITHUB_OUTPUT and the masks`, () => {
    const failures: string[] = [];
    for (const value of served) {
      const out: CredentialsOutput = {
        credentials: { accessKeyId: `${value}|id`, secretAccessKey: value, sessionToken: `|${value}`, expiration: new Date('2030-01-02T03:04:05Z') },
        region: value,
      };
      const text = formatGithub(out, { outputs: true, newDelimiter: random });
      const env = parseGithubCommandFile(text.env);
      const outputs = parseGithubCommandFile(text.outputs);
      const expected: [Map<string, string>, string, string][] = [
        [env, 'AWS_ACCESS_KEY_ID', `${value}|id`],
        [env, 'AWS_SECRET_ACCESS_KEY', value],
        [env, 'AWS_SESSION_TOKEN', `|${value}`],
        [env, 'AWS_REGION', value],
        [env, 'AWS_DEFAULT_REGION', value],
        [env, 'AWS_CREDENTIAL_EXPIRATION', '2030-01-02T03:04:05Z'],
        [env, 'AWS_SECURITY_TOKEN', ''],
        [outputs, 'aws-access-key-id', `${value}|id`],
        [outputs, 'aws-secret-access-key', value],
        [outputs, 'aws-session-token', `|${value}`],
        [outputs, 'aws-region', value],
      ];
      for (const [file, name, want] of expected) {
        if (file.get(name) !== want) failures.push(`${name} for ${JSON.stringify(value)}: got ${JSON.stringify(file.get(name))}`);
      }
      if (env.size !== 7 || outputs.size !== 5) failures.push(`extra entries for ${JSON.stringify(value)}`);
      const masks = parseMasks(text.masks);
      const wantMasks = [`${value}|id`, value, `|${value}`].filter((secret) => secret !== '');
      if (JSON.stringify(masks) !== JSON.stringify(wantMasks)) failures.push(`masks for ${JSON.stringify(value)}: ${JSON.stringify(masks)}`);
    }
    assert.deepEqual(failures, []);
  });

  it('round-trips through the Windows runner too, which also ends lines at CRLF', () => {
    for (const value of ['a\r\nb', '\r\n', 'x\r\n\r\ny', '\ra', 'a\rb']) {
      const text = formatGithub({ credentials: { accessKeyId: 'AKIA', secretAccessKey: value } }, { outputs: false, newDelimiter: random });
      assert.equal(parseGithubCommandFile(text.env, { windows: true }).get('AWS_SECRET_ACCESS_KEY'), value, JSON.stringify(value));
    }
  });

  const refusals: [string, string, string][] = [
    ['a NUL, which no environment variable can hold', 'a\0b', 'NUL'],
    ['a lone surrogate, which has no UTF-8 form', 'a\ud800b', 'surrogate'],
    ['a trailing carriage return, which the runner on Windows drops', 'ab\r', 'carriage return'],
  ];
  for (const [what, value, reason] of refusals) {
    it(`refuses ${what}, naming the variable and never the value`, () => {
      assert.throws(
        () => formatGithub({ ...temporary, credentials: { ...temporary.credentials, sessionToken: `hunter2${value}` } }, { outputs: false, newDelimiter: random }),
        (error: unknown) =>
          isAssumeError(error) &&
          error.code === 'OUTPUT_UNSAFE' &&
          error.message.includes('AWS_SESSION_TOKEN') &&
          error.message.includes(reason) &&
          !error.message.includes('hunter2'),
      );
    });
  }

  it('shows why a trailing CR is refused: the Windows runner would read the value without it', () => {
    const text = 'AWS_SESSION_TOKEN<<D\nab\r\nD\n';
    assert.equal(parseGithubCommandFile(text).get('AWS_SESSION_TOKEN'), 'ab\r');
    assert.equal(parseGithubCommandFile(text, { windows: true }).get('AWS_SESSION_TOKEN'), 'ab');
  });

  it('refuses a value that contains its delimiter, as @actions/core does, never naming the value', () => {
    const delimiter = 'ghadelimiter_fixed';
    assert.throws(
      () => formatGithub({ credentials: { accessKeyId: 'AKIA', secretAccessKey: `hunter2\n${delimiter}\nAWS_PROFILE=evil` } }, { outputs: false, newDelimiter: () => delimiter }),
      (error: unknown) =>
        isAssumeError(error) && error.code === 'OUTPUT_UNSAFE' && error.message.includes('AWS_SECRET_ACCESS_KEY') && error.message.includes('delimiter') && !error.message.includes('hunter2'),
    );
  });

  it('keeps a value whose line looks like an entry or another delimiter as data', () => {
    const secret = 'x\nAWS_PROFILE=evil\nEOF\nAWS_REGION<<EOF\nghadelimiter_\n';
    const env = parseGithubCommandFile(formatGithub({ credentials: { accessKeyId: 'AKIA', secretAccessKey: secret } }, { outputs: false, newDelimiter: random }).env);
    assert.equal(env.get('AWS_SECRET_ACCESS_KEY'), secret);
    assert.equal(env.has('AWS_PROFILE'), false);
    assert.equal(env.has('AWS_REGION'), false);
  });

  it('refuses a delimiter that is empty or holds a line break: a bug in the caller', () => {
    for (const delimiter of ['', 'a\nb', 'a\r']) {
      assert.throws(
        () => formatGithub(temporary, { outputs: false, newDelimiter: () => delimiter }),
        (error: unknown) => isAssumeError(error) && error.code === 'INTERNAL',
      );
    }
  });
});

describe('parseGithubCommandFile (the test reader of the runner rules)', () => {
  it('reads NAME=VALUE lines, skips empty lines, and lets a later entry win', () => {
    assert.deepEqual([...parseGithubCommandFile('A=1\n\nB=x=y\nA=2\nC<<E\nl1\nl2\nE\n')], [['A', '2'], ['B', 'x=y'], ['C', 'l1\nl2']]);
  });

  it('fails like the runner when the delimiter never comes', () => {
    assert.throws(() => parseGithubCommandFile('A<<E\nvalue\n'), /Matching delimiter not found/);
  });
});
