import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import type { AssumeError } from '../../../src/errors.js';
import type { ContainerSource } from '../../../src/resolve/plan.js';
import type { Env } from '../../../src/resolve/resolvePlan.js';
import { fetchContainerCredentials, isAllowedContainerUrl } from '../../../src/sources/fetchContainerCredentials.js';
import type { Emulator } from '../../emulator/emulator.js';
import type { MetadataServer } from '../../emulator/metadata.js';
import { closedUrl } from '../../helpers/closedUrl.js';
import { rejection } from '../../helpers/rejection.js';
import { TIMEOUT_MS, assertStsAccepts, startMetadataWorld, stubServers } from './metadataFixtures.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ROLE = 'arn:aws:iam::111111111111:role/task-role';
const dir = mkdtempSync(join(tmpdir(), 'assume-container-'));

after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function source(uri: string, from = 'AWS_CONTAINER_CREDENTIALS_FULL_URI'): ContainerSource {
  return { kind: 'container', profile: 'task', uri: { value: uri, from: { kind: 'env', name: from } } };
}

/** A file holding `text` exactly. */
function tokenFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('isAllowedContainerUrl', () => {
  const allowed = [
    'http://127.0.0.1:8080/creds',
    'http://127.1.2.3/',
    'http://127.1/',
    'http://localhost:51679/role',
    'http://[::1]:80/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://169.254.170.2/v2/credentials/abc',
    'http://169.254.170.23/v1/credentials',
    'http://[fd00:ec2::23]/v1/credentials',
    'https://credentials.example.com/role',
  ];
  const refused = [
    'http://example.com/creds',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.1/',
    'http://[::2]/',
    'http://127.0.0.1.nip.io/',
    'http://[::ffff:10.0.0.1]/',
    'ftp://127.0.0.1/',
    'file:///etc/passwd',
  ];
  for (const url of allowed) {
    it(`allows ${url}, as the AWS SDKs do`, () => {
      assert.equal(isAllowedContainerUrl(new URL(url)), true);
    });
  }
  for (const url of refused) {
    it(`refuses ${url}, as the AWS SDKs do`, () => {
      assert.equal(isAllowedContainerUrl(new URL(url)), false);
    });
  }
});

describe('fetchContainerCredentials', () => {
  let emu: Emulator;
  let md: MetadataServer;
  const stubs = stubServers();

  function fetchFrom(uri: string, env: Env = { AWS_CONTAINER_AUTHORIZATION_TOKEN: md.authorizationToken }): ReturnType<typeof fetchContainerCredentials> {
    return fetchContainerCredentials(source(uri), { env, timeoutMs: TIMEOUT_MS, now: () => emu.now() });
  }

  /** A throwaway HTTP server for answers the fake does not give; its URL, with a path. */
  async function stub(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<string> {
    return `${await stubs.start(handler)}/creds`;
  }

  /** The AssumeError a fetch rejects with, checked to name the endpoint and profile and to quote no secret. */
  async function refused(call: Promise<unknown>, code: AssumeError['code'], message: RegExp, uri = md.containerUri()): Promise<AssumeError> {
    const error = await rejection(call);
    assert.equal(error.code, code);
    assert.ok(error.message.startsWith(`the container credentials endpoint at ${uri} (credential_source = EcsContainer of profile "task") `), error.message);
    assert.match(error.message, message);
    assert.ok(error.hint !== undefined && error.hint !== '');
    const text = `${error.message}\n${error.hint}`;
    for (const secret of [md.authorizationToken, ...md.issued.flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken])]) {
      assert.ok(!text.includes(secret), `leaks ${secret}`);
    }
    return error;
  }

  beforeEach(async () => {
    ({ emu, md } = await startMetadataWorld(ROLE));
  });
  afterEach(async () => {
    await md.close();
    stubs.closeAll();
    await emu.close();
  });

  it('gets the role credentials with a GET carrying AWS_CONTAINER_AUTHORIZATION_TOKEN', async () => {
    const credentials = await fetchFrom(md.containerUri());
    const issued = md.issued[0];
    assert.ok(issued);
    assert.deepEqual(credentials, {
      accessKeyId: issued.accessKeyId,
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken,
      expiration: new Date(Math.floor(issued.expiration.getTime() / 1000) * 1000),
    });
    assert.deepEqual(
      md.requests.map((r) => [r.method, r.path, r.authorization === md.authorizationToken]),
      [['GET', '/v2/credentials/task-role', true]],
    );
  });

  it('hands out credentials STS accepts: GetCallerIdentity, then AssumeRole into a role that trusts the task role', async () => {
    await assertStsAccepts(emu, await fetchFrom(md.containerUri()), 'arn:aws:sts::111111111111:assumed-role/task-role/i-0123456789abcdef0');
  });

  it('keeps the query string of the URI', async () => {
    await fetchFrom(md.containerUri('/v1/credentials?id=42&x=y'));
    assert.deepEqual(
      md.requests.map((r) => [r.path, r.query]),
      [['/v1/credentials', 'id=42&x=y']],
    );
  });

  it('prefers AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE over AWS_CONTAINER_AUTHORIZATION_TOKEN, and reads it at call time', async () => {
    const file = tokenFile('token-wins', md.authorizationToken);
    const env = { AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: file, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'stale-env-token' };
    await fetchFrom(md.containerUri(), env);
    writeFileSync(file, 'rotated-token');
    await refused(fetchFrom(md.containerUri(), env), 'SOURCE_MISSING', /answered HTTP 401: AccessDenied: Authorization header is missing or invalid$/);
    assert.deepEqual(
      md.requests.map((r) => r.authorization === md.authorizationToken),
      [true, false],
    );
    assert.equal(md.requests[1]?.authorization, 'rotated-token');
  });

  it('sends no Authorization header when no token is set, and says so when the endpoint wants one', async () => {
    const error = await refused(fetchFrom(md.containerUri(), {}), 'SOURCE_MISSING', /answered HTTP 401: /);
    assert.equal(error.exitCode, 5);
    assert.match(error.hint ?? '', /refused the authorization token \(none was sent\)/);
    assert.equal(md.requests[0]?.authorization, undefined);
  });

  it('reports a token file that cannot be read, naming the file', async () => {
    const missing = join(dir, 'no-such-token');
    const error = await rejection(fetchFrom(md.containerUri(), { AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: missing }));
    assert.equal(error.code, 'SOURCE_MISSING');
    assert.equal(error.message, `cannot read the container authorization token for profile "task" from the file ${missing} (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): ENOENT`);
    assert.equal(md.requests.length, 0);
  });

  const brokenTokens: [string, () => Env, string][] = [
    ['a CR LF in AWS_CONTAINER_AUTHORIZATION_TOKEN', () => ({ AWS_CONTAINER_AUTHORIZATION_TOKEN: 'secret-token\r\nX-Injected: 1' }), 'AWS_CONTAINER_AUTHORIZATION_TOKEN'],
    ['a lone LF in AWS_CONTAINER_AUTHORIZATION_TOKEN', () => ({ AWS_CONTAINER_AUTHORIZATION_TOKEN: 'secret-token\nmore' }), 'AWS_CONTAINER_AUTHORIZATION_TOKEN'],
    ['a lone CR in AWS_CONTAINER_AUTHORIZATION_TOKEN', () => ({ AWS_CONTAINER_AUTHORIZATION_TOKEN: 'secret-token\rmore' }), 'AWS_CONTAINER_AUTHORIZATION_TOKEN'],
    ['a trailing newline in the token file', () => ({ AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile('token-newline', 'secret-token\n') }), 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'],
  ];
  for (const [what, env, variable] of brokenTokens) {
    it(`refuses ${what} without sending a request or quoting the token`, async () => {
      const error = await rejection(fetchFrom(md.containerUri(), env()));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, new RegExp(`^the container authorization token for profile "task" in .*${variable}.* contains a line break`));
      assert.ok(!`${error.message} ${error.hint ?? ''}`.includes('secret-token'));
      assert.equal(md.requests.length, 0);
    });
  }

  const refusedUris: [string, RegExp][] = [
    ['http://example.com/creds', /names a host \(example\.com\) or scheme \(http:\) the AWS SDKs refuse/],
    ['http://169.254.169.254/latest/meta-data/iam/security-credentials/role', /names a host \(169\.254\.169\.254\) or scheme \(http:\) the AWS SDKs refuse/],
    ['ftp://127.0.0.1/creds', /names a host \(127\.0\.0\.1\) or scheme \(ftp:\) the AWS SDKs refuse/],
    ['127.0.0.1:8080/creds', /is not a URL/],
    ['not a url', /is not a URL/],
  ];
  for (const [uri, message] of refusedUris) {
    it(`refuses the URI ${uri} as invalid config, naming the variable it came from`, async () => {
      const error = await rejection(fetchFrom(uri));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.ok(error.message.startsWith(`the container credentials URI "${uri}" for profile "task" `), error.message);
      assert.match(error.message, message);
      assert.ok(error.message.endsWith(' (AWS_CONTAINER_CREDENTIALS_FULL_URI)'), error.message);
      assert.match(error.hint ?? '', /https:\/\/, or http:\/\/ on a loopback address/);
    });
  }

  it('refuses a URI with a password without showing the password', async () => {
    const error = await rejection(fetchFrom('https://user:hunter2@creds.example.com/role'));
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.match(error.message, /carries a user name or password/);
    assert.ok(!error.message.includes('hunter2'));
  });

  it('reports a task without a role (HTTP 404) as missing', async () => {
    md.setRole(undefined);
    const error = await refused(fetchFrom(md.containerUri()), 'SOURCE_MISSING', /answered HTTP 404: NotFound: No role for this task$/);
    assert.match(error.hint ?? '', /has a role/);
  });

  for (const [status, kind] of [[500, 'server-error'], [503, 'status'], [429, 'status']] as const) {
    it(`reports HTTP ${status} as unavailable (exit 7)`, async () => {
      md.fault({ target: 'container', kind, status });
      const error = await refused(fetchFrom(md.containerUri()), 'SOURCE_UNAVAILABLE', new RegExp(`answered HTTP ${status}`));
      assert.equal(error.exitCode, 7);
    });
  }

  it('blanks out the authorization token where an error answer echoes it', async () => {
    const token = 'echoed-secret-token';
    const uri = await stub((_request, response) => {
      response.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ code: 'Forbidden', message: `token ${token} is not valid` }));
    });
    const error = await refused(fetchFrom(uri, { AWS_CONTAINER_AUTHORIZATION_TOKEN: token }), 'SOURCE_MISSING', /answered HTTP 403: Forbidden: token \*\*\*\* is not valid$/, uri);
    assert.ok(!error.message.includes(token));
  });

  it('does not follow a redirect, so the token never travels to another host', async () => {
    const uri = await stub((_request, response) => {
      response.writeHead(302, { location: 'http://127.0.0.2:1/steal' }).end();
    });
    const error = await refused(fetchFrom(uri, { AWS_CONTAINER_AUTHORIZATION_TOKEN: 'a-token' }), 'SOURCE_UNAVAILABLE', /answered HTTP 302$/, uri);
    assert.match(error.hint ?? '', /follows no redirect/);
  });

  it('gives up on an endpoint that does not answer within the timeout', async () => {
    md.fault({ target: 'container', kind: 'slow', delayMs: 5000 });
    await refused(fetchFrom(md.containerUri()), 'SOURCE_UNAVAILABLE', /did not answer within 1 s$/);
  });

  it('sends the request once more when the connection dropped', async () => {
    md.fault({ target: 'container', kind: 'drop' });
    const credentials = await fetchFrom(md.containerUri());
    assert.equal(credentials.accessKeyId, md.issued[0]?.accessKeyId);
    assert.deepEqual(
      md.requests.map((r) => r.status),
      [0, 200],
    );
  });

  it('reports an endpoint nobody listens on as unreachable', async () => {
    const uri = `${await closedUrl()}/creds`;
    await refused(fetchFrom(uri), 'SOURCE_UNAVAILABLE', /could not be reached \(ECONNREFUSED\)$/, uri);
  });

  it('refuses a malformed document without quoting it', async () => {
    md.fault({ target: 'container', kind: 'malformed' });
    const error = await refused(fetchFrom(md.containerUri()), 'SOURCE_UNAVAILABLE', /answered with a document that is not JSON$/);
    assert.ok(!error.message.includes('ASIA'));
  });

  const documents: [string, unknown, RegExp][] = [
    ['without a Token', { AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', Expiration: '2099-01-01T00:00:00Z' }, /answered with a document that has no Token$/],
    ['with an empty key and no Expiration', { AccessKeyId: '', SecretAccessKey: 'secret', Token: 'session' }, /answered with a document that has no AccessKeyId, Expiration$/],
    ['that is an array', [], /answered with a document that is not a JSON object$/],
  ];
  for (const [what, document, message] of documents) {
    it(`refuses a document ${what}`, async () => {
      const uri = await stub((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(document));
      });
      const error = await refused(fetchFrom(uri), 'SOURCE_UNAVAILABLE', message, uri);
      assert.ok(!error.message.includes('secret') && !error.message.includes('session'));
    });
  }

  it('refuses credentials that have already expired (CREDENTIALS_EXPIRED)', async () => {
    md.fault({ target: 'container', kind: 'expired' });
    const error = await refused(fetchFrom(md.containerUri()), 'CREDENTIALS_EXPIRED', / handed out credentials that expired at /);
    const stale = md.issued.at(-1)?.expiration ?? new Date(0);
    assert.ok(error.message.endsWith(`expired at ${new Date(Math.floor(stale.getTime() / 1000) * 1000).toISOString()}`), error.message);
  });
});
