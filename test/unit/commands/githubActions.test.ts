import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { newGithubDelimiter, writeGithubActions } from '../../../src/commands/githubActions.js';
import { ExitCode } from '../../../src/errors.js';
import { staticKeys, temporary } from '../../helpers/credentialsFixtures.js';
import { rejection } from '../../helpers/rejection.js';

const root = mkdtempSync(join(tmpdir(), 'assume-github-'));
let dir: string;
let envFile: string;
let outputFile: string;

after(() => {
  rmSync(root, { recursive: true, force: true });
});

beforeEach(() => {
  dir = mkdtempSync(join(root, 'step-'));
  envFile = join(dir, 'set_env');
  outputFile = join(dir, 'set_output');
  writeFileSync(envFile, '');
  writeFileSync(outputFile, '');
});

function counter(): () => string {
  let count = 0;
  return () => `ghadelimiter_${++count}`;
}

/** Both files, to prove a refusal wrote nothing. */
function snapshot(): string[] {
  return [envFile, outputFile].map((file) => (existsSync(file) ? readFileSync(file, 'utf8') : '<missing>'));
}

describe('writeGithubActions', () => {
  it('appends the variables to GITHUB_ENV and returns the masks for stdout', async () => {
    const masks = await writeGithubActions(staticKeys, { env: { GITHUB_ENV: envFile }, setOutputs: false, newDelimiter: counter() });
    assert.equal(masks, '::add-mask::AKIAIOSFODNN7EXAMPLE\n::add-mask::wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n');
    assert.equal(
      readFileSync(envFile, 'utf8'),
      [
        'AWS_ACCESS_KEY_ID<<ghadelimiter_1', 'AKIAIOSFODNN7EXAMPLE', 'ghadelimiter_1',
        'AWS_SECRET_ACCESS_KEY<<ghadelimiter_2', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'ghadelimiter_2',
        'AWS_SESSION_TOKEN<<ghadelimiter_3', '', 'ghadelimiter_3',
        'AWS_CREDENTIAL_EXPIRATION<<ghadelimiter_4', '', 'ghadelimiter_4',
        'AWS_SECURITY_TOKEN<<ghadelimiter_5', '', 'ghadelimiter_5',
        '',
      ].join('\n'),
    );
    assert.equal(readFileSync(outputFile, 'utf8'), '', 'GITHUB_OUTPUT untouched without --output');
  });

  it('appends the outputs to GITHUB_OUTPUT with setOutputs', async () => {
    await writeGithubActions(temporary, { env: { GITHUB_ENV: envFile, GITHUB_OUTPUT: outputFile }, setOutputs: true, newDelimiter: counter() });
    const outputs = readFileSync(outputFile, 'utf8');
    assert.match(outputs, /^aws-access-key-id<<ghadelimiter_8\nASIAIOSFODNN7EXAMPLE\nghadelimiter_8\n/);
    assert.match(outputs, /\naws-region<<ghadelimiter_12\neu-west-1\nghadelimiter_12\n$/);
  });

  it('keeps every existing byte, and finishes an unfinished last line before appending', async () => {
    const before = 'EARLIER=1\nMULTI<<EOF\na\nb\nEOF\nNO_NEWLINE=kept';
    writeFileSync(envFile, before);
    writeFileSync(outputFile, 'done=yes\n');
    await writeGithubActions(staticKeys, { env: { GITHUB_ENV: envFile, GITHUB_OUTPUT: outputFile }, setOutputs: true, newDelimiter: counter() });
    const env = readFileSync(envFile, 'utf8');
    assert.ok(env.startsWith(`${before}\nAWS_ACCESS_KEY_ID<<ghadelimiter_1\n`), env);
    const outputs = readFileSync(outputFile, 'utf8');
    assert.ok(outputs.startsWith('done=yes\naws-access-key-id<<'), 'no empty line added after a finished line');
  });

  it('adds nothing before the entries of an empty file', async () => {
    await writeGithubActions(staticKeys, { env: { GITHUB_ENV: envFile }, setOutputs: false, newDelimiter: counter() });
    assert.ok(readFileSync(envFile, 'utf8').startsWith('AWS_ACCESS_KEY_ID<<ghadelimiter_1\n'));
  });

  it('uses random ghadelimiter_<uuid> delimiters by default, a new one for every entry', async () => {
    await writeGithubActions(temporary, { env: { GITHUB_ENV: envFile }, setOutputs: false });
    const delimiters = [...readFileSync(envFile, 'utf8').matchAll(/^[A-Z_]+<<(.*)$/gm)].map((match) => match[1]);
    assert.equal(delimiters.length, 7);
    assert.equal(new Set(delimiters).size, 7);
    for (const delimiter of delimiters) assert.match(delimiter ?? '', /^ghadelimiter_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(newGithubDelimiter(), newGithubDelimiter());
  });

  for (const [what, env] of [['unset', {}], ['empty', { GITHUB_ENV: '' }]] as const) {
    it(`refuses with GITHUB_ENV_UNAVAILABLE (exit 2) when GITHUB_ENV is ${what}, as outside GitHub Actions`, async () => {
      const error = await rejection(writeGithubActions(temporary, { env: { ...env, GITHUB_OUTPUT: outputFile }, setOutputs: true }));
      assert.equal(error.code, 'GITHUB_ENV_UNAVAILABLE');
      assert.equal(error.exitCode, ExitCode.usage);
      assert.match(error.message, /--format github needs the GITHUB_ENV file of GitHub Actions/);
      assert.match(error.hint ?? '', /--format sh/);
      assert.match(error.hint ?? '', /dotenv/);
      assert.equal(readFileSync(outputFile, 'utf8'), '');
    });
  }

  for (const [what, value] of [['unset', undefined], ['empty', '']] as const) {
    it(`refuses --output when GITHUB_OUTPUT is ${what}, and writes nothing to GITHUB_ENV`, async () => {
      const env = value === undefined ? { GITHUB_ENV: envFile } : { GITHUB_ENV: envFile, GITHUB_OUTPUT: value };
      const error = await rejection(writeGithubActions(temporary, { env, setOutputs: true }));
      assert.equal(error.code, 'GITHUB_ENV_UNAVAILABLE');
      assert.match(error.message, /--output needs the GITHUB_OUTPUT file/);
      assert.equal(readFileSync(envFile, 'utf8'), '');
    });
  }

  it('refuses a GITHUB_ENV file that does not exist, naming it, and does not create it', async () => {
    const missing = join(dir, 'no-such-file');
    const error = await rejection(writeGithubActions(temporary, { env: { GITHUB_ENV: missing }, setOutputs: false }));
    assert.equal(error.code, 'GITHUB_ENV_UNAVAILABLE');
    assert.ok(error.message.includes(missing), error.message);
    assert.match(error.message, /ENOENT/);
    assert.equal(existsSync(missing), false);
  });

  it('refuses a GITHUB_ENV that is a folder', async () => {
    const folder = join(dir, 'folder');
    mkdirSync(folder);
    const error = await rejection(writeGithubActions(temporary, { env: { GITHUB_ENV: folder }, setOutputs: false }));
    assert.equal(error.code, 'GITHUB_ENV_UNAVAILABLE');
    assert.ok(error.message.includes(folder), error.message);
  });

  it('refuses a GITHUB_OUTPUT that is not a regular file before writing GITHUB_ENV', async () => {
    writeFileSync(envFile, 'EARLIER=1\n');
    const error = await rejection(writeGithubActions(temporary, { env: { GITHUB_ENV: envFile, GITHUB_OUTPUT: '/dev/null' }, setOutputs: true }));
    assert.equal(error.code, 'GITHUB_ENV_UNAVAILABLE');
    assert.match(error.message, /GITHUB_OUTPUT file \/dev\/null is not a regular file/);
    assert.equal(readFileSync(envFile, 'utf8'), 'EARLIER=1\n');
  });

  it('never names a value in its errors', async () => {
    const error = await rejection(writeGithubActions(temporary, { env: { GITHUB_ENV: join(dir, 'missing') }, setOutputs: false }));
    for (const secret of [temporary.credentials.secretAccessKey, temporary.credentials.sessionToken ?? '']) {
      assert.ok(!error.message.includes(secret) && !(error.hint ?? '').includes(secret));
    }
  });

  for (const name of ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE'] as const) {
    it(`refuses when ${name} is set, which the next steps would keep and the JS SDK would prefer to the keys`, async () => {
      const before = snapshot();
      const error = await rejection(writeGithubActions(temporary, { env: { GITHUB_ENV: envFile, GITHUB_OUTPUT: outputFile, [name]: 'deploy' }, setOutputs: true }));
      assert.equal(error.code, 'OUTPUT_UNSAFE');
      assert.ok(error.message.startsWith(`${name} is set (to "deploy")`), error.message);
      assert.match(error.hint ?? '', /assume --format github deploy/);
      assert.deepEqual(snapshot(), before);
    });

    it(`accepts an empty ${name}, which every SDK but the AWS CLI takes as unset`, async () => {
      await writeGithubActions(temporary, { env: { GITHUB_ENV: envFile, [name]: '' }, setOutputs: false });
      assert.match(readFileSync(envFile, 'utf8'), /^AWS_ACCESS_KEY_ID<</);
    });
  }

  it('writes nothing when a value cannot be written', async () => {
    const before = snapshot();
    const bad = { credentials: { ...temporary.credentials, secretAccessKey: 'a\0b' } };
    const error = await rejection(writeGithubActions(bad, { env: { GITHUB_ENV: envFile, GITHUB_OUTPUT: outputFile }, setOutputs: true }));
    assert.equal(error.code, 'OUTPUT_UNSAFE');
    assert.deepEqual(snapshot(), before);
  });
});
