// Why parseIni is hand-written: each case runs the same text through the `ini` package (a
// devDependency, used only here) and through parseIni, and pins both answers. parseIni's
// answers are the AWS CLI's (see parseIni.test.ts); ini's are what ini 6 really returns.
// If an ini upgrade changes one of them, the test says which difference is gone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import ini from 'ini';
import { AssumeError } from '../../../src/errors.js';
import { parseIni } from '../../../src/config/parseIni.js';
import { plain } from '../../helpers/plainIni.js';
import type { PlainDoc } from '../../helpers/plainIni.js';

const FILE = '/home/u/.aws/config';

/**
 * The expected ini result built as ini builds its own: every object with a null prototype
 * (`Object.create(null)`), since a strict deepEqual compares prototypes. Arrays stay arrays.
 */
function bare(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(bare);
  if (typeof value !== 'object' || value === null) return value;
  const copy = Object.create(null) as Record<string, unknown>;
  for (const [key, child] of Object.entries(value)) copy[key] = bare(child);
  return copy;
}

/** What parseIni does with the text: the sections it reads, or the line where it refuses the file. */
type Ours = { sections: PlainDoc } | { refusedAt: number };

describe('parseIni, against the ini package', () => {
  const cases: { name: string; text: string; ini: Record<string, unknown>; ours: Ours }[] = [
    {
      name: 'ini nests [profile acme.prod] under profile acme; parseIni keeps one section named as written',
      text: '[profile acme.prod]\nregion = us-east-1\n',
      ini: { 'profile acme': { prod: { region: 'us-east-1' } } },
      ours: { sections: [['profile acme.prod', [['region', 'us-east-1']]]] },
    },
    {
      name: 'ini strips an inline # comment from a value; parseIni keeps it in the value, as the AWS CLI does',
      text: '[default]\nregion = us-east-1 # prod\n',
      ini: { default: { region: 'us-east-1' } },
      ours: { sections: [['default', [['region', 'us-east-1 # prod']]]] },
    },
    {
      name: 'ini strips an inline ; comment from a value; parseIni keeps it in the value, as the AWS CLI does',
      text: '[default]\noutput = json ; or text\n',
      ini: { default: { output: 'json' } },
      ours: { sections: [['default', [['output', 'json ; or text']]]] },
    },
    {
      name: 'ini keeps the case of keys (Region); parseIni lower-cases them, as the AWS CLI does',
      text: '[default]\nRegion = eu-west-1\nAWS_Access_Key_ID = AKIA\n',
      ini: { default: { Region: 'eu-west-1', AWS_Access_Key_ID: 'AKIA' } },
      ours: { sections: [['default', [['region', 'eu-west-1'], ['aws_access_key_id', 'AKIA']]]] },
    },
    {
      name: 'ini reads region: eu-west-1 as a whole-line key set to true; parseIni splits at the :, as the AWS CLI does',
      text: '[default]\nregion: eu-west-1\noutput:json\n',
      ini: { default: { 'region: eu-west-1': true, 'output:json': true } },
      ours: { sections: [['default', [['region', 'eu-west-1'], ['output', 'json']]]] },
    },
    {
      name: 'ini converts true, false, null, "quoted" and key[] to booleans, null, unquoted text and arrays; parseIni keeps the text',
      text: '[default]\na = true\nb = false\nc = null\nd = "quoted"\ne[] = 1\n',
      ini: { default: { a: true, b: false, c: null, d: 'quoted', e: ['1'] } },
      ours: {
        sections: [
          [
            'default',
            [
              ['a', 'true'],
              ['b', 'false'],
              ['c', 'null'],
              ['d', '"quoted"'],
              ['e[]', '1'],
            ],
          ],
        ],
      },
    },
    {
      name: 'ini reads a deeper-indented line as a key of its own; parseIni joins it to the value above, as the AWS CLI does',
      text: '[default]\nregion = us-east-1\n  output = json\n',
      ini: { default: { region: 'us-east-1', output: 'json' } },
      ours: { sections: [['default', [['region', 'us-east-1\noutput = json']]]] },
    },
    {
      name: 'ini flattens the sub-properties under s3 = into the section; parseIni nests them under s3, as botocore does',
      text: '[profile a]\ns3 =\n  addressing_style = path\n  max_concurrent_requests = 5\nregion = r\n',
      ini: { 'profile a': { s3: '', addressing_style: 'path', max_concurrent_requests: '5', region: 'r' } },
      ours: {
        sections: [
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
    },
    {
      name: 'ini drops [__proto__] and every setting under it; parseIni keeps it as a plain section, as the AWS CLI does',
      text: '[__proto__]\nconstructor = 1\ntoString = 2\n__proto__ = 3\n[constructor]\nk = 1\n[toString]\n',
      ini: { constructor: { k: '1' }, toString: {} },
      ours: {
        sections: [
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
    },
    {
      name: 'ini merges a section written twice; parseIni refuses the file, as the AWS CLI does',
      text: '[default]\nregion = a\n[default]\noutput = json\n',
      ini: { default: { region: 'a', output: 'json' } },
      ours: { refusedAt: 3 },
    },
    {
      name: 'ini keeps the last of a key written twice; parseIni refuses the file, as the AWS CLI does',
      text: '[default]\nregion = a\nregion = b\n',
      ini: { default: { region: 'b' } },
      ours: { refusedAt: 3 },
    },
    {
      name: 'ini keeps a setting before any section at the top level; parseIni refuses the file, as the AWS CLI does',
      text: 'region = a\n[default]\n',
      ini: { region: 'a', default: {} },
      ours: { refusedAt: 1 },
    },
    {
      // parseIni.test.ts says ini skips such a line; ini 6 does not, it makes it a key.
      name: 'ini reads a bare word (garbage) as a key set to true, it does not skip it; parseIni refuses the file, as the AWS CLI does',
      text: '[default]\nregion = a\ngarbage\n',
      ini: { default: { region: 'a', garbage: true } },
      ours: { refusedAt: 3 },
    },
    {
      name: 'ini skips a line with no key before = (= value); parseIni refuses the file, as the AWS CLI does',
      text: '[default]\nregion = a\n= value\n',
      ini: { default: { region: 'a' } },
      ours: { refusedAt: 3 },
    },
  ];

  for (const { name, text, ini: iniExpected, ours } of cases) {
    it(name, () => {
      assert.deepEqual(ini.parse(text), bare(iniExpected));
      if ('sections' in ours) {
        assert.deepEqual(plain(parseIni(text, FILE)), ours.sections);
        return;
      }
      assert.throws(
        () => parseIni(text, FILE),
        (error: unknown) => {
          assert.ok(error instanceof AssumeError, `expected an AssumeError, got ${String(error)}`);
          assert.equal(error.code, 'CONFIG_PARSE');
          assert.ok(error.message.startsWith(`${FILE}:${ours.refusedAt}: `), error.message);
          return true;
        },
      );
    });
  }
});
