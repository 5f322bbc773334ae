/**
 * Adversarial credential values served by the STS emulator, through the whole of assume:
 * the emulator's XML, the SDK's parser, resolve, execute and the formatters. Hundreds of
 * values go through `run` in-process and must come out exact; a sample goes through the
 * spawned bin/assume into the real bash, dash, zsh and fish, quoted and unquoted.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '../../src/main.js';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator } from '../emulator/emulator.js';
import { generateValues, handPicked } from '../helpers/adversarialValues.js';
import { runAssume } from '../helpers/runAssume.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

let emu: Emulator;
let home: TempHome;

/**
 * What XML itself cannot carry, as with real STS: a CR (XML turns CR and CRLF into LF), the
 * C0 controls other than tab and LF (not XML 1.0 characters), and U+FFFE/U+FFFF. The SDK
 * also trims surrounding whitespace of an element's text. Those values are tested at the
 * formatter level (shell-roundtrip) instead.
 */
function xmlCarries(value: string): boolean {
  let notXml = false;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a) || code === 0xfffe || code === 0xffff) notXml = true;
  }
  return !notXml && value === value.trim() && value !== '';
}

const served = [...handPicked, ...generateValues(600, 0xc0ffee)].filter(xmlCarries);

before(async () => {
  emu = await startEmulator();
  const user = emu.addUser({ name: 'dev', accountId: '111111111111' });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [user.arn] });
  home = createTempHome(`[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
region = eu-west-1

[profile base]
aws_access_key_id = ${user.accessKeyId}
aws_secret_access_key = ${user.secretAccessKey}
`);
});

after(async () => {
  emu.setCredentialFactory(undefined);
  home.cleanup();
  await emu.close();
});

async function assumeInProcess(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const result = await run(args, { HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url }, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
  }, { homeDir: home.dir });
  return { exitCode: 'exitCode' in result ? result.exitCode : -1, stdout, stderr };
}

describe('values served by the STS emulator', () => {
  it(`arrive exact in the json output, for ${served.length} adversarial values`, async () => {
    assert.ok(served.length >= 300, `only ${served.length} values`);
    const failures: string[] = [];
    for (const [index, value] of served.entries()) {
      const accessKeyId = `ASIA${String(index).padStart(16, '0')}`;
      emu.setCredentialFactory(() => ({ accessKeyId, secretAccessKey: value, sessionToken: `${value}|token` }));
      const result = await assumeInProcess(['--no-cache', '--format', 'json', 'admin']);
      if (result.exitCode !== 0) {
        failures.push(`value ${index}: exit ${result.exitCode}: ${result.stderr}`);
        continue;
      }
      const parsed = JSON.parse(result.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
      if (parsed.SecretAccessKey !== value || parsed.SessionToken !== `${value}|token` || parsed.AccessKeyId !== accessKeyId) {
        failures.push(`value ${index}: ${JSON.stringify(value).slice(0, 80)} came out as ${JSON.stringify(parsed.SecretAccessKey).slice(0, 80)}`);
      }
    }
    assert.deepEqual(failures.slice(0, 10), [], `${failures.length} values changed on the way`);
  });

  it('never writes a partial export: a value cmd cannot carry leaves stdout empty with exit 8', async () => {
    emu.setCredentialFactory(() => ({ secretAccessKey: 'has%percent' }));
    const result = await assumeInProcess(['--no-cache', '--format', 'cmd', 'admin']);
    assert.equal(result.exitCode, 8);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^assume: .*AWS_SECRET_ACCESS_KEY/);
    assert.ok(!result.stderr.includes('has%percent'), 'the message names the variable, never the value');
  });

  describe('through bin/assume into real shells', () => {
    const sample = [
      "'; touch canary-quote; '",
      '$(touch canary-subst)',
      '`touch canary-tick`',
      'a  b\tc\nd',
      '*',
      '[a]',
      '~root',
      '%s\\n',
      '日本語 😀 e\u0301',
      'x\nexport AWS_PROFILE=evil',
      "a'b\"c",
      '!$ && echo pwned',
    ];
    const shells: { name: string; command: string[]; script: (file: string, out: string) => string; format: string }[] = [
      { name: 'bash, eval "$(...)"', command: ['bash', '-c'], format: 'sh', script: (f, o) => `eval "$(cat '${f}')"; printf '%s' "$AWS_SECRET_ACCESS_KEY" >'${o}'` },
      { name: 'bash, eval $(...)', command: ['bash', '-c'], format: 'sh', script: (f, o) => `eval $(cat '${f}'); printf '%s' "$AWS_SECRET_ACCESS_KEY" >'${o}'` },
      { name: 'dash, eval "$(...)"', command: ['dash', '-c'], format: 'sh', script: (f, o) => `eval "$(cat '${f}')"; printf '%s' "$AWS_SECRET_ACCESS_KEY" >'${o}'` },
      { name: 'dash, eval $(...)', command: ['dash', '-c'], format: 'sh', script: (f, o) => `eval $(cat '${f}'); printf '%s' "$AWS_SECRET_ACCESS_KEY" >'${o}'` },
      { name: 'zsh, eval "$(...)"', command: ['zsh', '-f', '-c'], format: 'sh', script: (f, o) => `eval "$(cat '${f}')"; printf '%s' "$AWS_SECRET_ACCESS_KEY" >'${o}'` },
      { name: 'zsh, eval $(...)', command: ['zsh', '-f', '-c'], format: 'sh', script: (f, o) => `eval $(cat '${f}'); printf '%s' "$AWS_SECRET_ACCESS_KEY" >'${o}'` },
      { name: 'fish, eval (...)', command: ['fish', '--no-config', '-c'], format: 'fish', script: (f, o) => `eval (cat '${f}'); printf '%s' "$AWS_SECRET_ACCESS_KEY" >'${o}'` },
      { name: 'fish, ... | source', command: ['fish', '--no-config', '-c'], format: 'fish', script: (f, o) => `cat '${f}' | source; printf '%s' "$AWS_SECRET_ACCESS_KEY" >'${o}'` },
    ];
    const work = mkdtempSync(join(tmpdir(), 'assume-served-'));
    const outputs = new Map<string, string>();

    before(async () => {
      // One real bin/assume run per value and format; each shell then evals exactly that stdout.
      for (const [index, value] of sample.entries()) {
        emu.setCredentialFactory(() => ({ secretAccessKey: value }));
        for (const format of ['sh', 'fish']) {
          const result = await runAssume(['--no-cache', '--format', format, 'admin'], { HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url });
          assert.equal(result.code, 0, result.stderr);
          assert.equal(result.stderr, '');
          const file = join(work, `${format}-${index}`);
          writeFileSync(file, result.stdout);
          outputs.set(`${format}-${index}`, file);
        }
      }
    });

    after(() => {
      rmSync(work, { recursive: true, force: true });
    });

    for (const shell of shells) {
      it(`keeps every sampled value exact and runs nothing, in ${shell.name}`, async () => {
        for (const [index, value] of sample.entries()) {
          const file = outputs.get(`${shell.format}-${index}`) ?? '';
          const out = join(work, `result-${shell.name.replace(/\W+/g, '_')}-${index}`);
          const code = await new Promise<number | null>((resolve, reject) => {
            const [command = 'sh', ...args] = shell.command;
            const child = spawn(command, [...args, shell.script(file, out)], { cwd: work, env: { PATH: '/usr/bin:/bin', HOME: work, AWS_PROFILE: 'stale' }, stdio: 'ignore' });
            child.once('error', reject);
            child.once('close', resolve);
          });
          assert.equal(code, 0, `${shell.name}, value ${index}`);
          assert.equal(readFileSync(out, 'utf8'), value, `${shell.name}, value ${index}`);
        }
        for (const canary of ['canary-quote', 'canary-subst', 'canary-tick']) {
          assert.throws(() => readFileSync(join(work, canary)), /ENOENT/, `${canary} must not exist`);
        }
      });
    }
  });
});
