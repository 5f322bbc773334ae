import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AssumeError } from '../../../src/errors.js';
import { fetchProcessCredentials } from '../../../src/sources/fetchProcessCredentials.js';

const dir = mkdtempSync(join(tmpdir(), 'assume-process-'));
const folder = join(dir, 'with space');
mkdirSync(folder);
const now = new Date('2026-11-28T17:00:00Z');

/** A script in a folder whose name has a space, printing `body` (sh). */
function script(name: string, body: string): string {
  const path = join(folder, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return `"${path}"`;
}

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function run(command: string, env: Record<string, string> = { PATH: '/usr/bin:/bin' }): ReturnType<typeof fetchProcessCredentials> {
  return fetchProcessCredentials(
    { profile: 'tool', command, origin: { file: '/home/u/.aws/config', line: 7 } },
    { env, profileChain: ['outer', 'tool'], timeoutMs: 2000, now },
  );
}

async function refused(command: string, message: RegExp): Promise<void> {
  await assert.rejects(run(command), (error: unknown) => {
    assert.ok(error instanceof AssumeError);
    assert.equal(error.code, 'SOURCE_PROCESS_FAILED');
    assert.match(error.message, /^the credential_process of profile "tool" \(\/home\/u\/\.aws\/config:7\) /);
    assert.match(error.message, message);
    return true;
  });
}

describe('fetchProcessCredentials', () => {
  it('reads Version 1 credentials from the program, split like a shell line but run without a shell', async () => {
    const printer = script('ok', `printf '{"Version":1,"AccessKeyId":"AKIA%s","SecretAccessKey":"s","SessionToken":"t","Expiration":"2026-11-28T18:00:00Z"}' "$1"`);
    const credentials = await run(`${printer} 'ONE;TWO'`);
    assert.deepEqual(credentials, { accessKeyId: 'AKIAONE;TWO', secretAccessKey: 's', sessionToken: 't', expiration: new Date('2026-11-28T18:00:00Z') });
  });

  it('passes the profile chain to the program (the recursion guard)', async () => {
    const seen = join(dir, 'chain-seen');
    const printer = script('chain', `printf '%s' "$ASSUME_PROFILE_CHAIN" > '${seen}'; echo '{"Version":1,"AccessKeyId":"A","SecretAccessKey":"s"}'`);
    await run(printer);
    assert.equal(readFileSync(seen, 'utf8'), '["outer","tool"]');
  });

  it('reports a failing program with its exit code and the end of its stderr', async () => {
    await refused(script('fail', 'echo zero >&2; echo first >&2; echo >&2; echo "  hint: x" >&2; echo "token expired, run login" >&2; exit 3'), /failed with exit code 3: first \| hint: x \| token expired, run login$/);
  });

  it('stops a program that hangs', async () => {
    await refused(script('hang', 'sleep 30'), /did not finish within 2 s/);
  });

  const outputs: [string, RegExp][] = [
    ['not json', /not JSON/],
    ['{"Version":2,"AccessKeyId":"A","SecretAccessKey":"S"}', /without "Version": 1/],
    ['{"Version":1,"AccessKeyId":"A"}', /no AccessKeyId or SecretAccessKey/],
    ['{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","SessionToken":5}', /SessionToken that is not a string/],
    ['{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"soon"}', /not an RFC 3339 time/],
    ['{"Version":1,"AccessKeyId":"A","SecretAccessKey":"S","Expiration":"2026-11-28T16:00:00Z"}', /expired at 2026-11-28T16:00:00\.000Z/],
  ];
  for (const [index, [output, message]] of outputs.entries()) {
    it(`refuses the output ${output}`, async () => {
      await refused(script(`out${index}`, `cat <<'EOF'\n${output}\nEOF`), message);
    });
  }

  it('refuses a program that does not exist', async () => {
    await refused('/no/such/program --x', /could not be started: \/no\/such\/program not found/);
  });

  it('refuses an unclosed quote as a config error', async () => {
    await assert.rejects(run('"/bin/echo'), (error: unknown) => error instanceof AssumeError && error.code === 'CONFIG_INVALID');
  });
});
