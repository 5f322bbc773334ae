/**
 * `assume --format github` as a GitHub Actions step runs it: the real bin/assume against the
 * STS emulator, with GITHUB_ENV and GITHUB_OUTPUT naming temp files as the runner makes them.
 * The next step is simulated: the env file is read by the runner's rules, and bash and the AWS
 * CLI run with what it sets.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { parseGithubCommandFile } from '../helpers/parseGithubCommandFile.js';
import { assumeBin, runAssume, runCommand } from '../helpers/runAssume.js';
import type { RunResult } from '../helpers/runAssume.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

const awsCli = '/usr/bin/aws';
let emu: Emulator;
let user: UserKeys;
let home: TempHome;
let step: string;
let envFile: string;
let outputFile: string;

/** The secrets as the runner reads them from the `::add-mask::` lines (unescaped). */
function parseMasks(stdout: string): string[] {
  assert.ok(stdout.endsWith('\n'));
  return stdout.slice(0, -1).split(/\r\n|\r|\n/).map((line) => {
    assert.ok(line.startsWith('::add-mask::'), `not an add-mask command: ${JSON.stringify(line)}`);
    return line.slice('::add-mask::'.length).replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
  });
}

function stepEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url, GITHUB_ENV: envFile, GITHUB_OUTPUT: outputFile, ...extra };
}

/** The environment of the next step: what it had, plus what GITHUB_ENV sets. */
function nextStepEnv(earlier: Record<string, string> = {}): Record<string, string> {
  const empty = mkdtempSync(join(home.dir, 'next-home-'));
  return { PATH: '/usr/bin:/bin', HOME: empty, AWS_PAGER: '', ...earlier, ...Object.fromEntries(parseGithubCommandFile(readFileSync(envFile, 'utf8'))) };
}

async function printVariable(name: string, env: Record<string, string>): Promise<string> {
  const result = await runCommand('/bin/bash', ['-c', `printf %s "$${name}"`], env);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout;
}

function callerArn(env: Record<string, string>): Promise<RunResult> {
  return runCommand(awsCli, ['sts', 'get-caller-identity', '--endpoint-url', emu.url, '--query', 'Arn', '--output', 'text'], env);
}

function files(): string[] {
  return [envFile, outputFile].map((file) => readFileSync(file, 'utf8'));
}

before(async () => {
  assert.ok(existsSync(awsCli), `${awsCli} (Debian's awscli package) is required`);
  emu = await startEmulator();
  user = emu.addUser({ name: 'dev', accountId: '111111111111' });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [user.arn] });
  home = createTempHome(`[profile base]
aws_access_key_id = ${user.accessKeyId}
aws_secret_access_key = ${user.secretAccessKey}

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base
role_session_name = ci
region = eu-west-1
`);
});

after(async () => {
  emu.setCredentialFactory(undefined);
  home.cleanup();
  await emu.close();
});

beforeEach(() => {
  emu.reset();
  emu.setCredentialFactory(undefined);
  step = mkdtempSync(join(home.dir, 'step-'));
  envFile = join(step, 'set_env');
  outputFile = join(step, 'set_output');
  writeFileSync(envFile, '');
  writeFileSync(outputFile, '');
});

describe('assume --format github in a GitHub Actions step', () => {
  it('sets the variables for the next step, exactly, and masks the secrets', async () => {
    // A secret made to break things: shell syntax, a line break, a workflow command, an
    // escape the runner would decode, and a heredoc-looking line.
    const secret = `s3cret$(touch canary)'"\n::warning::leak%0A\nEOF\nAWS_PROFILE=evil é`;
    emu.setCredentialFactory(() => ({ secretAccessKey: secret }));
    const earlier = 'EARLIER=1\nMULTI<<EOF\nx\nEOF\nLAST=no-newline';
    writeFileSync(envFile, earlier);

    const result = await runAssume(['--no-cache', '--format', 'github', 'admin'], stepEnv());
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    const [accessKeyId, maskedSecret, sessionToken] = parseMasks(result.stdout);
    assert.equal(maskedSecret, secret);
    assert.match(accessKeyId ?? '', /^ASIA/);
    assert.ok(sessionToken !== undefined && sessionToken.length > 0);
    assert.equal(result.stdout.split('\n').length, 4, 'three mask lines and nothing else on stdout');

    const text = readFileSync(envFile, 'utf8');
    assert.ok(text.startsWith(`${earlier}\n`), 'every earlier byte kept, the unfinished line finished');
    const env = parseGithubCommandFile(text);
    assert.equal(env.get('EARLIER'), '1');
    assert.equal(env.get('MULTI'), 'x');
    assert.equal(env.get('LAST'), 'no-newline');
    assert.equal(env.has('AWS_PROFILE'), false);
    assert.equal(env.get('AWS_REGION'), 'eu-west-1');
    assert.equal(env.get('AWS_DEFAULT_REGION'), 'eu-west-1');
    assert.match(env.get('AWS_CREDENTIAL_EXPIRATION') ?? '', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(readFileSync(outputFile, 'utf8'), '', 'no outputs without --output');

    const next = nextStepEnv({ AWS_SECURITY_TOKEN: 'stale-from-an-earlier-step' });
    assert.equal(await printVariable('AWS_SECRET_ACCESS_KEY', next), secret);
    assert.equal(await printVariable('AWS_ACCESS_KEY_ID', next), accessKeyId);
    assert.equal(await printVariable('AWS_SESSION_TOKEN', next), sessionToken);
    assert.equal(await printVariable('AWS_SECURITY_TOKEN', next), '');

    const cli = await callerArn(next);
    assert.equal(cli.stderr, '');
    assert.equal(cli.stdout, 'arn:aws:sts::222222222222:assumed-role/Admin/ci\n', 'the AWS CLI of the next step calls STS as the role');
  });

  it('sets the step outputs with --output', async () => {
    const result = await runAssume(['--no-cache', '--format', 'github', '--output', 'admin'], stepEnv());
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    const env = parseGithubCommandFile(readFileSync(envFile, 'utf8'));
    const outputs = parseGithubCommandFile(readFileSync(outputFile, 'utf8'));
    assert.deepEqual(
      [...outputs],
      [
        ['aws-access-key-id', env.get('AWS_ACCESS_KEY_ID')],
        ['aws-secret-access-key', env.get('AWS_SECRET_ACCESS_KEY')],
        ['aws-session-token', env.get('AWS_SESSION_TOKEN')],
        ['aws-expiration', env.get('AWS_CREDENTIAL_EXPIRATION')],
        ['aws-region', 'eu-west-1'],
      ],
    );
    assert.deepEqual(parseMasks(result.stdout), [env.get('AWS_ACCESS_KEY_ID'), env.get('AWS_SECRET_ACCESS_KEY'), env.get('AWS_SESSION_TOKEN')]);
  });

  it('blanks AWS_SESSION_TOKEN for long-term keys, so a token of an earlier step does not pair with them', async () => {
    const result = await runAssume(['--no-cache', '--format', 'github', 'base'], stepEnv());
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.deepEqual(parseMasks(result.stdout), [user.accessKeyId, user.secretAccessKey]);
    const next = nextStepEnv({ AWS_REGION: 'us-east-1', AWS_SESSION_TOKEN: 'stale-token', AWS_SECURITY_TOKEN: 'stale-token', AWS_CREDENTIAL_EXPIRATION: '2000-01-01T00:00:00Z' });
    assert.equal(await printVariable('AWS_SECRET_ACCESS_KEY', next), user.secretAccessKey);
    assert.equal(await printVariable('AWS_SESSION_TOKEN', next), '');
    const cli = await callerArn(next);
    assert.equal(cli.stderr, '');
    assert.equal(cli.stdout, `${user.arn}\n`, 'the AWS CLI signs with the keys alone');
  });

  it('exits 2 outside GitHub Actions (no GITHUB_ENV) and writes nothing', async () => {
    const result = await runAssume(['--no-cache', '--format', 'github', '--output', 'admin'], { HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url, GITHUB_OUTPUT: outputFile });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^assume: --format github needs the GITHUB_ENV file of GitHub Actions/);
    assert.match(result.stderr, /\n {2}hint: .*--format sh.*dotenv/);
    assert.deepEqual(files(), ['', '']);
  });

  it('exits 2 for --output without GITHUB_OUTPUT and leaves GITHUB_ENV as it was', async () => {
    writeFileSync(envFile, 'EARLIER=1\n');
    const result = await runAssume(['--no-cache', '--format', 'github', '--output', 'admin'], { HOME: home.dir, AWS_ENDPOINT_URL_STS: emu.url, GITHUB_ENV: envFile });
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^assume: --output needs the GITHUB_OUTPUT file/);
    assert.equal(readFileSync(envFile, 'utf8'), 'EARLIER=1\n');
  });

  it('exits 8 when AWS_PROFILE is set, which the next steps would keep, and writes nothing', async () => {
    const result = await runAssume(['--no-cache', '--format', 'github', '--output'], stepEnv({ AWS_PROFILE: 'admin' }));
    assert.equal(result.code, 8);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^assume: AWS_PROFILE is set \(to "admin"\), and GitHub Actions cannot unset it/);
    assert.match(result.stderr, /hint: Name the profile as an argument \(assume --format github admin\)/);
    assert.deepEqual(files(), ['', '']);
  });

  it('takes back what it appended to GITHUB_ENV when GITHUB_OUTPUT cannot be written', async () => {
    writeFileSync(envFile, 'EARLIER=1\n');
    // The file size limit (4 KiB) lets GITHUB_ENV grow but not GITHUB_OUTPUT, already at it.
    const full = 'filler=1\n'.repeat(456);
    writeFileSync(outputFile, full);
    const result = await runCommand('/bin/bash', ['-c', 'ulimit -f 4; exec "$@"', 'bash', process.execPath, assumeBin, '--no-cache', '--format', 'github', '--output', 'admin'], {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...stepEnv(),
    });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /cannot write to the GITHUB_OUTPUT file .*set_output \(EFBIG\)/);
    assert.deepEqual(files(), ['EARLIER=1\n', full]);
  });

  it('never shows a secret on stderr when it fails', async () => {
    const secret = 'secret-that-must-not-leak';
    emu.setCredentialFactory(() => ({ secretAccessKey: secret }));
    const result = await runAssume(['--no-cache', '--debug', '--format', 'github', 'admin'], stepEnv({ GITHUB_ENV: join(step, 'missing') }));
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot open the GITHUB_ENV file .*missing to append to it \(ENOENT\)/);
    for (const value of [secret, user.secretAccessKey]) assert.ok(!result.stderr.includes(value));
  });
});
