import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Emulator } from './emulator.js';
import { stsClient } from './test-support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const CLI = fileURLToPath(new URL('./cli.js', import.meta.url));

async function withScenario<T>(scenario: unknown, run: (path: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'sts-emulator-cli-'));
  try {
    const path = join(dir, 'scenario.json');
    await writeFile(path, typeof scenario === 'string' ? scenario : JSON.stringify(scenario));
    return await run(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runToEnd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr };
}

describe('the standalone emulator (cli.js)', () => {
  it('prints its URL and the scenario users, logs each request on stderr, and exits 0 on SIGTERM', async () => {
    await withScenario({ users: [{ name: 'alice' }], roles: [] }, async (path) => {
      const child = spawn(process.execPath, [CLI, '--scenario', path], { stdio: ['ignore', 'pipe', 'pipe'] });
      const stdoutLines = createInterface({ input: child.stdout });
      const stderrLines = createInterface({ input: child.stderr });
      const exited = once(child, 'exit');
      const [first] = (await once(stdoutLines, 'line')) as [string];
      const started = JSON.parse(first) as {
        url: string;
        users: Array<{ name: string; accessKeyId: string; secretAccessKey: string; arn: string }>;
      };
      assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const [alice] = started.users;
      assert.ok(alice);
      assert.equal(alice.name, 'alice');
      assert.equal(alice.arn, 'arn:aws:iam::111111111111:user/alice');

      const remote = { url: started.url, now: () => new Date() } as Emulator;
      const identity = await stsClient(remote, alice).send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Arn, alice.arn);
      const [logLine] = (await once(stderrLines, 'line')) as [string];
      assert.match(logLine, new RegExp(`^\\S+Z POST GetCallerIdentity 200 key=${alice.accessKeyId} region=us-east-1$`));

      child.kill('SIGTERM');
      const [code, signal] = (await exited) as [number | null, string | null];
      assert.equal(signal, null);
      assert.equal(code, 0);
    });
  });

  it('exits 2 and names the field when the scenario is invalid', async () => {
    await withScenario({ users: [{ accountId: '111111111111' }] }, async (path) => {
      const result = await runToEnd(['--scenario', path]);
      assert.equal(result.code, 2);
      assert.equal(result.stdout, '');
      assert.equal(result.stderr, `sts-emulator: ${path}: users[0].name is required\n`);
    });
  });

  it('exits 2 on a port that is not a number', async () => {
    const result = await runToEnd(['--port', 'http']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, "sts-emulator: --port must be a number in 0..65535, got 'http'\n");
  });
});
