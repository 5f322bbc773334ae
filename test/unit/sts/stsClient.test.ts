import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StsTarget } from '../../../src/resolve/plan.js';
import { createStsClient, createUnsignedStsClient, describeEndpoint, loadStsModule } from '../../../src/sts/stsClient.js';

/**
 * Builds the real SDK client for a target and captures the URL its first request would go
 * to, stopping it before anything leaves the process.
 */
async function requestUrl(target: StsTarget): Promise<string> {
  const client = await createStsClient({ accessKeyId: 'AKIAEXAMPLE000000001', secretAccessKey: 'example-secret' }, { target, timeoutMs: 1000, maxAttempts: 1 });
  const { GetCallerIdentityCommand } = await loadStsModule();
  client.middlewareStack.add(
    () => (args) => {
      const request = args.request as { protocol: string; hostname: string; port?: number; path: string };
      throw new Error(`captured ${request.protocol}//${request.hostname}${request.port === undefined ? '' : `:${request.port}`}${request.path}`);
    },
    { step: 'finalizeRequest', name: 'captureUrl', priority: 'low' },
  );
  try {
    await client.send(new GetCallerIdentityCommand({}));
    return 'sent';
  } catch (error) {
    return (error as Error).message.replace(/^captured /, '');
  } finally {
    client.destroy();
  }
}

describe('createStsClient', () => {
  it('calls the regional STS endpoint of the region by default', async () => {
    assert.equal(await requestUrl({ region: 'eu-west-1', useFipsEndpoint: false }), 'https://sts.eu-west-1.amazonaws.com/');
  });

  it('calls the partition of the region (China)', async () => {
    assert.equal(await requestUrl({ region: 'cn-north-1', useFipsEndpoint: false }), 'https://sts.cn-north-1.amazonaws.com.cn/');
  });

  it('calls the FIPS endpoint when asked', async () => {
    assert.equal(await requestUrl({ region: 'us-east-2', useFipsEndpoint: true }), 'https://sts-fips.us-east-2.amazonaws.com/');
  });

  it('calls the custom endpoint of the plan', async () => {
    assert.equal(await requestUrl({ region: 'eu-west-1', useFipsEndpoint: false, endpoint: { value: 'http://127.0.0.1:9', from: { kind: 'flag', name: '--endpoint-url' } } }), 'http://127.0.0.1:9/');
  });

  it('ignores endpoint variables the plan did not choose (the plan already resolved them)', async () => {
    process.env.AWS_ENDPOINT_URL_STS = 'http://127.0.0.1:7';
    try {
      assert.equal(await requestUrl({ region: 'eu-west-1', useFipsEndpoint: false }), 'https://sts.eu-west-1.amazonaws.com/');
    } finally {
      delete process.env.AWS_ENDPOINT_URL_STS;
    }
  });
});

describe('describeEndpoint', () => {
  it('names the regional endpoint, or the custom one', () => {
    assert.equal(describeEndpoint({ region: 'ap-south-1', useFipsEndpoint: false }), 'https://sts.ap-south-1.amazonaws.com');
    assert.equal(describeEndpoint({ region: 'ap-south-1', useFipsEndpoint: false, endpoint: { value: 'http://x:1', from: { kind: 'default' } } }), 'http://x:1');
  });
});

describe('createUnsignedStsClient', () => {
  /** Sends `command` and captures the URL and headers its request would go out with. */
  async function capture(target: StsTarget, command: 'web' | 'identity'): Promise<{ url: string; headers: Record<string, string> } | Error> {
    const client = await createUnsignedStsClient({ target, timeoutMs: 1000, maxAttempts: 1 });
    const { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand } = await loadStsModule();
    let captured: { url: string; headers: Record<string, string> } | undefined;
    client.middlewareStack.add(
      () => (args) => {
        const request = args.request as { protocol: string; hostname: string; port?: number; path: string; headers: Record<string, string> };
        captured = { url: `${request.protocol}//${request.hostname}${request.port === undefined ? '' : `:${request.port}`}${request.path}`, headers: request.headers };
        throw new Error('captured');
      },
      { step: 'finalizeRequest', name: 'captureRequest', priority: 'low' },
    );
    try {
      await (command === 'web'
        ? client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::222222222222:role/ci', RoleSessionName: 's1', WebIdentityToken: 'a.b.c' }))
        : client.send(new GetCallerIdentityCommand({})));
      return new Error('sent');
    } catch (error) {
      return captured ?? (error as Error);
    } finally {
      client.destroy();
    }
  }

  it('sends AssumeRoleWithWebIdentity unsigned to the endpoint of the target, even with keys in the environment', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAENVIRONMENT00001';
    process.env.AWS_SECRET_ACCESS_KEY = 'environment-secret';
    try {
      const result = await capture({ region: 'eu-west-1', useFipsEndpoint: false, endpoint: { value: 'http://127.0.0.1:9', from: { kind: 'flag', name: '--endpoint-url' } } }, 'web');
      assert.ok(!(result instanceof Error), result instanceof Error ? result.message : undefined);
      assert.equal(result.url, 'http://127.0.0.1:9/');
      assert.equal(result.headers.authorization, undefined);
      assert.equal(result.headers['x-amz-security-token'], undefined);
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });

  it('calls the regional endpoint of the region by default, as createStsClient does', async () => {
    const result = await capture({ region: 'ap-south-1', useFipsEndpoint: false }, 'web');
    assert.ok(!(result instanceof Error), result instanceof Error ? result.message : undefined);
    assert.equal(result.url, 'https://sts.ap-south-1.amazonaws.com/');
  });

  it('never looks up credentials for a call that needs a signature', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'AKIAENVIRONMENT00001';
    process.env.AWS_SECRET_ACCESS_KEY = 'environment-secret';
    try {
      const result = await capture({ region: 'eu-west-1', useFipsEndpoint: false }, 'identity');
      assert.ok(result instanceof Error);
      assert.match(result.message, /unsigned: no credentials may be looked up/);
    } finally {
      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
    }
  });
});
