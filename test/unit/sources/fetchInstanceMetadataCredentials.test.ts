import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { AssumeError } from '../../../src/errors.js';
import type { InstanceMetadataSource } from '../../../src/resolve/plan.js';
import type { Env } from '../../../src/resolve/resolvePlan.js';
import { fetchInstanceMetadataCredentials } from '../../../src/sources/fetchInstanceMetadataCredentials.js';
import type { Emulator } from '../../emulator/emulator.js';
import { startMetadataServer } from '../../emulator/metadata.js';
import type { MetadataServer, MetadataServerOptions } from '../../emulator/metadata.js';
import { closedUrl } from '../../helpers/closedUrl.js';
import { rejection } from '../../helpers/rejection.js';
import { TIMEOUT_MS, assertStsAccepts, startMetadataWorld, stubServers } from './metadataFixtures.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ROLE = 'arn:aws:iam::111111111111:role/service/web-server';

function source(endpoint: string | undefined): InstanceMetadataSource {
  return {
    kind: 'instanceMetadata',
    profile: 'ec2',
    ...(endpoint === undefined ? {} : { endpoint: { value: endpoint, from: { kind: 'env', name: 'AWS_EC2_METADATA_SERVICE_ENDPOINT' } } }),
  };
}

/** One line per request: what a real IMDS client sends, token values left out. */
function trace(server: MetadataServer): string[] {
  return server.requests.map((r) => `${r.method} ${r.path}${r.ttl === undefined ? '' : ` ttl=${r.ttl}`}${r.metadataToken === undefined ? '' : ' token'} -> ${r.status}`);
}

describe('fetchInstanceMetadataCredentials', () => {
  let emu: Emulator;
  let md: MetadataServer;
  const stubs = stubServers();

  async function startFake(options: Partial<MetadataServerOptions> = {}): Promise<MetadataServer> {
    await md.close();
    md = await startMetadataServer({ emulator: emu, roleArn: ROLE, ...options });
    return md;
  }

  function fetchFrom(endpoint: string | undefined, env: Env = {}): ReturnType<typeof fetchInstanceMetadataCredentials> {
    return fetchInstanceMetadataCredentials(source(endpoint), { env, timeoutMs: TIMEOUT_MS, now: () => emu.now() });
  }

  /** The AssumeError a fetch from the fake rejects with, checked to name endpoint and profile and to quote no secret. */
  async function refused(call: Promise<unknown>, code: AssumeError['code'], message: RegExp, endpoint = md.imdsEndpoint): Promise<AssumeError> {
    const error = await rejection(call);
    assert.equal(error.code, code);
    assert.ok(error.message.startsWith(`the instance metadata service at ${endpoint} (credential_source = Ec2InstanceMetadata of profile "ec2") `), error.message);
    assert.match(error.message, message);
    assert.ok(error.hint !== undefined && error.hint !== '');
    const text = `${error.message}\n${error.hint}`;
    for (const secret of md.issued.flatMap((c) => [c.accessKeyId, c.secretAccessKey, c.sessionToken])) assert.ok(!text.includes(secret), `leaks ${secret}`);
    for (const token of md.requests.flatMap((r) => (r.metadataToken === undefined ? [] : [r.metadataToken]))) assert.ok(!text.includes(token), 'leaks the IMDS token');
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

  it('gets the role credentials through IMDSv2: a six-hour token, then the role name and its credentials with the token', async () => {
    const credentials = await fetchFrom(md.imdsEndpoint);
    const issued = md.issued[0];
    assert.ok(issued);
    assert.deepEqual(credentials, {
      accessKeyId: issued.accessKeyId,
      secretAccessKey: issued.secretAccessKey,
      sessionToken: issued.sessionToken,
      // IMDS writes Expiration in whole seconds.
      expiration: new Date(Math.floor(issued.expiration.getTime() / 1000) * 1000),
    });
    assert.deepEqual(trace(md), [
      'PUT /latest/api/token ttl=21600 -> 200',
      'GET /latest/meta-data/iam/security-credentials/ token -> 200',
      'GET /latest/meta-data/iam/security-credentials/web-server token -> 200',
    ]);
  });

  it('hands out credentials STS accepts: GetCallerIdentity, then AssumeRole into a role that trusts the instance role', async () => {
    await assertStsAccepts(emu, await fetchFrom(md.imdsEndpoint), 'arn:aws:sts::111111111111:assumed-role/web-server/i-0123456789abcdef0');
  });

  it('takes an endpoint written with a trailing slash, as botocore needs it', async () => {
    await fetchFrom(`${md.imdsEndpoint}/`);
    assert.deepEqual(
      md.requests.map((r) => r.path),
      ['/latest/api/token', '/latest/meta-data/iam/security-credentials/', '/latest/meta-data/iam/security-credentials/web-server'],
    );
  });

  it('works when IMDSv2 is required', async () => {
    await startFake({ mode: 'v2-required' });
    const credentials = await fetchFrom(md.imdsEndpoint);
    assert.equal(credentials.accessKeyId, md.issued[0]?.accessKeyId);
  });

  for (const status of [403, 404, 405]) {
    it(`falls back to IMDSv1 when the token request answers ${status}, as botocore and the JS SDK do`, async () => {
      await startFake({ mode: 'imdsv1-only', imdsv1TokenStatus: status });
      const credentials = await fetchFrom(md.imdsEndpoint);
      assert.equal(credentials.accessKeyId, md.issued[0]?.accessKeyId);
      assert.deepEqual(trace(md), [
        `PUT /latest/api/token ttl=21600 -> ${status}`,
        'GET /latest/meta-data/iam/security-credentials/ -> 200',
        'GET /latest/meta-data/iam/security-credentials/web-server -> 200',
      ]);
    });
  }

  it('falls back to IMDSv1 when the token request times out (a hop limit of 1 drops the answer in a container)', async () => {
    md.fault({ target: 'token', kind: 'slow', delayMs: 5000 });
    const credentials = await fetchFrom(md.imdsEndpoint);
    assert.equal(credentials.accessKeyId, md.issued[0]?.accessKeyId);
    assert.deepEqual(
      md.requests.map((r) => `${r.method} ${r.path}${r.metadataToken === undefined ? '' : ' token'}`),
      ['PUT /latest/api/token', 'GET /latest/meta-data/iam/security-credentials/', 'GET /latest/meta-data/iam/security-credentials/web-server'],
    );
  });

  it('says IMDSv2 is required and suggests the hop limit when the token request timed out and IMDSv1 answers 401', async () => {
    await startFake({ mode: 'v2-required' });
    md.fault({ target: 'token', kind: 'slow', delayMs: 5000 });
    const error = await refused(
      fetchFrom(md.imdsEndpoint),
      'SOURCE_UNAVAILABLE',
      /requires IMDSv2 \(HTTP 401 to GET \/latest\/meta-data\/iam\/security-credentials\/ without a token\), but the IMDSv2 token request \(PUT \/latest\/api\/token\) timed out after 1 s$/,
    );
    assert.match(error.hint ?? '', /--http-put-response-hop-limit 2/);
  });

  it('does not fall back when AWS_EC2_METADATA_V1_DISABLED is true, and sends no request without a token', async () => {
    await startFake({ mode: 'imdsv1-only', imdsv1TokenStatus: 403 });
    await refused(
      fetchFrom(md.imdsEndpoint, { AWS_EC2_METADATA_V1_DISABLED: 'true' }),
      'SOURCE_UNAVAILABLE',
      /cannot be used: the IMDSv2 token request \(PUT \/latest\/api\/token\) answered HTTP 403 and AWS_EC2_METADATA_V1_DISABLED forbids falling back to IMDSv1$/,
    );
    assert.deepEqual(trace(md), ['PUT /latest/api/token ttl=21600 -> 403']);
  });

  it('does not fall back when the token request answers 400 (a bad request, not a missing IMDSv2)', async () => {
    md.fault({ target: 'token', kind: 'status', status: 400 });
    await refused(fetchFrom(md.imdsEndpoint), 'SOURCE_UNAVAILABLE', /answered HTTP 400 to the IMDSv2 token request \(PUT \/latest\/api\/token\): Http400: status 400 injected$/);
    assert.equal(md.requests.length, 1);
  });

  it('does not fall back when the token request fails with HTTP 500', async () => {
    md.fault({ target: 'token', kind: 'server-error' });
    const error = await refused(fetchFrom(md.imdsEndpoint), 'SOURCE_UNAVAILABLE', /answered HTTP 500 to the IMDSv2 token request \(PUT \/latest\/api\/token\)$/);
    assert.equal(error.exitCode, 7);
    assert.equal(md.requests.length, 1);
  });

  it('reports a token the service then refuses (401) as unavailable', async () => {
    md.fault({ target: 'token', kind: 'bad-token' });
    await refused(fetchFrom(md.imdsEndpoint), 'SOURCE_UNAVAILABLE', /refused its own IMDSv2 session token \(HTTP 401 to GET \/latest\/meta-data\/iam\/security-credentials\/\)$/);
  });

  it('refuses an empty session token instead of sending requests without one', async () => {
    md.fault({ target: 'token', kind: 'malformed' });
    await refused(fetchFrom(md.imdsEndpoint), 'SOURCE_UNAVAILABLE', /answered the IMDSv2 token request \(PUT \/latest\/api\/token\) with an unusable token$/);
    assert.equal(md.requests.length, 1);
  });

  it('blanks out the session token where an error answer echoes it', async () => {
    const url = await stubs.start((request, response) => {
      if (request.method === 'PUT') response.end('imds-session-token-1234');
      else response.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ Code: 'Busy', Message: `token ${String(request.headers['x-aws-ec2-metadata-token'])} later` }));
    });
    const error = await refused(fetchFrom(url), 'SOURCE_UNAVAILABLE', /answered HTTP 503 to GET \/latest\/meta-data\/iam\/security-credentials\/: Busy: token \*\*\*\* later$/, url);
    assert.ok(!error.message.includes('imds-session-token-1234'));
  });

  it('reports an instance without a role as missing (exit 5), naming the endpoint and the profile', async () => {
    await startFake({ roleArn: undefined });
    const error = await refused(fetchFrom(md.imdsEndpoint), 'SOURCE_MISSING', /has no IAM role for this instance \(HTTP 404 to GET \/latest\/meta-data\/iam\/security-credentials\/\)$/);
    assert.equal(error.exitCode, 5);
    assert.match(error.hint ?? '', /instance profile/);
  });

  it('reports an empty role list as no role', async () => {
    const url = await stubs.start((request, response) => {
      response.end(request.method === 'PUT' ? 'token' : '\n');
    });
    await refused(fetchFrom(url), 'SOURCE_MISSING', /has no IAM role for this instance \(an empty role list\)$/, url);
  });

  it('reports a role detached between the two GETs as missing', async () => {
    const url = await stubs.start((request, response) => {
      if (request.url === '/latest/meta-data/iam/security-credentials/') response.end('gone');
      else if (request.method === 'PUT') response.end('token');
      else response.writeHead(404).end();
    });
    await refused(fetchFrom(url), 'SOURCE_MISSING', /has no credentials for the role "gone" \(HTTP 404 to GET \/latest\/meta-data\/iam\/security-credentials\/gone\)$/, url);
  });

  it('reports a document with a Code other than Success (the role does not trust EC2) as missing, with its Code and Message', async () => {
    const url = await stubs.start((request, response) => {
      if (request.method === 'PUT') response.end('token');
      else if (request.url === '/latest/meta-data/iam/security-credentials/') response.end('web-server');
      else response.end(JSON.stringify({ Code: 'AssumeRoleUnauthorizedAccess', Message: 'EC2 cannot assume the role web-server.', LastUpdated: '2026-01-01T00:00:00Z' }));
    });
    await refused(fetchFrom(url), 'SOURCE_MISSING', /could not get credentials for the role "web-server": AssumeRoleUnauthorizedAccess: EC2 cannot assume the role web-server\.$/, url);
  });

  it('refuses a document with an Expiration that is not an RFC 3339 time', async () => {
    const url = await stubs.start((request, response) => {
      if (request.method === 'PUT') response.end('token');
      else if (request.url === '/latest/meta-data/iam/security-credentials/') response.end('web-server');
      else response.end(JSON.stringify({ Code: 'Success', AccessKeyId: 'ASIAEXAMPLE', SecretAccessKey: 'secret', Token: 'session', Expiration: 'tomorrow' }));
    });
    const error = await refused(fetchFrom(url), 'SOURCE_UNAVAILABLE', /with a document that has an Expiration that is not an RFC 3339 time$/, url);
    assert.ok(!error.message.includes('ASIAEXAMPLE') && !error.message.includes('secret') && !error.message.includes('session'));
  });

  for (const target of ['role-list', 'credentials'] as const) {
    it(`reports HTTP 500 to the ${target} GET as unavailable (exit 7)`, async () => {
      md.fault({ target, kind: 'server-error' });
      const error = await refused(fetchFrom(md.imdsEndpoint), 'SOURCE_UNAVAILABLE', /answered HTTP 500 to GET \/latest\/meta-data\/iam\/security-credentials\/(web-server)?$/);
      assert.equal(error.exitCode, 7);
      assert.match(error.hint ?? '', /try again/);
    });
  }

  it('gives up on a GET that does not answer within the timeout', async () => {
    md.fault({ target: 'credentials', kind: 'slow', delayMs: 5000 });
    await refused(fetchFrom(md.imdsEndpoint), 'SOURCE_UNAVAILABLE', /did not answer within 1 s \(GET \/latest\/meta-data\/iam\/security-credentials\/web-server\)$/);
  });

  it('sends a request once more when the connection dropped', async () => {
    md.fault({ target: 'credentials', kind: 'drop' });
    const credentials = await fetchFrom(md.imdsEndpoint);
    assert.equal(credentials.accessKeyId, md.issued[0]?.accessKeyId);
    assert.deepEqual(
      md.requests.map((r) => `${r.target} ${r.status}`),
      ['token 200', 'role-list 200', 'credentials 0', 'credentials 200'],
    );
  });

  it('reports a connection that drops twice as unreachable', async () => {
    md.fault({ target: 'role-list', kind: 'drop', times: 2 });
    await refused(fetchFrom(md.imdsEndpoint), 'SOURCE_UNAVAILABLE', /could not be reached \([^)]+\) \(GET \/latest\/meta-data\/iam\/security-credentials\/\)$/);
    assert.equal(md.requests.length, 3);
  });

  it('reports an endpoint nobody listens on as unreachable', async () => {
    const url = await closedUrl();
    await refused(fetchFrom(url), 'SOURCE_UNAVAILABLE', /could not be reached \(ECONNREFUSED\) \(the IMDSv2 token request \(PUT \/latest\/api\/token\)\)$/, url);
  });

  it('refuses a malformed credentials document without quoting it', async () => {
    md.fault({ target: 'credentials', kind: 'malformed' });
    const error = await refused(fetchFrom(md.imdsEndpoint), 'SOURCE_UNAVAILABLE', /answered GET \/latest\/meta-data\/iam\/security-credentials\/web-server with a document that is not JSON$/);
    assert.ok(!error.message.includes('ASIA'));
  });

  it('refuses credentials that have already expired (CREDENTIALS_EXPIRED)', async () => {
    md.fault({ target: 'credentials', kind: 'expired' });
    const error = await refused(fetchFrom(md.imdsEndpoint), 'CREDENTIALS_EXPIRED', /handed out credentials for the role "web-server" that expired at /);
    const stale = md.issued.at(-1)?.expiration ?? new Date(0);
    assert.ok(stale.getTime() < emu.now().getTime());
    assert.ok(error.message.endsWith(` that expired at ${new Date(Math.floor(stale.getTime() / 1000) * 1000).toISOString()}`), error.message);
  });

  it('compares the expiration with the injected clock', async () => {
    const credentials = await fetchFrom(md.imdsEndpoint);
    const later = new Date((credentials.expiration?.getTime() ?? 0) + 1000);
    await refused(fetchInstanceMetadataCredentials(source(md.imdsEndpoint), { env: {}, timeoutMs: TIMEOUT_MS, now: () => later }), 'CREDENTIALS_EXPIRED', /that expired at/);
  });

  for (const value of ['true', 'TRUE', ' True ']) {
    it(`refuses without a request when AWS_EC2_METADATA_DISABLED is "${value}"`, async () => {
      await refused(fetchFrom(md.imdsEndpoint, { AWS_EC2_METADATA_DISABLED: value }), 'SOURCE_MISSING', /is disabled by AWS_EC2_METADATA_DISABLED=true$/);
      assert.equal(md.requests.length, 0);
    });
  }

  it('asks IMDS when AWS_EC2_METADATA_DISABLED is anything but true, as botocore does', async () => {
    await fetchFrom(md.imdsEndpoint, { AWS_EC2_METADATA_DISABLED: '1' });
    assert.equal(md.requests.length, 3);
  });

  it('names the default endpoint, http://169.254.169.254, when none is configured (checked without a request)', async () => {
    const error = await rejection(fetchFrom(undefined, { AWS_EC2_METADATA_DISABLED: 'true' }));
    assert.match(error.message, /^the instance metadata service at http:\/\/169\.254\.169\.254 \(/);
  });

  for (const endpoint of ['169.254.169.254', 'ftp://127.0.0.1/', 'http://user:pass@127.0.0.1/']) {
    it(`refuses the endpoint "${endpoint}" as invalid config, naming where it came from`, async () => {
      const error = await rejection(fetchFrom(endpoint));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /for profile "ec2" is not an http:\/\/ or https:\/\/ URL \(AWS_EC2_METADATA_SERVICE_ENDPOINT\)$/);
      assert.ok(!error.message.includes('pass'), 'a password in the URL is not shown');
    });
  }
});
