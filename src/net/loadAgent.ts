import type { Route } from './agents.js';
import type { NetworkSettings } from './networkSettings.js';
import { resolveProxy } from './resolveProxy.js';

/**
 * The agent for requests to `target` under the run's network settings (see `resolveProxy` for
 * HTTPS_PROXY, HTTP_PROXY and NO_PROXY; AWS_CA_BUNDLE adds certificate authorities), or
 * undefined when the request goes direct with the system's: then nothing more is loaded. The
 * agents and the proxy libraries are imported here, on first need, so a cache hit and a run
 * without a proxy never load them.
 *
 * @throws AssumeError CONFIG_INVALID (a proxy URL that is not one), CONFIG_READ (AWS_CA_BUNDLE unreadable)
 */
export async function loadAgent(target: URL, network: NetworkSettings | undefined): Promise<Route | undefined> {
  const proxy = resolveProxy(target, network);
  const caBundle = network?.caBundle;
  if (proxy === undefined && caBundle === undefined) return undefined;
  const { createAgent } = await import('./agents.js');
  return createAgent(target, proxy, caBundle);
}
