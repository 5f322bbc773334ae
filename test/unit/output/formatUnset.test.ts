import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AssumeError, ExitCode } from '../../../src/errors.js';
import { formatUnset, unsetVariables } from '../../../src/output/formatUnset.js';
import { credentialVariables } from '../../../src/output/variables.js';
import { staticKeys, temporary } from '../../helpers/credentialsFixtures.js';

describe('formatUnset', () => {
  it('lists every variable a credentials format can set, the legacy AWS_SECURITY_TOKEN, and no profile variable', () => {
    const set = new Set([...credentialVariables(temporary).set, ...credentialVariables(staticKeys).set].map(([name]) => name));
    assert.deepEqual([...unsetVariables].sort(), [...set, 'AWS_SECURITY_TOKEN'].sort());
    assert.ok(!(unsetVariables as readonly string[]).includes('AWS_PROFILE'));
    assert.ok(!(unsetVariables as readonly string[]).includes('AWS_DEFAULT_PROFILE'));
  });

  it('prints one unset statement for sh, safe for an unquoted eval (one line, no glob characters)', () => {
    const text = formatUnset('sh');
    assert.equal(
      text,
      'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWS_REGION AWS_DEFAULT_REGION AWS_SECURITY_TOKEN;\n',
    );
    assert.doesNotMatch(text, /[*?[(~#\t]| {2}/);
  });

  it('prints set -e per variable for fish, each ending with ;', () => {
    assert.equal(
      formatUnset('fish'),
      [
        'set -e AWS_ACCESS_KEY_ID;',
        'set -e AWS_SECRET_ACCESS_KEY;',
        'set -e AWS_SESSION_TOKEN;',
        'set -e AWS_CREDENTIAL_EXPIRATION;',
        'set -e AWS_REGION;',
        'set -e AWS_DEFAULT_REGION;',
        'set -e AWS_SECURITY_TOKEN;',
        '',
      ].join('\n'),
    );
  });

  it('prints Remove-Item statements for PowerShell that ignore a variable already gone', () => {
    const lines = formatUnset('powershell').split('\n');
    assert.equal(lines.pop(), '');
    assert.deepEqual(
      lines,
      unsetVariables.map((name) => `Remove-Item Env:${name} -ErrorAction SilentlyContinue;`),
    );
  });

  it('prints set NAME= lines for cmd.exe', () => {
    assert.equal(formatUnset('cmd'), `${unsetVariables.map((name) => `set ${name}=`).join('\n')}\n`);
  });

  for (const format of ['dotenv', 'json', 'credential-process'] as const) {
    it(`refuses format ${format} with a usage error and a hint`, () => {
      assert.throws(
        () => formatUnset(format),
        (error: unknown) =>
          error instanceof AssumeError && error.code === 'USAGE' && error.exitCode === ExitCode.usage && error.message.includes(format) && (error.hint ?? '') !== '',
      );
    });
  }
});
