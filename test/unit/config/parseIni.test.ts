// Every expected answer here is what the AWS CLI v2 (2.9.19, /usr/bin/aws, Python 3.11
// RawConfigParser + botocore) does with the same text: each case was run through it
// (`aws configure get ...`, `aws configure list-profiles`, and botocore's full_config).
// "where ini ..." names what the `ini` package does differently, which this parser corrects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssumeError } from '../../../src/errors.js';
import { parseIni } from '../../../src/config/parseIni.js';
import { plain } from '../../helpers/plainIni.js';
import type { PlainDoc } from '../../helpers/plainIni.js';

const FILE = '/home/u/.aws/config';

function refusal(text: string): AssumeError {
  try {
    parseIni(text, FILE);
  } catch (error) {
    assert.ok(error instanceof AssumeError, `expected an AssumeError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected parseIni to refuse the text');
}

describe('parseIni', () => {
  const cases: { name: string; text: string; expected: PlainDoc }[] = [
    {
      name: 'keeps [profile acme.prod] as one section named as written, where ini nests it under "profile acme"',
      text: '[profile acme.prod]\nregion = us-east-1\n',
      expected: [['profile acme.prod', [['region', 'us-east-1']]]],
    },
    {
      name: 'keeps the header as written, spaces and quotes included, for the loader to split',
      text: '[profile "a b"]\nk = 1\n[profile  spaced  ]\nk = 2\n[ ]\nk = 3\n',
      expected: [
        ['profile "a b"', [['k', '1']]],
        ['profile  spaced  ', [['k', '2']]],
        [' ', [['k', '3']]],
      ],
    },
    {
      name: 'keeps an inline # comment as part of the value as the AWS CLI does, where ini strips it',
      text: '[default]\nregion = us-east-1 # prod\n',
      expected: [['default', [['region', 'us-east-1 # prod']]]],
    },
    {
      name: 'keeps an inline ; comment as part of the value as the AWS CLI does, where ini strips it',
      text: '[default]\noutput = json ; or text\n',
      expected: [['default', [['output', 'json ; or text']]]],
    },
    {
      name: 'skips full-line # and ; comments, indented ones included',
      text: '# top\n; top\n[default]\n  # indented\nregion = a\n   ; indented\n\t# tab\n',
      expected: [['default', [['region', 'a']]]],
    },
    {
      name: 'ignores text after the last ] of a header, as the AWS CLI does with [profile x] ; note',
      text: '[profile x] ; note\nk = 1\n[profile y]]\nk = 2\n[profile z] trailing [junk]\nk = 3\n',
      expected: [
        ['profile x', [['k', '1']]],
        ['profile y]', [['k', '2']]],
        ['profile z] trailing [junk', [['k', '3']]],
      ],
    },
    {
      name: 'lower-cases keys as the AWS CLI does (Region is region), where ini keeps their case',
      text: '[default]\nRegion = eu-west-1\nAWS_Access_Key_ID = AKIA\n',
      expected: [['default', [['region', 'eu-west-1'], ['aws_access_key_id', 'AKIA']]]],
    },
    {
      name: 'accepts : as a separator as the AWS CLI does, where ini takes the whole line as a key',
      text: '[default]\nregion: eu-west-1\noutput:json\n',
      expected: [['default', [['region', 'eu-west-1'], ['output', 'json']]]],
    },
    {
      name: 'splits at the first = or : and keeps the others in the value, as the AWS CLI does',
      text: '[default]\nrole_arn = arn:aws:iam::123:role/x=y\nendpoint_url = https://h:8080\nhttps://x = y\n',
      expected: [
        [
          'default',
          [
            ['role_arn', 'arn:aws:iam::123:role/x=y'],
            ['endpoint_url', 'https://h:8080'],
            ['https', '//x = y'],
          ],
        ],
      ],
    },
    {
      name: 'reads an empty value as the empty string',
      text: '[default]\nmfa_serial =\nexternal_id=\n',
      expected: [['default', [['mfa_serial', ''], ['external_id', '']]]],
    },
    {
      name: 'keeps true, false, null, quotes and key[] as text, where ini converts them',
      text: '[default]\na = true\nb = null\nc = "quoted"\nd[] = 1\n',
      expected: [['default', [['a', 'true'], ['b', 'null'], ['c', '"quoted"'], ['d[]', '1']]]],
    },
    {
      name: 'strips spaces and tabs around keys and values, trailing whitespace included',
      text: '[default]   \n  region\t=\tus-east-1  \t\nmy key = v\n',
      expected: [['default', [['region', 'us-east-1'], ['my key', 'v']]]],
    },
    {
      name: 'ends lines at CRLF and at a lone CR, as Python universal newlines do',
      text: '[default]\r\nregion = a\r\noutput = json\r[profile b]\rk = v',
      expected: [
        ['default', [['region', 'a'], ['output', 'json']]],
        ['profile b', [['k', 'v']]],
      ],
    },
    {
      name: 'strips whitespace as Python does: NBSP, U+001C and U+0085 go, a U+FEFF inside a value stays',
      text: '[default]\na = x\u00a0\nb = y\u001c\nc = \u0085z\u0085\nd = \uFEFFw\n',
      expected: [['default', [['a', 'x'], ['b', 'y'], ['c', 'z'], ['d', '\uFEFFw']]]],
    },
    {
      name: 'joins a deeper-indented line to the value above, as the AWS CLI does, where ini makes it a key',
      text: '[default]\nregion = us-east-1\n  output = json\n',
      expected: [['default', [['region', 'us-east-1\noutput = json']]]],
    },
    {
      name: 'keeps blank lines inside a continued value and drops trailing ones; comment lines are skipped',
      text: '[default]\nk = a\n\n  b\n# note\n  c\n\n\nj = 1\n',
      expected: [['default', [['k', 'a\n\nb\nc'], ['j', '1']]]],
    },
    {
      name: 'reads equally indented lines under a header as ordinary settings',
      text: '[default]\n  region = a\n  output = json\n    more\n',
      expected: [['default', [['region', 'a'], ['output', 'json\nmore']]]],
    },
    {
      name: 'reads an indented [profile b] after a setting as a continuation line, as the AWS CLI does',
      text: '[profile a]\nk = v\n  [profile b]\nregion = r\n',
      expected: [['profile a', [['k', 'v\n[profile b]'], ['region', 'r']]]],
    },
    {
      name: 'reads sub-properties under an empty value (s3 =), where ini flattens them into the section',
      text: '[profile a]\ns3 =\n  addressing_style = path\n  max_concurrent_requests = 5\nregion = r\n',
      expected: [
        [
          'profile a',
          [
            [
              's3',
              [
                ['addressing_style', 'path'],
                ['max_concurrent_requests', '5'],
              ],
            ],
            ['region', 'r'],
          ],
        ],
      ],
    },
    {
      name: 'reads [services NAME] sub-properties (sts = then endpoint_url) as nested values',
      text: '[services dev]\nsts =\n  endpoint_url = http://localhost:4566\n',
      expected: [['services dev', [['sts', [['endpoint_url', 'http://localhost:4566']]]]]],
    },
    {
      name: 'keeps sub-property keys as written, skips blank and comment lines, keeps = in values, lets a repeat win',
      text: '[profile a]\nS3 =\n\n  Addressing_Style = path\n  # comment\n  dup = 1\n  dup = 2\n  = nokey\n  eq = a=b\n',
      expected: [
        [
          'profile a',
          [
            [
              's3',
              [
                ['Addressing_Style', 'path'],
                ['dup', '2'],
                ['', 'nokey'],
                ['eq', 'a=b'],
              ],
            ],
          ],
        ],
      ],
    },
    {
      name: 'reads a value that goes on over indented lines as multi-line text when its first line is not empty',
      text: '[profile a]\ns3 = x\n  addressing_style: path\n',
      expected: [['profile a', [['s3', 'x\naddressing_style: path']]]],
    },
    {
      name: 'keeps __proto__, constructor and toString as plain section and key names, where ini drops [__proto__]',
      text: '[__proto__]\nconstructor = 1\ntoString = 2\n__proto__ = 3\n[constructor]\nk = 1\n[toString]\n',
      expected: [
        [
          '__proto__',
          [
            ['constructor', '1'],
            ['tostring', '2'],
            ['__proto__', '3'],
          ],
        ],
        ['constructor', [['k', '1']]],
        ['toString', []],
      ],
    },
    {
      name: 'gives every section the [DEFAULT] settings it does not set, after its own, as the AWS CLI does',
      text: '[DEFAULT]\nregion = def\n[profile a]\nk = 1\nregion = a\n[DEFAULT]\noutput = json\n[profile b]\n',
      expected: [
        [
          'profile a',
          [
            ['k', '1'],
            ['region', 'a'],
            ['output', 'json'],
          ],
        ],
        [
          'profile b',
          [
            ['region', 'def'],
            ['output', 'json'],
          ],
        ],
      ],
    },
    {
      name: 'reads [default] as an ordinary section, apart from [DEFAULT]',
      text: '[DEFAULT]\nregion = def\n[default]\noutput = json\n',
      expected: [
        [
          'default',
          [
            ['output', 'json'],
            ['region', 'def'],
          ],
        ],
      ],
    },
    {
      name: 'reads [profile a = b without a closing bracket as a setting, as the AWS CLI does',
      text: '[default]\n[profile a = b\n',
      expected: [['default', [['[profile a', 'b']]]],
    },
    {
      name: 'keeps a NUL character inside a value (valid UTF-8 text)',
      text: '[default]\nk = a\u0000b\n',
      expected: [['default', [['k', 'a\u0000b']]]],
    },
    {
      name: 'reads a file of comments and blank lines, or only [DEFAULT], as no sections',
      text: '\n  \n# c\n; c\n[DEFAULT]\nregion = x\n',
      expected: [],
    },
    { name: 'reads the empty text as no sections', text: '', expected: [] },
  ];
  for (const { name, text, expected } of cases) {
    it(name, () => {
      assert.deepEqual(plain(parseIni(text, FILE)), expected);
    });
  }

  it('records the file and 1-based line of every section, setting and sub-property', () => {
    const doc = parseIni('# c\n[profile a]\nregion = r\n  more\ns3 =\n\n  x = 1\n[DEFAULT]\nout = j\n', FILE);
    assert.equal(doc.file, FILE);
    const section = doc.sections[0];
    assert.ok(section);
    assert.equal(section.line, 2);
    assert.deepEqual(section.settings.get('region')?.origin, { file: FILE, line: 3 });
    assert.deepEqual(section.settings.get('s3')?.origin, { file: FILE, line: 5 });
    assert.deepEqual(section.settings.get('s3')?.nested?.get('x')?.origin, { file: FILE, line: 7 });
    assert.deepEqual(section.settings.get('out')?.origin, { file: FILE, line: 9 });
  });

  it('stores settings in maps with no prototype lookups: toString is absent unless written', () => {
    const section = parseIni('[a]\nk = 1\n', FILE).sections[0];
    assert.ok(section);
    assert.equal(section.settings.get('toString'), undefined);
    assert.equal(section.settings.get('constructor'), undefined);
    assert.equal(section.settings.get('__proto__'), undefined);
  });

  const refusals: { name: string; text: string; line: number; says: RegExp }[] = [
    {
      name: 'refuses a section written twice, as the AWS CLI does, where ini merges them',
      text: '[default]\nregion = a\n[default]\noutput = json\n',
      line: 3,
      says: /section \[default\] is written twice \(first at line 1\)/,
    },
    {
      name: 'refuses a key written twice in a section, as the AWS CLI does, where ini keeps the last',
      text: '[default]\nregion = a\nregion = b\n',
      line: 3,
      says: /region is set twice in \[default\] \(first at line 2\)/,
    },
    {
      name: 'refuses a key written twice in different case, as the AWS CLI does',
      text: '[default]\nregion = a\nRegion = b\n',
      line: 3,
      says: /region is set twice/,
    },
    {
      name: 'refuses a key written twice across two [DEFAULT] sections, as the AWS CLI does',
      text: '[DEFAULT]\nregion = a\n[DEFAULT]\nregion = b\n',
      line: 4,
      says: /region is set twice in \[DEFAULT\]/,
    },
    {
      name: 'refuses a setting before any section, as the AWS CLI does, where ini keeps it at the top level',
      text: 'region = a\n[default]\n',
      line: 1,
      says: /before any section header/,
    },
    {
      name: 'refuses a file that starts with a UTF-8 byte order mark, as the AWS CLI does',
      text: '\uFEFF[default]\nregion = a\n',
      line: 1,
      says: /byte order mark/,
    },
    {
      name: 'refuses a line that is neither a section, a setting nor a comment, as the AWS CLI does, where ini makes it a key set to true',
      text: '[default]\nregion = a\ngarbage\n',
      line: 3,
      says: /not a section header, a key = value setting or a comment/,
    },
    {
      name: 'refuses a line of binary junk, as the AWS CLI does',
      text: '[default]\n\u0000\u0001\u0002\n',
      line: 2,
      says: /not a section header/,
    },
    {
      name: 'refuses an unclosed section header, as the AWS CLI does',
      text: '[default]\n[profile w\n',
      line: 2,
      says: /not a section header/,
    },
    {
      name: 'refuses an empty header [], as the AWS CLI does',
      text: '[default]\n[]\n',
      line: 2,
      says: /not a section header/,
    },
    {
      name: 'refuses a setting with no key, as the AWS CLI does',
      text: '[default]\n= value\n',
      line: 2,
      says: /has no key before "="/,
    },
    {
      name: 'refuses a sub-property written with : instead of =, as the AWS CLI does',
      text: '[profile a]\ns3 =\n  addressing_style: path\n',
      line: 3,
      says: /has no "="/,
    },
    {
      name: 'refuses a sub-property line with no =, as the AWS CLI does',
      text: '[services dev]\nsts =\n  endpoint_url = http://x\n  junk\n',
      line: 4,
      says: /has no "="/,
    },
    {
      name: 'refuses a bad [DEFAULT] sub-property block once a section inherits it, as the AWS CLI does',
      text: '[DEFAULT]\ns3 =\n  junk\n[profile a]\n',
      line: 3,
      says: /has no "="/,
    },
  ];
  for (const { name, text, line, says } of refusals) {
    it(name, () => {
      const error = refusal(text);
      assert.equal(error.code, 'CONFIG_PARSE');
      assert.ok(error.message.startsWith(`${FILE}:${line}: `), error.message);
      assert.match(error.message, says);
      assert.ok(error.hint !== undefined && error.hint.length > 0);
    });
  }

  it('does not repeat the content of a refused line, which could hold a secret', () => {
    const error = refusal('[default]\naws_secret_access_key wJalrXUtnFEMI\n');
    assert.doesNotMatch(error.message, /wJalrXUtnFEMI/);
  });

  it('shows control characters of a section name as \\u escapes in an error, so a terminal does not run them', () => {
    const error = refusal('[a\u001b[31m]\n[a\u001b[31m]\n');
    assert.match(error.message, /section \[a\\u001b\[31m\] is written twice/);
    assert.ok(!error.message.includes('\u001b'));
  });

  it('accepts a bad [DEFAULT] sub-property block that no section inherits, as the AWS CLI does', () => {
    assert.deepEqual(plain(parseIni('[DEFAULT]\ns3 =\n  junk\n[profile a]\ns3 = x\n', FILE)), [
      ['profile a', [['s3', 'x']]],
    ]);
    assert.deepEqual(plain(parseIni('[DEFAULT]\ns3 =\n  junk\n', FILE)), []);
  });
});

describe('parseIni on long lines', () => {
  // A `[ws]+$` or `(.*?)\s*([=:])` regex takes seconds on a line with a long inner run of
  // whitespace (30,000 spaces took 2.5 s, 1 MiB hung): parsing must stay linear.
  for (const [name, line] of [
    ['inside a value', `region = a${' '.repeat(1_048_576)}b`],
    ['inside a key', `a${' '.repeat(1_048_576)}b = x`],
    ['in a line with no separator', `a${'\t'.repeat(1_048_576)}b`],
    ['after the value', `region = a${' '.repeat(1_048_576)}`],
  ] as const) {
    it(`reads a 1 MiB run of whitespace ${name} in well under a second`, () => {
      const start = performance.now();
      try {
        parseIni(`[default]\n${line}\n`, '/c');
      } catch (error) {
        assert.ok(error instanceof AssumeError, String(error));
      }
      const ms = performance.now() - start;
      assert.ok(ms < 1_000, `${ms.toFixed(0)} ms`);
    });
  }

  it('keeps the value exact around a long inner run of whitespace, and strips the outer ones', () => {
    const inner = ' '.repeat(100_000);
    const parsed = parseIni(`[default]\nregion   =   a${inner}b   \n`, '/c');
    assert.equal(parsed.sections[0]?.settings.get('region')?.value, `a${inner}b`);
  });
});
