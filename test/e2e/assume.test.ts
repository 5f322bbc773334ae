import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startEmulator } from '../emulator/emulator.js';
import type { Emulator, UserKeys } from '../emulator/emulator.js';
import { runAssume } from '../helpers/runAssume.js';
import type { RunResult } from '../helpers/runAssume.js';
import { createTempHome } from '../helpers/tempHome.js';
import type { TempHome } from '../helpers/tempHome.js';

let emu: Emulator;
let user: UserKeys;
let home: TempHome;
/** A new, empty credential cache for every test, so no test sees another's credentials. */
let cacheHome: string;

const mfaSerial = 'arn:aws:iam::111111111111:mfa/dev';

function configText(u: UserKeys): string {
  return `[profile base]
aws_access_key_id = ${u.accessKeyId}
aws_secret_access_key = ${u.secretAccessKey}
region = eu-west-1

[profile admin]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = base

[profile deep]
role_arn = arn:aws:iam::333333333333:role/Deep
source_profile = admin
role_session_name = deep-session
duration_seconds = 900

[profile partner]
role_arn = arn:aws:iam::444444444444:role/Partner
source_profile = base
external_id = partner-ext-1

[profile mfa]
role_arn = arn:aws:iam::222222222222:role/MfaOnly
source_profile = base
mfa_serial = ${mfaSerial}

[profile forbidden]
role_arn = arn:aws:iam::555555555555:role/NotTrusted
source_profile = base

[profile chained-long]
role_arn = arn:aws:iam::333333333333:role/Deep
source_profile = admin
duration_seconds = 7200

[profile loop-a]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = loop-a

[profile ghost]
aws_access_key_id = AKIAGHOST00000000001
aws_secret_access_key = ghost-secret
role_arn = arn:aws:iam::222222222222:role/Admin
source_profile = ghost
`;
}

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { HOME: home.dir, XDG_CACHE_HOME: cacheHome, AWS_ENDPOINT_URL_STS: emu.url, ...extra };
}

interface ProcessCredentials {
  Version: number;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken: string;
  Expiration: string;
}

function parseProcess(result: RunResult): ProcessCredentials {
  assert.equal(result.stderr, '');
  assert.equal(result.code, 0);
  return JSON.parse(result.stdout) as ProcessCredentials;
}

/** The long-term secret of the test user: it must never show on stderr. */
function secrets(): string[] {
  return [user.secretAccessKey];
}

function assertCleanFailure(result: RunResult, code: number, message: RegExp): void {
  assert.equal(result.code, code, `exit code; stderr was: ${result.stderr}`);
  assert.equal(result.stdout, '', 'nothing on stdout when it fails');
  assert.match(result.stderr, message);
  assert.match(result.stderr, /^assume: /);
  assert.match(result.stderr, /\n {2}hint: /);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace without --debug');
  for (const secret of secrets()) assert.ok(!result.stderr.includes(secret), 'no secret on stderr');
}

before(async () => {
  emu = await startEmulator();
  user = emu.addUser({ name: 'dev', accountId: '111111111111', mfa: { serial: mfaSerial, code: '123456' } });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/Admin', trust: [user.arn] });
  emu.addRole({ arn: 'arn:aws:iam::333333333333:role/Deep', trust: ['arn:aws:iam::222222222222:role/Admin'], maxSessionDuration: 43200 });
  emu.addRole({ arn: 'arn:aws:iam::444444444444:role/Partner', trust: [user.arn], externalId: 'partner-ext-1' });
  emu.addRole({ arn: 'arn:aws:iam::222222222222:role/MfaOnly', trust: [user.arn], requireMfa: true });
  emu.addRole({ arn: 'arn:aws:iam::555555555555:role/NotTrusted', trust: ['arn:aws:iam::999999999999:root'] });
  home = createTempHome(configText(user));
});

after(async () => {
  home.cleanup();
  await emu.close();
});

beforeEach(() => {
  emu.reset();
  cacheHome = mkdtempSync(join(home.dir, 'cache-'));
});

describe('assume PROFILE against the STS emulator', () => {
  it('assumes a role and prints credentials that work for the next call', async () => {
    const creds = parseProcess(await runAssume(['--format', 'credential-process', 'admin'], env()));
    assert.equal(creds.Version, 1);
    assert.match(creds.AccessKeyId, /^ASIA/);
    assert.match(creds.Expiration, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const calls = emu.requests.filter((r) => r.action === 'AssumeRole');
    assert.equal(calls.length, 1);
    const [call] = calls;
    assert.ok(call);
    assert.equal(call.accessKeyId, user.accessKeyId);
    assert.equal(call.params.RoleArn, 'arn:aws:iam::222222222222:role/Admin');
    // Generated: who asked (no USER here, so the login name of the uid) and when.
    assert.match(call.params.RoleSessionName ?? '', new RegExp(`^${userInfo().username}@assume-\\d{10}$`));
    assert.equal(call.signingRegion, 'eu-west-1', "STS is called in the source profile's region");
  });

  it('walks a two-hop chain, signing each hop with the previous credentials', async () => {
    const creds = parseProcess(await runAssume(['--format', 'credential-process', 'deep'], env()));
    const calls = emu.requests.filter((r) => r.action === 'AssumeRole');
    assert.deepEqual(
      calls.map((c) => [c.params.RoleArn, /^[\w+=,.@-]+@assume-\d{10}$/.test(c.params.RoleSessionName ?? '') ? 'default' : c.params.RoleSessionName, c.params.DurationSeconds]),
      [
        ['arn:aws:iam::222222222222:role/Admin', 'default', undefined],
        ['arn:aws:iam::333333333333:role/Deep', 'deep-session', '900'],
      ],
    );
    assert.equal(calls[0]?.accessKeyId, user.accessKeyId);
    assert.match(calls[1]?.accessKeyId ?? '', /^ASIA/);
    assert.equal(calls[1]?.hasSessionToken, true);
    assert.notEqual(creds.AccessKeyId, calls[1].accessKeyId);
  });

  it('exports sh variables with the region, and nothing at all on stderr (no Node 20 SDK warning)', async () => {
    const result = await runAssume(['admin'], env());
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^unset AWS_PROFILE/m);
    assert.match(result.stdout, /export AWS_ACCESS_KEY_ID='ASIA[A-Z0-9]{16}';/);
    assert.match(result.stdout, /export AWS_REGION='eu-west-1';/);
    assert.match(result.stdout, /export AWS_DEFAULT_REGION='eu-west-1';/);
    assert.doesNotMatch(result.stdout, /export AWS_PROFILE/);
  });

  it('says on --debug, in one line, that the SDK will need Node 22', async () => {
    const result = await runAssume(['--debug', '--format', 'json', 'admin'], env());
    assert.equal(result.code, 0);
    if (Number(process.versions.node.split('.')[0]) < 22) {
      assert.equal(result.stderr, `assume: note: running on Node.js ${process.version}; AWS SDK releases after January 2027 need Node.js 22\n`);
    } else {
      assert.equal(result.stderr, '');
    }
  });

  it('passes the external_id of the profile', async () => {
    parseProcess(await runAssume(['--format', 'credential-process', 'partner'], env()));
    assert.equal(emu.requests.find((r) => r.action === 'AssumeRole')?.params.ExternalId, 'partner-ext-1');
  });

  it('turns --token-code into an MFA session (GetSessionToken) and assumes the role from it', async () => {
    parseProcess(await runAssume(['--format', 'credential-process', '--token-code', '123456', 'mfa'], env()));
    const session = emu.requests.find((r) => r.action === 'GetSessionToken');
    assert.ok(session);
    assert.deepEqual([session.params.SerialNumber, session.params.TokenCode, session.accessKeyId], [mfaSerial, '123456', user.accessKeyId]);
    const call = emu.requests.find((r) => r.action === 'AssumeRole');
    assert.ok(call);
    assert.equal(call.params.SerialNumber, undefined, 'the MFA session carries the MFA context');
    assert.match(call.accessKeyId ?? '', /^ASIA/);
  });

  it('passes --token-code with AssumeRole itself under --no-cache', async () => {
    parseProcess(await runAssume(['--format', 'credential-process', '--no-cache', '--token-code', '123456', 'mfa'], env()));
    assert.equal(emu.count('GetSessionToken'), 0);
    const call = emu.requests.find((r) => r.action === 'AssumeRole');
    assert.ok(call);
    assert.deepEqual([call.params.SerialNumber, call.params.TokenCode], [mfaSerial, '123456']);
  });

  it('takes the endpoint from --endpoint-url and the role from --role-arn', async () => {
    const creds = parseProcess(
      await runAssume(
        ['--format', 'credential-process', '--endpoint-url', emu.url, '--role-arn', 'arn:aws:iam::222222222222:role/Admin', '--session-name', 'direct-1', '--duration', '15m'],
        { HOME: home.dir, AWS_ACCESS_KEY_ID: user.accessKeyId, AWS_SECRET_ACCESS_KEY: user.secretAccessKey },
      ),
    );
    assert.match(creds.AccessKeyId, /^ASIA/);
    const call = emu.requests.find((r) => r.action === 'AssumeRole');
    assert.deepEqual([call?.params.RoleSessionName, call?.params.DurationSeconds, call?.accessKeyId], ['direct-1', '900', user.accessKeyId]);
  });

  it('takes the endpoint from the endpoint_url of the profile', async () => {
    const own = createTempHome(`${configText(user)}\n[profile via-config]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = base\nendpoint_url = ${emu.url}\n`);
    try {
      parseProcess(await runAssume(['--format', 'credential-process', 'via-config'], { HOME: own.dir }));
      assert.equal(emu.count('AssumeRole'), 1);
    } finally {
      own.cleanup();
    }
  });

  it('reads the files named by AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE', async () => {
    const elsewhere = createTempHome('[profile only-here]\nrole_arn = arn:aws:iam::222222222222:role/Admin\nsource_profile = keys\n', `[keys]\naws_access_key_id = ${user.accessKeyId}\naws_secret_access_key = ${user.secretAccessKey}\n`);
    try {
      parseProcess(
        await runAssume(['--format', 'credential-process', 'only-here'], env({ AWS_CONFIG_FILE: elsewhere.configFile, AWS_SHARED_CREDENTIALS_FILE: elsewhere.credentialsFile })),
      );
    } finally {
      elsewhere.cleanup();
    }
  });
});

describe('assume PROFILE -- command', () => {
  it('runs the command with the credentials in its environment and stale variables removed', async () => {
    const script = 'console.log(JSON.stringify([process.env.AWS_ACCESS_KEY_ID, process.env.AWS_PROFILE ?? null, process.env.AWS_SECURITY_TOKEN ?? null, process.env.AWS_REGION, process.argv.length, process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ?? null]))';
    const result = await runAssume(['admin', '--', process.execPath, '-e', script], env({ AWS_PROFILE: 'admin', AWS_SECURITY_TOKEN: 'stale' }));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const [keyId, profile, securityToken, region, argc, sdkSwitch] = JSON.parse(result.stdout) as unknown[];
    assert.match(String(keyId), /^ASIA/);
    assert.deepEqual([profile, securityToken, region, argc, sdkSwitch], [null, null, 'eu-west-1', 1, null]);
  });

  it("passes the command's exit code through", async () => {
    const result = await runAssume(['admin', '--', 'sh', '-c', 'exit 7'], env());
    assert.equal(result.code, 7);
  });

  it('dies of the signal that killed the command', async () => {
    const result = await runAssume(['admin', '--', 'sh', '-c', 'kill -TERM $$'], env());
    assert.equal(result.signal, 'SIGTERM');
  });

  it('forwards a signal sent the moment the command has started, also with 16 runs at once (found hanging CI under load)', { timeout: 60_000 }, async () => {
    const { spawn } = await import('node:child_process');
    const { assumeBin } = await import('../helpers/runAssume.js');
    // The command prints "ready" as soon as it runs, which on a loaded machine can be before
    // spawn() has returned in assume: assume must already be listening for the signal then.
    const once = (): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [assumeBin, 'base', '--', 'sh', '-c', 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.05; done'], {
          env: { PATH: process.env.PATH ?? '', ...env() },
        });
        let out = '';
        let sent = false;
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (!sent && out.includes('ready')) {
            sent = true;
            child.kill('SIGTERM');
          }
        });
        child.once('exit', (code, signal) => {
          resolve({ code, signal, out });
        });
      });
    const results = await Promise.all(Array.from({ length: 16 }, once));
    assert.deepEqual(
      results.map((r) => [r.code, r.signal, r.out]),
      results.map(() => [3, null, 'ready\ngot-term\n']),
    );
  });

  it('forwards a signal sent to assume on to the command', { timeout: 60_000 }, async () => {
    const { spawn } = await import('node:child_process');
    const { assumeBin } = await import('../helpers/runAssume.js');
    const child = spawn(process.execPath, [assumeBin, 'admin', '--', 'sh', '-c', 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.05; done'], {
      env: { PATH: process.env.PATH ?? '', ...env() },
    });
    let out = '';
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('ready')) resolve();
      });
    });
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => { resolve(c); }));
    assert.equal(code, 3);
    assert.match(out, /got-term/);
  });

  it('fails with 127 and a clear message when the command does not exist', async () => {
    assertCleanFailure(await runAssume(['admin', '--', 'no-such-command-xyz'], env()), 127, /cannot run "no-such-command-xyz": command not found/);
  });
});

describe('clear errors, no partial output', () => {
  it('refuses an unknown profile with exit 4 and suggests close names', async () => {
    const result = await runAssume(['admn'], env());
    assertCleanFailure(result, 4, /profile "admn" not found/);
    assert.match(result.stderr, /Did you mean "admin"\?/);
    assert.equal(emu.requests.length, 0);
  });

  it('refuses a source_profile cycle with exit 3 and lists the profiles', async () => {
    assertCleanFailure(await runAssume(['loop-a'], env()), 3, /source_profile cycle: loop-a -> loop-b -> loop-a/);
  });

  it('refuses a malformed config file with its file and line', async () => {
    const broken = createTempHome('[profile ok]\nregion = us-east-1\nthis line has no equals sign\n');
    try {
      const result = await runAssume(['ok'], { HOME: broken.dir });
      assertCleanFailure(result, 3, new RegExp(`${broken.configFile.replace(/[.]/g, '\\.')}:3`));
    } finally {
      broken.cleanup();
    }
  });

  it('refuses a usage error with exit 2', async () => {
    assertCleanFailure(await runAssume(['--format', 'xml', 'admin'], env()), 2, /format/);
    assertCleanFailure(await runAssume(['--duration', 'soon', 'admin'], env()), 2, /--duration "soon" is not a duration/);
  });

  it('refuses a duration outside 900..43200 before calling STS', async () => {
    assertCleanFailure(await runAssume(['--duration', '60', 'admin'], env()), 2, /60 seconds .* outside what STS allows/);
    assert.equal(emu.requests.length, 0);
  });

  it('reports AccessDenied with exit 6, naming the role and the caller', async () => {
    const result = await runAssume(['forbidden'], env());
    assertCleanFailure(result, 6, /access denied assuming arn:aws:iam::555555555555:role\/NotTrusted \(profile "forbidden"\)/);
    assert.match(result.stderr, new RegExp(`User: ${user.arn.replace(/[/]/g, '\\/')} is not authorized`));
  });

  it('reports a wrong MFA code with exit 6', async () => {
    assertCleanFailure(await runAssume(['--token-code', '000000', 'mfa'], env()), 6, /MultiFactorAuthentication failed/);
  });

  it('fails fast with MFA_REQUIRED when a hop needs MFA and there is no terminal, without calling STS', async () => {
    const result = await runAssume(['mfa'], env());
    assertCleanFailure(result, 6, /needs an MFA code from arn:aws:iam::111111111111:mfa\/dev .*no terminal/);
    assert.match(result.stderr, /--token-code/);
    assert.equal(emu.requests.length, 0);
  });

  it('reports the role-chaining limit of AWS as STS enforces it', async () => {
    assertCleanFailure(await runAssume(['chained-long'], env()), 6, /1 hour session limit for roles assumed by role chaining/);
  });

  it('reports unknown source keys (InvalidClientTokenId) with exit 5', async () => {
    assertCleanFailure(await runAssume(['--role-arn', 'arn:aws:iam::222222222222:role/Admin', 'ghost'], env()), 5, /refused the source credentials/);
  });

  it('reports expired source credentials (ExpiredToken) with exit 5', async () => {
    const creds = parseProcess(await runAssume(['--format', 'credential-process', '--duration', '900', 'admin'], env()));
    emu.advance(16 * 60 * 1000);
    let result: RunResult;
    try {
      result = await runAssume(['--role-arn', 'arn:aws:iam::333333333333:role/Deep'], {
        ...env(),
        AWS_ACCESS_KEY_ID: creds.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.SecretAccessKey,
        AWS_SESSION_TOKEN: creds.SessionToken,
      });
    } finally {
      // Back to the real time: later tests count requests, and a skewed clock adds a corrected retry to each.
      emu.advance(-16 * 60 * 1000);
    }
    assertCleanFailure(result, 5, /have expired/);
    assert.ok(!result.stderr.includes(creds.SecretAccessKey) && !result.stderr.includes(creds.SessionToken));
  });

  it('retries throttling and succeeds when STS recovers', async () => {
    emu.fault({ action: 'AssumeRole', kind: 'throttle', times: 2 });
    parseProcess(await runAssume(['--format', 'credential-process', 'admin'], env()));
    assert.equal(emu.count('AssumeRole'), 3);
  });

  it('gives up on throttling after 3 attempts with exit 7', async () => {
    emu.fault({ action: 'AssumeRole', kind: 'throttle', times: 10 });
    assertCleanFailure(await runAssume(['admin'], env()), 7, /kept throttling .* after 3 attempts/);
    assert.equal(emu.count('AssumeRole'), 3);
  });

  it('retries a dropped connection and succeeds; gives up with exit 7 when every attempt is dropped', async () => {
    // --timeout 60: on a loaded machine a slow answer must not add a timeout retry to the dropped one.
    emu.fault({ action: 'AssumeRole', kind: 'drop', times: 1 });
    parseProcess(await runAssume(['--timeout', '60', '--format', 'credential-process', 'admin'], env()));
    assert.deepEqual(emu.requests.filter((r) => r.action === 'AssumeRole').map((r) => [r.status, r.fault ?? r.errorCode]), [[0, 'drop'], [200, undefined]]);
    emu.reset();
    cacheHome = mkdtempSync(join(home.dir, 'cache-'));
    emu.fault({ action: 'AssumeRole', kind: 'drop', times: 10 });
    assertCleanFailure(await runAssume(['--timeout', '60', 'admin'], env()), 7, /could not reach STS at http:\/\/127\.0\.0\.1:\d+ for assuming arn:aws:iam::222222222222:role\/Admin/);
    assert.equal(emu.count('AssumeRole'), 3);
  });

  it('corrects a clock an hour off from the time STS answers with, as the SDKs do, and succeeds', async () => {
    emu.advance(3600_000);
    try {
      parseProcess(await runAssume(['--timeout', '60', '--format', 'credential-process', 'admin'], env()));
      assert.deepEqual(
        emu.requests.filter((r) => r.action === 'AssumeRole').map((r) => [r.status, r.errorCode]),
        [[403, 'SignatureDoesNotMatch'], [200, undefined]],
        'refused once for the skew, then signed with the corrected time',
      );
    } finally {
      emu.advance(-3600_000);
    }
  });

  it('reports a 5xx that does not go away with exit 7', async () => {
    emu.fault({ action: 'AssumeRole', kind: 'unavailable', times: 10 });
    assertCleanFailure(await runAssume(['admin'], env()), 7, /HTTP 503/);
  });

  it('reports an answer that is not XML with exit 7', async () => {
    emu.fault({ action: 'AssumeRole', kind: 'malformed', times: 10 });
    assertCleanFailure(await runAssume(['admin'], env()), 7, /could not read/);
  });

  it('reports a refused connection with exit 7', async () => {
    const closed = await freePort();
    assertCleanFailure(await runAssume(['admin'], env({ AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${closed}` })), 7, /could not reach STS at http:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED/);
  });

  it('times out on an endpoint that never answers, within the bound', async () => {
    const silent = await silentServer();
    try {
      const port = silent.port;
      const started = Date.now();
      const result = await runAssume(['--timeout', '0.3', 'admin'], env({ AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` }));
      assertCleanFailure(result, 7, /no answer before the timeout/);
      assert.ok(Date.now() - started < 8000, 'three attempts of 0.3 s with backoff end well within 8 s');
    } finally {
      silent.close();
    }
  });

  it('prints the stack and cause only with --debug', async () => {
    const result = await runAssume(['--debug', 'forbidden'], env());
    assert.equal(result.code, 6);
    assert.match(result.stderr, /code: STS_ACCESS_DENIED/);
    assert.match(result.stderr, /\n\s+at /);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A TCP server that accepts connections and never answers. */
function silentServer(): Promise<{ port: number; close: () => void }> {
  return new Promise((resolve) => {
    const sockets: Socket[] = [];
    const server: Server = createServer((socket) => {
      sockets.push(socket);
    });
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        close: () => {
          for (const socket of sockets) socket.destroy();
          server.close();
        },
      });
    });
  });
}
