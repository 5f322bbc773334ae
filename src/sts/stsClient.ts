import type * as StsSdk from '@aws-sdk/client-sts';
import type { STSClient, STSClientConfig } from '@aws-sdk/client-sts';
import type { Credentials } from '../credentials.js';
import { loadAgent } from '../net/loadAgent.js';
import type { Route } from '../net/agents.js';
import { certificateErrorCode, NetworkFailure, proxyRefused, untrustedCertificate } from '../net/networkFailure.js';
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

/** The DNS suffixes of the AWS partitions that are not amazonaws.com, by region prefix (as in the SDK's partitions.json). */
const DNS_SUFFIXES: readonly (readonly [string, string])[] = [
  ['cn-', 'amazonaws.com.cn'],
  ['us-isob-', 'sc2s.sgov.gov'],
  ['us-iso-', 'c2s.ic.gov'],
  ['eu-isoe-', 'cloud.adc-e.uk'],
  ['us-isof-', 'csp.hci.ic.gov'],
];

/**
 * The URL the client calls for the target: the custom endpoint, or the regional one of the
 * region's partition. Messages name it; HTTPS_PROXY and NO_PROXY are decided for its host.
 */
export function describeEndpoint(target: StsTarget): string {
  if (target.endpoint !== undefined) return target.endpoint.value;
  const suffix = DNS_SUFFIXES.find(([prefix]) => target.region.startsWith(prefix))?.[1] ?? 'amazonaws.com';
  return `https://sts${target.useFipsEndpoint ? '-fips' : ''}.${target.region}.${suffix}`;
}

/**
 * An STS client for one set of credentials. Everything that changes where or how it calls
 * is passed in, so the SDK reads no endpoint, region or profile of its own from the
 * environment or ~/.aws/config: the plan has already decided them, as the AWS CLI would.
 */
export async function createStsClient(credentials: Credentials, options: StsCallOptions): Promise<STSClient> {
  const { STSClient } = await loadStsModule();
  const { config, endpoint, route } = await clientConfig(options);
  const client = new STSClient({
    ...config,
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken !== undefined && { sessionToken: credentials.sessionToken }),
    },
  });
  addNetworkFailures(client, endpoint, route, options);
  return client;
}

/**
 * An STS client for calls that are not signed (sts:AssumeRoleWithWebIdentity: the token is the
 * credential), with the same endpoint, region, timeout and retries as createStsClient. Its
 * credentials are a provider that fails: the SDK never signs these calls, and must never fall
 * back to its default chain (AWS_ACCESS_KEY_ID, ~/.aws, the instance metadata service) to find keys.
 */
export async function createUnsignedStsClient(options: StsCallOptions): Promise<STSClient> {
  const { STSClient } = await loadStsModule();
  const { config, endpoint, route } = await clientConfig(options);
  const client = new STSClient({
    ...config,
    credentials: () => Promise.reject(new Error('assume sends this STS call unsigned: no credentials may be looked up for it')),
  });
  addNetworkFailures(client, endpoint, route, options);
  return client;
}

/**
 * Where and how a client calls, decided by the plan and the run's network settings: the SDK
 * reads no HTTPS_PROXY, NO_PROXY or AWS_CA_BUNDLE of its own, so the agent that honours them
 * (see `loadAgent`) is given to its NodeHttpHandler here, as httpsAgent or httpAgent by the
 * endpoint's scheme.
 */
async function clientConfig(options: StsCallOptions): Promise<{ config: STSClientConfig; endpoint: URL | undefined; route: Route | undefined }> {
  const endpoint = URL.canParse(describeEndpoint(options.target)) ? new URL(describeEndpoint(options.target)) : undefined;
  const route = endpoint === undefined ? undefined : await loadAgent(endpoint, options.network);
  const agent = route === undefined ? {} : endpoint?.protocol === 'http:' ? { httpAgent: route.agent } : { httpsAgent: route.agent };
  const config: STSClientConfig = {
    region: options.target.region,
    ...(options.target.endpoint !== undefined && { endpoint: options.target.endpoint.value }),
    ignoreConfiguredEndpointUrls: true,
    useFipsEndpoint: options.target.useFipsEndpoint,
    useDualstackEndpoint: false,
    maxAttempts: options.maxAttempts,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs, throwOnRequestTimeout: true, ...agent },
  };
  return { config, endpoint, route };
}

/**
 * Turns what goes wrong on the way to STS into NetworkFailures that mapStsError words with
 * their hints: a 407 from an HTTP proxy (a CONNECT refused by an HTTPS proxy is caught by the
 * agent), and a TLS certificate not trusted (naming AWS_CA_BUNDLE when it is set). It sits
 * just above the HTTP handler, so each attempt is checked before the SDK reads the answer.
 */
function addNetworkFailures(client: STSClient, endpoint: URL | undefined, route: Route | undefined, options: StsCallOptions): void {
  const host = endpoint?.hostname.replace(/^\[|\]$/g, '') ?? describeEndpoint(options.target);
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        const result = await next(args);
        const response = result.response as { statusCode?: number; reason?: string; body?: { destroy?: () => void } };
        if (response.statusCode === 407 && route?.proxy !== undefined) {
          response.body?.destroy?.();
          throw proxyRefused(route.proxy, host, 407, response.reason);
        }
        return result;
      } catch (error) {
        if (error instanceof NetworkFailure) throw error;
        const code = certificateErrorCode(error);
        if (code !== undefined) throw untrustedCertificate(host, code, options.network?.caBundle, error);
        throw error;
      }
    },
    { step: 'deserialize', priority: 'low', name: 'assumeNetworkFailures' },
  );
}
