import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parseCli } from '../../../src/cli.js';
import type { CliOptions } from '../../../src/cli.js';
import {
  browserCommand,
  consoleSignIn,
  fetchSigninToken,
  loginUrl,
  partitionOf,
  resolveDestination,
  resolveFederationEndpoint,
  signinTokenRequestUrl,
} from '../../../src/commands/console.js';
import type { CommandContext } from '../../../src/commands/types.js';
import type { Credentials } from '../../../src/credentials.js';
import type { AssumeError } from '../../../src/errors.js';
import { startEmulator } from '../../emulator/emulator.js';
import type { Emulator } from '../../emulator/emulator.js';
import { closedUrl } from '../../helpers/closedUrl.js';
import { rejection } from '../../helpers/rejection.js';

const roleArn = 'arn:aws:iam::222222222222:role/Console';
/** A secret with every character that needs encoding in a query string. */
const tricky: Credentials = { accessKeyId: 'ASIATRICKY0000000001', secretAccessKey: 'a+b/c=d&e f%g', sessionToken: 'tok+en/==&x' };

function options(argv: string[]): CliOptions {
  const parsed = parseCli(['console', 'prod', ...argv], '0.0.0');
  assert.equal(parsed.kind, 'run');
  return parsed.options;
}

function contextWith(env: Record<string, string>, out: { stdout: string; stderr: string }): CommandContext {
  return {
    env,
    io: { stdout: { write: (text: string) => (out.stdout += text) }, stderr: { write: (text: string) => (out.stderr += text) } },
    homeDir: '/home/me',
    now: () => new Date(),
    colorLevel: 0,
    version: '0.0.0',
    deps: {},
  };
}

/** The error says nothing of the credentials: no secret, no token, no Session parameter. */
function assertRedacted(error: AssumeError, credentials: Credentials): void {
  const text = `${error.message}\n${error.hint ?? ''}`;
  const secrets = [credentials.secretAccessKey, credentials.sessionToken, credentials.accessKeyId, 'Session=', 'sessionKey'].filter((value): value is string => value !== undefined);
  for (const secret of secrets) {
    assert.equal(text.includes(secret), false, `"${secret}" in: ${text}`);
  }
}

describe('partitionOf', () => {
  const cases: [string | undefined, string | undefined, string][] = [
    [undefined, undefined, 'aws'],
    [undefined, 'eu-west-1', 'aws'],
    [undefined, 'cn-north-1', 'aws-cn'],
    [undefined, 'us-gov-west-1', 'aws-us-gov'],
    [undefined, 'us-iso-east-1', 'aws-iso'],
    [undefined, 'us-isob-east-1', 'aws-iso-b'],
    ['arn:aws-cn:sts::123456789012:assumed-role/R/s', 'eu-west-1', 'aws-cn'],
    ['arn:aws-us-gov:sts::123456789012:assumed-role/R/s', undefined, 'aws-us-gov'],
  ];
  for (const [arn, region, partition] of cases) {
    it(`is ${partition} for ${arn ?? 'no ARN'} in ${region ?? 'no region'}`, () => {
      assert.equal(partitionOf(arn, region), partition);
    });
  }
});

describe('resolveFederationEndpoint', () => {
  it("defaults to the partition's endpoint", () => {
    assert.equal(resolveFederationEndpoint(undefined, {}, 'aws').href, 'https://signin.aws.amazon.com/federation');
    assert.equal(resolveFederationEndpoint(undefined, {}, 'aws-us-gov').href, 'https://signin.amazonaws-us-gov.com/federation');
    assert.equal(resolveFederationEndpoint(undefined, {}, 'aws-cn').href, 'https://signin.amazonaws.cn/federation');
  });

  it('takes ASSUME_FEDERATION_ENDPOINT, and --federation-endpoint over it', () => {
    const env = { ASSUME_FEDERATION_ENDPOINT: 'https://env.example/federation' };
    assert.equal(resolveFederationEndpoint(undefined, env, 'aws').href, 'https://env.example/federation');
    assert.equal(resolveFederationEndpoint('https://flag.example/f', env, 'aws').href, 'https://flag.example/f');
    assert.equal(resolveFederationEndpoint(undefined, { ASSUME_FEDERATION_ENDPOINT: '' }, 'aws').href, 'https://signin.aws.amazon.com/federation');
  });

  it('allows http:// only on loopback, and no user or password in the URL', () => {
    assert.equal(resolveFederationEndpoint('http://127.0.0.1:8080/federation', {}, 'aws').port, '8080');
    assert.equal(resolveFederationEndpoint('http://[::1]:8080/federation', {}, 'aws').port, '8080');
    for (const bad of ['http://signin.example/federation', 'https://u:p@signin.example/f', 'ftp://127.0.0.1/f', 'not a url']) {
      assert.throws(() => resolveFederationEndpoint(bad, {}, 'aws'), (error: AssumeError) => error.code === 'USAGE' && error.message.startsWith('--federation-endpoint'));
    }
    assert.throws(() => resolveFederationEndpoint(undefined, { ASSUME_FEDERATION_ENDPOINT: 'http://10.0.0.1/f' }, 'aws'), /ASSUME_FEDERATION_ENDPOINT must be an https/);
  });

  it('asks for an endpoint in a partition without a public console', () => {
    assert.throws(() => resolveFederationEndpoint(undefined, {}, 'aws-iso'), (error: AssumeError) => error.code === 'USAGE' && /--federation-endpoint/.test(error.hint ?? ''));
  });
});

describe('resolveDestination', () => {
  it("is the partition's console home for the region, or ASSUME_CONSOLE_DESTINATION", () => {
    assert.equal(resolveDestination({}, 'aws', 'eu-west-1'), 'https://console.aws.amazon.com/console/home?region=eu-west-1');
    assert.equal(resolveDestination({}, 'aws', undefined), 'https://console.aws.amazon.com/console/home');
    assert.equal(resolveDestination({}, 'aws-cn', 'cn-north-1'), 'https://console.amazonaws.cn/console/home?region=cn-north-1');
    assert.equal(resolveDestination({}, 'aws-us-gov', 'us-gov-west-1'), 'https://console.amazonaws-us-gov.com/console/home?region=us-gov-west-1');
    assert.equal(resolveDestination({}, 'aws', 'a&b=c'), 'https://console.aws.amazon.com/console/home?region=a%26b%3Dc');
    assert.equal(resolveDestination({ ASSUME_CONSOLE_DESTINATION: 'https://console.aws.amazon.com/s3/' }, 'aws', 'x'), 'https://console.aws.amazon.com/s3/');
    assert.throws(() => resolveDestination({ ASSUME_CONSOLE_DESTINATION: 'http://evil.example/' }, 'aws', 'x'), /ASSUME_CONSOLE_DESTINATION must be an https/);
  });
});

describe('signinTokenRequestUrl and loginUrl', () => {
  it('encodes the session JSON so that every character of the secret and token comes back exactly', () => {
    const url = signinTokenRequestUrl(new URL('https://signin.aws.amazon.com/federation'), tricky);
    assert.equal(url.origin + url.pathname, 'https://signin.aws.amazon.com/federation');
    assert.deepEqual([...url.searchParams.keys()], ['Action', 'SessionType', 'Session']);
    assert.equal(url.searchParams.get('Action'), 'getSigninToken');
    assert.equal(url.searchParams.get('SessionType'), 'json');
    assert.deepEqual(JSON.parse(url.searchParams.get('Session') ?? ''), { sessionId: tricky.accessKeyId, sessionKey: tricky.secretAccessKey, sessionToken: tricky.sessionToken });
    // Nothing of the JSON is left raw in the query: no &, =, + or / of the secret unencoded.
    assert.doesNotMatch(url.search.slice(url.search.indexOf('Session=') + 8), /[&={}"/]/);
  });

  it('builds the login URL with the Issuer, the encoded Destination and the token, in that order', () => {
    const destination = 'https://console.aws.amazon.com/s3/home?region=eu-west-1&tab=x#frag';
    const text = loginUrl(new URL('https://signin.aws.amazon.com/federation'), destination, 'tok-en_1');
    const url = new URL(text);
    assert.deepEqual([...url.searchParams], [
      ['Action', 'login'],
      ['Issuer', 'assume'],
      ['Destination', destination],
      ['SigninToken', 'tok-en_1'],
    ]);
    assert.equal(url.hash, '');
    assert.match(text, /^https:\/\/signin\.aws\.amazon\.com\/federation\?Action=login&Issuer=assume&Destination=https%3A%2F%2Fconsole\.aws\.amazon\.com%2Fs3%2Fhome%3Fregion%3Deu-west-1%26tab%3Dx%23frag&SigninToken=tok-en_1$/);
  });
});

describe('browserCommand', () => {
  const url = 'https://signin.aws.amazon.com/federation?Action=login&SigninToken=a;b$(c)';
  it('runs $BROWSER with the URL as one last argument, or in place of %s', () => {
    assert.deepEqual(browserCommand({ BROWSER: 'firefox' }, 'linux', url), ['firefox', url]);
    assert.deepEqual(browserCommand({ BROWSER: "'/opt/my browser/run' --new-window" }, 'linux', url), ['/opt/my browser/run', '--new-window', url]);
    assert.deepEqual(browserCommand({ BROWSER: 'chromium --app=%s:firefox' }, 'linux', url), ['chromium', `--app=${url}`]);
  });
  it('falls back to xdg-open, or open on macOS', () => {
    assert.deepEqual(browserCommand({}, 'linux', url), ['xdg-open', url]);
    assert.deepEqual(browserCommand({}, 'darwin', url), ['open', url]);
  });
});

describe('fetchSigninToken and consoleSignIn against the emulator', () => {
  let emu: Emulator;
  before(async () => {
    emu = await startEmulator();
    emu.addRole({ arn: roleArn, trust: ['*'] });
  });
  after(async () => {
    await emu.close();
  });
  beforeEach(() => {
    emu.reset();
  });

  it('gets a SigninToken that the endpoint then accepts at Action=login', async () => {
    const credentials = emu.issueRoleCredentials(roleArn);
    const out = { stdout: '', stderr: '' };
    const result = await consoleSignIn({ credentials, region: 'eu-west-1' }, options(['--federation-endpoint', emu.federationUrl]), contextWith({}, out));
    assert.deepEqual(result, { exitCode: 0 });
    assert.equal(out.stderr, '');
    assert.match(out.stdout, /^http:\/\/127\.0\.0\.1:\d+\/federation\?Action=login&Issuer=assume&Destination=[^&]+&SigninToken=[\w-]+\n$/);
    const response = await fetch(out.stdout.trim(), { redirect: 'manual' });
    assert.equal(response.status, 302);
    assert.equal(response.headers.get('location'), 'https://console.aws.amazon.com/console/home?region=eu-west-1');
    assert.equal(emu.federationRequests[0]?.accessKeyId, credentials.accessKeyId);
  });

  it('refuses long-term keys before any request, naming the key only redacted', async () => {
    const user = emu.addUser({ name: 'keys' });
    const credentials = { accessKeyId: user.accessKeyId, secretAccessKey: user.secretAccessKey };
    const error = await rejection(consoleSignIn({ credentials }, options(['--federation-endpoint', emu.federationUrl]), contextWith({}, { stdout: '', stderr: '' })));
    assert.equal(error.code, 'USAGE');
    assert.match(error.message, new RegExp(`\\*\\*\\*\\*${user.accessKeyId.slice(-4)}`));
    assertRedacted(error, credentials);
    assert.equal(emu.federationRequests.length, 0);
  });

  it('maps a refusal (HTTP 400) to CREDENTIALS_INVALID without echoing the session', async () => {
    const error = await rejection(fetchSigninToken(new URL(emu.federationUrl), tricky, { timeoutMs: 5000 }));
    assert.equal(error.code, 'CREDENTIALS_INVALID');
    assert.equal(error.exitCode, 5);
    assert.match(error.message, /refused the credentials of \*\*\*\*0001 \(HTTP 400\)/);
    assertRedacted(error, tricky);
  });

  it('maps 5xx to STS_UNAVAILABLE, a body without a token to STS_ERROR, and no answer to STS_UNREACHABLE', async () => {
    const credentials = emu.issueRoleCredentials(roleArn);
    emu.fault({ action: 'getSigninToken', kind: 'server-error' });
    const unavailable = await rejection(fetchSigninToken(new URL(emu.federationUrl), credentials, { timeoutMs: 5000 }));
    assert.equal(unavailable.code, 'STS_UNAVAILABLE');
    emu.fault({ action: 'getSigninToken', kind: 'malformed' });
    const malformed = await rejection(fetchSigninToken(new URL(emu.federationUrl), credentials, { timeoutMs: 5000 }));
    assert.equal(malformed.code, 'STS_ERROR');
    assert.match(malformed.message, /without a SigninToken/);
    emu.fault({ action: 'getSigninToken', kind: 'drop' });
    const dropped = await rejection(fetchSigninToken(new URL(emu.federationUrl), credentials, { timeoutMs: 5000 }));
    assert.equal(dropped.code, 'STS_UNREACHABLE');
    const closed = await rejection(fetchSigninToken(new URL(`${await closedUrl()}/federation`), credentials, { timeoutMs: 5000 }));
    assert.equal(closed.code, 'STS_UNREACHABLE');
    assert.match(closed.message, /could not be reached: ECONNREFUSED$/);
    for (const error of [unavailable, malformed, dropped, closed]) assertRedacted(error, credentials);
  });

  it('gives up after --timeout on a slow endpoint', async () => {
    const credentials = emu.issueRoleCredentials(roleArn);
    emu.fault({ action: 'getSigninToken', kind: 'slow', delayMs: 10_000 });
    const error = await rejection(fetchSigninToken(new URL(emu.federationUrl), credentials, { timeoutMs: 300 }));
    assert.equal(error.code, 'STS_UNREACHABLE');
    assert.match(error.message, /no answer within 0\.3 s/);
  });
});
