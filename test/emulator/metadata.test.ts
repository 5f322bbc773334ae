import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { fromHttp, fromInstanceMetadata } from '@aws-sdk/credential-providers';
import { startEmulator } from './emulator.js';
import type { Emulator, IssuedCredentials } from './emulator.js';
import { startMetadataServer } from './metadata.js';
import type { MetadataServer } from './metadata.js';
import { stsClient } from './test-support.js';
import type { CliResult } from './test-support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ROLE = 'arn:aws:iam::111111111111:role/service/web-server';
const TOKEN_PATH = '/latest/api/token';
const LIST_PATH = '/latest/meta-data/iam/security-credentials/';

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function request(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const response = await fetch(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, redirect: 'manual' });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

/** What `aws configure export-credentials` prints, in the shape the fake issued. */
function exported(result: CliResult): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  assert.equal(result.code, 0, result.stderr);
  const printed = JSON.parse(result.stdout) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string };
  return { accessKeyId: printed.AccessKeyId, secretAccessKey: printed.SecretAccessKey, sessionToken: printed.SessionToken };
}

function keys(credentials: IssuedCredentials | undefined): { accessKeyId: string; secretAccessKey: string; sessionToken: string } {
  assert.ok(credentials, 'credentials issued');
  return { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken };
}

/**
 * Runs the AWS CLI v2 (/usr/bin/aws, botocore) with only `env` to find credentials in: a temp HOME, empty config
 * files, no keys.
 */
async function runAwsCli(env: Record<string, string>, args: string[]): Promise<CliResult> {
  const home = await mkdtemp(join(tmpdir(), 'metadata-aws-'));
  try {
    const config = join(home, 'config');
    await writeFile(config, '');
    const fullEnv = { PATH: '/usr/bin:/bin', HOME: home, AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: config, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', ...env };
    return await new Promise((resolve) => {
      execFile('/usr/bin/aws', args, { env: fullEnv }, (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
      });
    });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/** Runs `body` with process.env changed, as the JS SDK's providers read only process.env; restores it after. */
async function withProcessEnv<T>(changes: Record<string, string>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(changes).map((name) => [name, process.env[name]]));
  Object.assign(process.env, changes);
  try {
    return await body();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  }
}

describe('metadata server', () => {
  let emu: Emulator;
  let md: MetadataServer;

  beforeEach(async () => {
    emu = await startEmulator();
    emu.addRole({ arn: ROLE, trust: [] });
    md = await startMetadataServer({ emulator: emu, roleArn: ROLE });
  });
  afterEach(async () => {
    await md.close();
    await emu.close();
  });

  async function token(ttl = '21600'): Promise<string> {
    const answer = await request(`${md.url}${TOKEN_PATH}`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': ttl } });
    assert.equal(answer.status, 200);
    return answer.text;
  }

  describe('instance metadata', () => {
    it('issues a session token for a PUT with a TTL, and echoes the TTL', async () => {
      const answer = await request(`${md.url}${TOKEN_PATH}`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } });
      assert.equal(answer.status, 200);
      assert.match(answer.text, /^AQAEA[\w-]+==$/);
      assert.equal(answer.headers.get('x-aws-ec2-metadata-token-ttl-seconds'), '60');
    });

    for (const ttl of [undefined, '0', '21601', 'abc']) {
      it(`answers 400 to a token PUT with the TTL ${String(ttl)}`, async () => {
        const answer = await request(`${md.url}${TOKEN_PATH}`, { method: 'PUT', headers: ttl === undefined ? {} : { 'x-aws-ec2-metadata-token-ttl-seconds': ttl } });
        assert.equal(answer.status, 400);
      });
    }

    it('answers 403 to a token PUT that came through a proxy (X-Forwarded-For), as EC2 does', async () => {
      const answer = await request(`${md.url}${TOKEN_PATH}`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60', 'x-forwarded-for': '10.0.0.1' } });
      assert.equal(answer.status, 403);
    });

    it('lists the role by its name without the path, and hands out its credentials in the IMDS document', async () => {
      const headers = { 'x-aws-ec2-metadata-token': await token() };
      const list = await request(`${md.url}${LIST_PATH}`, { headers });
      assert.deepEqual([list.status, list.text], [200, 'web-server']);
      const answer = await request(`${md.url}${LIST_PATH}web-server`, { headers });
      assert.equal(answer.status, 200);
      assert.match(answer.text, /^\{\n {2}"Code" : "Success",\n {2}"LastUpdated" : "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",\n {2}"Type" : "AWS-HMAC",\n/);
      const document = JSON.parse(answer.text) as Record<string, string>;
      const issued = md.issued[0];
      assert.ok(issued);
      assert.deepEqual(document, {
        Code: 'Success',
        LastUpdated: document.LastUpdated,
        Type: 'AWS-HMAC',
        AccessKeyId: issued.accessKeyId,
        SecretAccessKey: issued.secretAccessKey,
        Token: issued.sessionToken,
        Expiration: issued.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      });
    });

    it('hands out the same credentials until they are close to expiring, then new ones', async () => {
      const headers = { 'x-aws-ec2-metadata-token': await token() };
      const first = await request(`${md.url}${LIST_PATH}web-server`, { headers });
      const second = await request(`${md.url}${LIST_PATH}web-server`, { headers });
      assert.equal(first.text, second.text);
      assert.equal(md.issued.length, 1);
      emu.advance(6 * 3600 * 1000 - 60_000);
      const third = await request(`${md.url}${LIST_PATH}web-server`);
      const keyOf = (text: string): string => (JSON.parse(text) as { AccessKeyId: string }).AccessKeyId;
      assert.notEqual(keyOf(third.text), keyOf(first.text));
      assert.equal(md.issued.length, 2);
    });

    it('issues credentials the STS emulator accepts', async () => {
      await request(`${md.url}${LIST_PATH}web-server`);
      const identity = await stsClient(emu, keys(md.issued[0])).send(new GetCallerIdentityCommand({}));
      assert.equal(identity.Arn, 'arn:aws:sts::111111111111:assumed-role/web-server/i-0123456789abcdef0');
    });

    it('answers 401 to an unknown token and to an expired one', async () => {
      assert.equal((await request(`${md.url}${LIST_PATH}`, { headers: { 'x-aws-ec2-metadata-token': 'made-up' } })).status, 401);
      const headers = { 'x-aws-ec2-metadata-token': await token('1') };
      assert.equal((await request(`${md.url}${LIST_PATH}`, { headers })).status, 200);
      emu.advance(1000);
      assert.equal((await request(`${md.url}${LIST_PATH}`, { headers })).status, 401);
    });

    it('answers a GET without a token unless IMDSv2 is required', async () => {
      assert.equal((await request(`${md.url}${LIST_PATH}`)).status, 200);
      md.setMode('v2-required');
      assert.equal((await request(`${md.url}${LIST_PATH}`)).status, 401);
      assert.equal((await request(`${md.url}${LIST_PATH}`, { headers: { 'x-aws-ec2-metadata-token': await token() } })).status, 200);
    });

    it('answers the token PUT with 404 (or the status chosen) when it knows only IMDSv1', async () => {
      md.setMode('imdsv1-only');
      assert.equal((await request(`${md.url}${TOKEN_PATH}`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } })).status, 404);
      await md.close();
      md = await startMetadataServer({ emulator: emu, roleArn: ROLE, mode: 'imdsv1-only', imdsv1TokenStatus: 405 });
      assert.equal((await request(`${md.url}${TOKEN_PATH}`, { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' } })).status, 405);
      assert.equal((await request(`${md.url}${LIST_PATH}web-server`)).status, 200);
    });

    it('answers 404 without a role, and for a role name that is not attached', async () => {
      assert.equal((await request(`${md.url}${LIST_PATH}someone-else`)).status, 404);
      md.setRole(undefined);
      const list = await request(`${md.url}${LIST_PATH}`);
      assert.equal(list.status, 404);
      assert.match(list.text, /404 - Not Found/);
    });

    it('logs every request with the headers of the protocol', async () => {
      const value = await token('60');
      await request(`${md.url}${LIST_PATH}`, { headers: { 'x-aws-ec2-metadata-token': value } });
      assert.deepEqual(
        md.requests.map(({ method, path, target, ttl, metadataToken, status }) => ({ method, path, target, ttl, metadataToken, status })),
        [
          { method: 'PUT', path: TOKEN_PATH, target: 'token', ttl: '60', metadataToken: undefined, status: 200 },
          { method: 'GET', path: LIST_PATH, target: 'role-list', ttl: undefined, metadataToken: value, status: 200 },
        ],
      );
    });
  });

  describe('container credentials', () => {
    it('hands out the role credentials for the authorization token, with the RoleArn', async () => {
      const answer = await request(md.containerUri(), { headers: { authorization: md.authorizationToken } });
      assert.equal(answer.status, 200);
      assert.equal(answer.headers.get('content-type'), 'application/json');
      const issued = md.issued[0];
      assert.ok(issued);
      assert.deepEqual(JSON.parse(answer.text), {
        AccessKeyId: issued.accessKeyId,
        SecretAccessKey: issued.secretAccessKey,
        Token: issued.sessionToken,
        Expiration: issued.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        RoleArn: ROLE,
      });
    });

    it('answers 401 without the authorization token or with another one', async () => {
      assert.equal((await request(md.containerUri())).status, 401);
      assert.equal((await request(md.containerUri(), { headers: { authorization: 'other' } })).status, 401);
    });

    it('takes the authorization token it is given, and answers 404 without a role', async () => {
      await md.close();
      md = await startMetadataServer({ emulator: emu, authorizationToken: 'chosen-token' });
      assert.equal(md.authorizationToken, 'chosen-token');
      assert.equal((await request(md.containerUri('/v1/credentials'), { headers: { authorization: 'chosen-token' } })).status, 404);
    });
  });

  describe('faults', () => {
    it('hits only the target, as many times as asked', async () => {
      md.fault({ target: 'role-list', kind: 'server-error', times: 2 });
      assert.equal((await request(`${md.url}${LIST_PATH}web-server`)).status, 200);
      assert.equal((await request(`${md.url}${LIST_PATH}`)).status, 500);
      assert.equal((await request(`${md.url}${LIST_PATH}`)).status, 500);
      assert.equal((await request(`${md.url}${LIST_PATH}`)).status, 200);
      assert.deepEqual(
        md.requests.map((r) => r.fault),
        [undefined, 'server-error', 'server-error', undefined],
      );
    });

    it('answers a chosen status with a JSON error body', async () => {
      md.fault({ target: 'container', kind: 'status', status: 429 });
      const answer = await request(md.containerUri(), { headers: { authorization: md.authorizationToken } });
      assert.deepEqual([answer.status, JSON.parse(answer.text)], [429, { Code: 'Http429', Message: 'status 429 injected' }]);
    });

    it('drops a connection without an answer', async () => {
      md.fault({ kind: 'drop' });
      await assert.rejects(request(md.containerUri(), { headers: { authorization: md.authorizationToken } }), TypeError);
      assert.equal(md.requests[0]?.status, 0);
    });

    it('holds a slow answer, and answers it at once on close', async () => {
      md.fault({ target: 'credentials', kind: 'slow', delayMs: 60_000 });
      const pending = request(`${md.url}${LIST_PATH}web-server`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const started = Date.now();
      await md.close();
      const answer = await pending.catch(() => undefined);
      assert.ok(Date.now() - started < 5000);
      assert.ok(answer === undefined || answer.status === 200);
    });

    it('sends a truncated document, an expired one, or a token it will refuse', async () => {
      md.fault({ target: 'credentials', kind: 'malformed' });
      const malformed = await request(`${md.url}${LIST_PATH}web-server`);
      assert.throws(() => JSON.parse(malformed.text) as unknown, SyntaxError);
      md.fault({ target: 'container', kind: 'expired' });
      const expired = JSON.parse((await request(md.containerUri(), { headers: { authorization: md.authorizationToken } })).text) as { Expiration: string };
      assert.ok(new Date(expired.Expiration).getTime() < emu.now().getTime());
      md.fault({ target: 'token', kind: 'bad-token' });
      const refused = await token();
      assert.equal((await request(`${md.url}${LIST_PATH}`, { headers: { 'x-aws-ec2-metadata-token': refused } })).status, 401);
    });
  });

  describe('speaks what the real clients speak', () => {
    for (const mode of ['v2-required', 'imdsv1-only'] as const) {
      it(`gives the AWS CLI v2 the issued credentials through AWS_EC2_METADATA_SERVICE_ENDPOINT (${mode})`, async () => {
        md.setMode(mode);
        // botocore 2.9 appends "latest/api/token" to the endpoint as written, so it needs the trailing slash.
        const result = await runAwsCli({ AWS_EC2_METADATA_SERVICE_ENDPOINT: `${md.imdsEndpoint}/` }, ['configure', 'export-credentials']);
        assert.deepEqual(exported(result), keys(md.issued[0]));
        assert.deepEqual(
          md.requests.map((r) => `${r.method} ${r.path} ${r.metadataToken === undefined ? 'v1' : 'v2'} ${r.status}`),
          mode === 'v2-required'
            ? [`PUT ${TOKEN_PATH} v1 200`, `GET ${LIST_PATH} v2 200`, `GET ${LIST_PATH}web-server v2 200`]
            : [`PUT ${TOKEN_PATH} v1 404`, `GET ${LIST_PATH} v1 200`, `GET ${LIST_PATH}web-server v1 200`],
        );
      });
    }

    it('gives the AWS CLI v2 the issued credentials through AWS_CONTAINER_CREDENTIALS_FULL_URI and the authorization token', async () => {
      const result = await runAwsCli(
        { AWS_CONTAINER_CREDENTIALS_FULL_URI: md.containerUri(), AWS_CONTAINER_AUTHORIZATION_TOKEN: md.authorizationToken, AWS_EC2_METADATA_DISABLED: 'true' },
        ['configure', 'export-credentials'],
      );
      assert.deepEqual(exported(result), keys(md.issued[0]));
      assert.deepEqual(
        md.requests.map((r) => [r.method, r.path, r.authorization === md.authorizationToken]),
        [['GET', '/v2/credentials/task-role', true]],
      );
    });

    it('lets the AWS CLI v2 sign GetCallerIdentity with them against the STS emulator', async () => {
      const result = await runAwsCli({ AWS_EC2_METADATA_SERVICE_ENDPOINT: `${md.imdsEndpoint}/` }, [
        'sts',
        'get-caller-identity',
        '--endpoint-url',
        emu.url,
        '--output',
        'json',
      ]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { Arn: string }).Arn, 'arn:aws:sts::111111111111:assumed-role/web-server/i-0123456789abcdef0');
    });

    it("gives the JS SDK's fromInstanceMetadata the issued credentials (IMDSv2)", async () => {
      const credentials = await withProcessEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: md.imdsEndpoint, AWS_CONFIG_FILE: join(tmpdir(), 'no-such-aws-config') }, () =>
        fromInstanceMetadata({ timeout: 2000 })(),
      );
      assert.deepEqual(
        { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
        keys(md.issued[0]),
      );
      assert.deepEqual(
        md.requests.map((r) => `${r.method} ${r.path} ${r.metadataToken === undefined ? 'v1' : 'v2'}`),
        [`PUT ${TOKEN_PATH} v1`, `GET ${LIST_PATH} v2`, `GET ${LIST_PATH}web-server v2`],
      );
    });

    it("gives the JS SDK's fromHttp the issued credentials", async () => {
      const credentials = await fromHttp({ awsContainerCredentialsFullUri: md.containerUri(), awsContainerAuthorizationToken: md.authorizationToken, timeout: 2000 })();
      assert.deepEqual(
        { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
        keys(md.issued[0]),
      );
    });
  });
});
