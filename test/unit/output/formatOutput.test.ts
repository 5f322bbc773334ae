import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOutputFormat, formatOutput, outputFormats } from '../../../src/output/formatOutput.js';
import { formatSh } from '../../../src/output/formatSh.js';
import { temporary } from '../../helpers/credentialsFixtures.js';


describe('outputFormats', () => {
  it('lists every format', () => {
    assert.deepEqual(outputFormats, ['sh', 'fish', 'powershell', 'cmd', 'dotenv', 'json', 'credential-process']);
  });
});

describe('isOutputFormat', () => {
  it('accepts every listed format', () => {
    for (const format of outputFormats) assert.equal(isOutputFormat(format), true);
  });
  it('refuses other names and non-strings', () => {
    for (const value of ['bash', 'SH', '', 'toString', '__proto__', undefined, null, 1, ['sh']]) assert.equal(isOutputFormat(value), false);
  });
});

describe('formatOutput', () => {
  it('uses the formatter of the format asked for', () => {
    assert.equal(formatOutput('sh', temporary), formatSh(temporary));
  });

  it('ends every format with a newline and never sets AWS_PROFILE', () => {
    for (const format of outputFormats) {
      const text = formatOutput(format, temporary);
      assert.ok(text.endsWith('\n'), format);
      assert.doesNotMatch(text, /AWS_PROFILE=[^\n]|export AWS_PROFILE|-gx AWS_PROFILE|\$env:AWS_PROFILE|"AWS_PROFILE/, format);
      assert.match(text, /ASIAIOSFODNN7EXAMPLE/, format);
    }
  });
});
