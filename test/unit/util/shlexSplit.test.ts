import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { shlexSplit } from '../../../src/util/shlexSplit.js';

/** Python's shlex.split on each text (null where it raises ValueError): the reference the AWS CLI uses. */
function pythonShlex(texts: readonly string[]): (string[] | null)[] {
  const script = [
    'import json, shlex, sys',
    'out = []',
    'for text in json.load(sys.stdin):',
    '    try:',
    '        out.append(shlex.split(text))',
    '    except ValueError:',
    '        out.append(None)',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  return JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(texts), encoding: 'utf8' })) as (string[] | null)[];
}

describe('shlexSplit', () => {
  it('splits as Python shlex.split does, on 3,000 generated texts of quotes, backslashes and blanks', () => {
    const texts = fc.sample(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\t', '\n', '"', "'", '\\', 'é', '$'), maxLength: 24 }), { numRuns: 3000, seed: 20261128 });
    const expected = pythonShlex(texts);
    texts.forEach((text, index) => {
      assert.deepEqual(shlexSplit(text) ?? null, expected[index], JSON.stringify(text));
    });
  });

  // Appending a character at a time made a 1 MiB section header cost ~400 ms (4 MiB: seconds).
  it('splits a 4 MiB word, quoted or not, in well under a second', () => {
    for (const text of [`profile ${'x'.repeat(4_194_304)}`, `"${'x y'.repeat(1_398_101)}"`, `'${'x'.repeat(4_194_304)}'`, 'a\\ '.repeat(65_536)]) {
      const start = performance.now();
      const words = shlexSplit(text);
      const ms = performance.now() - start;
      assert.ok(words !== undefined && words.length >= 1);
      assert.ok(ms < 500, `${ms.toFixed(0)} ms`);
    }
  });
});
