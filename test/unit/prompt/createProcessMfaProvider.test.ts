import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createProcessMfaProvider } from '../../../src/prompt/createProcessMfaProvider.js';
import type { ProcessMfaProviderOptions } from '../../../src/prompt/createProcessMfaProvider.js';
import { rejection } from '../../helpers/rejection.js';

const request = { mfaSerial: 'arn:aws:iam::111111111111:mfa/dev', profile: 'prod' };
const origin = '/home/u/.aws/config:12';
const env = { PATH: '/usr/bin:/bin' };

function provide(command: string, options: Partial<ProcessMfaProviderOptions> = {}): Promise<string> {
  return createProcessMfaProvider(command, { env, origin, ...options })(request);
}

describe('createProcessMfaProvider', () => {
  let dir: string;
  /** Writes an executable shell script in the temp folder and returns its path. */
  async function script(name: string, body: string): Promise<string> {
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
    return path;
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'assume-mfa-process-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns the 6 digits the command prints', async () => {
    assert.equal(await provide('printf 123456'), '123456');
  });

  it('trims the trailing newline and surrounding blanks', async () => {
    assert.equal(await provide(`printf ' 042001\\r\\n'`), '042001');
  });

  it('runs the command with the environment given, not process.env', async () => {
    const path = await script('env.sh', 'printf %s "$CODE${HOME:-}"');
    assert.equal(await provide(path, { env: { PATH: '/usr/bin:/bin', CODE: '654321', HOME: undefined } }), '654321');
  });

  it('splits a quoted script path with a space as one word, and passes the arguments after it', async () => {
    await mkdir(join(dir, 'my tokens'));
    const path = await script(join('my tokens', 'print code.sh'), '[ "$1" = "--account" ] && [ "$2" = "a b" ] && echo 777888');
    assert.equal(await provide(`"${path}" --account 'a b'`), '777888');
  });

  it('never runs a shell: `;` is an argument to echo, so nothing else runs and the output is refused', async () => {
    const marker = join(dir, 'injected');
    const error = await rejection(provide(`echo 123456; touch ${marker}`));
    assert.equal(error.code, 'MFA_REQUIRED');
    assert.match(error.message, /printed something that is not a 6-digit code/);
    assert.equal(existsSync(marker), false);
  });

  it('refuses output that is not 6 digits, without echoing it', async () => {
    for (const printed of ['12345', '1234567', '123 456', 'hunter2-secret', '']) {
      const error = await rejection(provide(`printf '%s' '${printed}'`));
      assert.equal(error.code, 'MFA_REQUIRED');
      assert.equal(error.message, `mfa_process "printf" of profile "prod" (${origin}) printed something that is not a 6-digit code`);
      assert.match(error.hint ?? '', /only the 6-digit code on stdout/);
    }
    const error = await rejection(provide(`printf hunter2-secret`));
    assert.doesNotMatch(`${error.message} ${error.hint ?? ''}`, /hunter2/);
  });

  it('reports a failing command with its program, origin, exit code and last stderr line, not its arguments', async () => {
    const path = await script('fail.sh', 'echo "starting" >&2; echo "no YubiKey found" >&2; echo 123456; exit 1');
    const error = await rejection(provide(`${path} --password s3cret-arg`));
    assert.equal(error.code, 'MFA_REQUIRED');
    assert.equal(error.message, `mfa_process "${path}" of profile "prod" (${origin}) exited with code 1: no YubiKey found`);
    assert.match(error.hint ?? '', /--token-code/);
    assert.doesNotMatch(error.message, /s3cret-arg/);
  });

  it('reports a command killed by a signal', async () => {
    const path = await script('killed.sh', 'kill -TERM $$');
    const error = await rejection(provide(path));
    assert.match(error.message, /was killed by SIGTERM$/);
  });

  it('cuts a long stderr line to 200 characters and escapes terminal control characters in it', async () => {
    const path = await script('long.sh', `printf '\\033[31m%0300d\\n' 0 >&2; exit 2`);
    const error = await rejection(provide(path));
    assert.ok(error.message.endsWith(`exited with code 2: \\u001b[31m${'0'.repeat(195)}…`), error.message);
  });

  it('kills a command that runs past the timeout and fails at once', async () => {
    const started = Date.now();
    const error = await rejection(provide('sleep 5', { timeoutMs: 200 }));
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
    assert.equal(error.code, 'MFA_REQUIRED');
    assert.equal(error.message, `mfa_process "sleep" of profile "prod" (${origin}) did not finish within 0.2 s and was killed`);
  });

  it('reports a program that is not found', async () => {
    const error = await rejection(provide('assume-no-such-mfa-program --x'));
    assert.equal(error.code, 'MFA_REQUIRED');
    assert.equal(error.message, `mfa_process "assume-no-such-mfa-program" of profile "prod" (${origin}) could not be started: program not found`);
    assert.match(error.hint ?? '', /full path/);
  });

  it('reports a program that is not executable', async () => {
    const path = join(dir, 'not-executable.sh');
    await writeFile(path, '#!/bin/sh\necho 123456\n');
    const error = await rejection(provide(path));
    assert.equal(error.message, `mfa_process "${path}" of profile "prod" (${origin}) could not be started: permission denied`);
  });

  it('gives the command no stdin, so one that reads it ends instead of waiting', async () => {
    const error = await rejection(provide('cat'));
    assert.match(error.message, /printed something that is not a 6-digit code$/);
  });

  it('names neither profile nor origin when it has none', async () => {
    const error = await rejection(createProcessMfaProvider('false', { env })({ mfaSerial: 'serial' }));
    assert.equal(error.message, 'mfa_process "false" exited with code 1');
  });

  it('refuses an empty command or an unclosed quote as a config error', async () => {
    for (const command of ['', '   ', `"${dir}/x`]) {
      const error = await rejection(provide(command));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, new RegExp(`^mfa_process of profile "prod" \\(${origin}\\) (is empty|cannot be split)`));
    }
  });
});
