/**
 * `npm run demo` is the first thing a newcomer runs: it must work end to end, against the
 * emulator only, and show every command it promises, with no secret in clear.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../helpers/runAssume.js';

const demo = fileURLToPath(new URL('../demo/demo.js', import.meta.url));

describe('npm run demo', () => {
  it('runs every step against the local emulator and ends with the STS call count', { timeout: 180_000 }, async () => {
    const result = await runCommand(process.execPath, [demo], { PATH: process.env.PATH ?? '/usr/bin:/bin' }, { timeoutMs: 170_000 });
    assert.equal(result.code, 0, result.stderr + result.stdout);
    for (const command of [
      '$ assume deploy\n',
      '$ eval "$(assume deploy)"; whoami-aws',
      '$ assume ls\n',
      '$ assume explain deploy\n',
      '$ assume doctor\n',
      '$ eval "$(assume deploy)"; assume whoami\n',
      '$ eval "$(assume init bash)"; assume admin;',
      '$ assume console deploy\n',
      '$ assume deploy --write-profile deploy-tmp',
    ]) {
      assert.ok(result.stdout.includes(command), `the demo shows ${command.trim()}`);
    }
    assert.match(result.stdout, /arn:aws:sts::333333333333:assumed-role\/Deploy\/demo-deploy/);
    assert.match(result.stdout, /AWS_ACCESS_KEY_ID is now: unset/);
    assert.match(result.stdout, /Action=login&Issuer=assume&.*&SigninToken=/);
    assert.match(result.stdout, /STS calls made: 2 AssumeRole for the two hops/);
    // Secrets are shown as ****WXYZ: no 40-character secret key nor session token in clear.
    assert.doesNotMatch(result.stdout, /(?:aws_secret_access_key|AWS_SECRET_ACCESS_KEY|SecretAccessKey)['"=:\s]+(?!\*\*\*\*)[^'";\s]{8,}/);
    assert.doesNotMatch(result.stdout, /(?:aws_session_token|AWS_SESSION_TOKEN|SessionToken)['"=:\s]+(?!\*\*\*\*)[^'";\s]{8,}/);
  });
});
