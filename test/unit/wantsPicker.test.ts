import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { wantsPicker } from '../../src/fast/wantsPicker.js';

const atTerminal = (): boolean => true;
const noTerminal = (): boolean => false;

describe('wantsPicker: when `assume` opens the profile picker', () => {
  it('opens it at a terminal when nothing names a profile, for the formats a person evals', () => {
    for (const format of ['sh', 'fish', 'powershell', 'cmd', 'dotenv', 'json'] as const) assert.equal(wantsPicker({ format }, {}, atTerminal), true, format);
  });

  it('never without a terminal (CI, a captured stderr), nor for credential_process or GitHub Actions', () => {
    assert.equal(wantsPicker({ format: 'sh' }, {}, noTerminal), false);
    assert.equal(wantsPicker({ format: 'credential-process' }, {}, atTerminal), false);
    assert.equal(wantsPicker({ format: 'github' }, {}, atTerminal), false);
  });

  it('never when a profile or role is named: argument, AWS_PROFILE or AWS_DEFAULT_PROFILE (even empty, as resolvePlan reads them), --role-arn', () => {
    assert.equal(wantsPicker({ format: 'sh', profile: 'prod' }, {}, atTerminal), false);
    assert.equal(wantsPicker({ format: 'sh', roleArn: 'arn:aws:iam::123456789012:role/X' }, {}, atTerminal), false);
    assert.equal(wantsPicker({ format: 'sh' }, { AWS_PROFILE: 'prod' }, atTerminal), false);
    assert.equal(wantsPicker({ format: 'sh' }, { AWS_DEFAULT_PROFILE: 'prod' }, atTerminal), false);
    assert.equal(wantsPicker({ format: 'sh' }, { AWS_PROFILE: '' }, atTerminal), false);
  });

  it('asks whether there is a terminal only when it matters', () => {
    let asked = 0;
    const counting = (): boolean => {
      asked++;
      return true;
    };
    wantsPicker({ format: 'sh', profile: 'prod' }, {}, counting);
    assert.equal(asked, 0);
    wantsPicker({ format: 'sh' }, {}, counting);
    assert.equal(asked, 1);
  });
});
