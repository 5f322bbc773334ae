import type * as StsSdk from '@aws-sdk/client-sts';
import type { STSClient, STSClientConfig } from '@aws-sdk/client-sts';
import type { Credentials } from '../credentials.js';
import type { StsTarget } from '../resolve/plan.js';
import type { StsCallOptions } from './types.js';

type StsModule = typeof StsSdk;

let stsModule: Promise<StsModule> | undefined;

/**
 * Imports the AWS SDK's STS client, once, on first use: a run that needs no STS call (a
 * cache hit, a usage error) never loads it.
 *
 * The SDK warns on stderr, through process.emitWarning, that its releases after January 2027
 * need Node.js 22. That warning is addressed to the developers of assume, not to its users,
 * and would land in the middle of a shell prompt or an AWS CLI call: it is turned off here
 * through the SDK's own switch (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED), unless the
 * user has set that variable themselves. `--debug` prints a one-line note instead (see main).
 */
export function loadStsModule(): Promise<StsModule> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  stsModule ??= import('@aws-sdk/client-sts');
  return stsModule;
}

/** The URL a message names for the target: the custom endpoint, or the regional one. */
export function describeEndpoint(target: StsTarget): string {
  if (target.endpoint !== undefined) return target.endpoint.value;
  return `https://sts${target.useFipsEndpoint ? '-fips' : ''}.${target.region}.amazonaws.com`;
}

/**
 * An STS client for one set of credentials. Everything that changes where or how it calls
 * is passed in, so the SDK reads no endpoint, region or profile of its own from the
 * environment or ~/.aws/config: the plan has already decided them, as the AWS CLI would.
 */
export async function createStsClient(credentials: Credentials, options: StsCallOptions): Promise<STSClient> {
  const { STSClient } = await loadStsModule();
  return new STSClient({
    ...clientConfig(options),
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken !== undefined && { sessionToken: credentials.sessionToken }),
    },
  });
}

/**
 * An STS client for calls that are not signed (sts:AssumeRoleWithWebIdentity: the token is the
 * credential), with the same endpoint, region, timeout and retries as createStsClient. Its
 * credentials are a provider that fails: the SDK never signs these calls, and must never fall
 * back to its default chain (AWS_ACCESS_KEY_ID, ~/.aws, the instance metadata service) to find keys.
 */
export async function createUnsignedStsClient(options: StsCallOptions): Promise<STSClient> {
  const { STSClient } = await loadStsModule();
  return new STSClient({
    ...clientConfig(options),
    credentials: () => Promise.reject(new Error('assume sends this STS call unsigned: no credentials may be looked up for it')),
  });
}

/** Where and how a client calls, decided by the plan and the run's network settings. */
function clientConfig(options: StsCallOptions): STSClientConfig {
  return {
    region: options.target.region,
    ...(options.target.endpoint !== undefined && { endpoint: options.target.endpoint.value }),
    ignoreConfiguredEndpointUrls: true,
    useFipsEndpoint: options.target.useFipsEndpoint,
    useDualstackEndpoint: false,
    maxAttempts: options.maxAttempts,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs, throwOnRequestTimeout: true },
  };
}
