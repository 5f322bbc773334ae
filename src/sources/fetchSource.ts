import type { FetchedSource, SourceResult } from '../execute.js';
import type { Env } from '../resolve/resolvePlan.js';
import type { StsCallOptions, WebIdentityRoleAssumer } from '../sts/types.js';

/** What every source needs from the run. */
export interface SourceContext {
  readonly env: Env;
  readonly homeDir: string;
  readonly now: () => Date;
  /** Per-attempt timeout of network sources, in milliseconds. */
  readonly timeoutMs: number;
  /** How long a credential_process may run. */
  readonly processTimeoutMs: number;
  /** The profiles being resolved, passed on to a credential_process (recursion guard). */
  readonly profileChain: readonly string[];
  /** STS settings for AssumeRoleWithWebIdentity; their `network` also serves SSO. */
  readonly sts: StsCallOptions;
  readonly assumeRoleWithWebIdentity: WebIdentityRoleAssumer;
  /** The session name for a web identity with none configured. */
  readonly sessionName: () => string;
}

/**
 * Gets the credentials of a source that is not keys in hand, each kind from its own module,
 * imported on first use: a cache hit loads none of them (scripts/bundle.mjs puts each in a
 * chunk of its own).
 */
export async function fetchSource(source: FetchedSource, ctx: SourceContext): Promise<SourceResult> {
  switch (source.kind) {
    case 'process': {
      const { fetchProcessCredentials } = await import('./fetchProcessCredentials.js');
      return { credentials: await fetchProcessCredentials(source, { env: ctx.env, profileChain: ctx.profileChain, timeoutMs: ctx.processTimeoutMs, now: ctx.now() }) };
    }
    case 'webIdentity': {
      const { fetchWebIdentityCredentials } = await import('./fetchWebIdentityCredentials.js');
      return fetchWebIdentityCredentials(source, { assumeRoleWithWebIdentity: ctx.assumeRoleWithWebIdentity, options: ctx.sts, sessionName: ctx.sessionName() });
    }
    case 'sso': {
      const { fetchSsoCredentials } = await import('./sso/fetchSsoCredentials.js');
      return { credentials: await fetchSsoCredentials(source, { env: ctx.env, homeDir: ctx.homeDir, now: ctx.now, timeoutMs: ctx.timeoutMs, network: ctx.sts.network }) };
    }
    case 'instanceMetadata': {
      const { fetchInstanceMetadataCredentials } = await import('./fetchInstanceMetadataCredentials.js');
      return { credentials: await fetchInstanceMetadataCredentials(source, { env: ctx.env, timeoutMs: ctx.timeoutMs, now: ctx.now }) };
    }
    case 'container': {
      const { fetchContainerCredentials } = await import('./fetchContainerCredentials.js');
      return { credentials: await fetchContainerCredentials(source, { env: ctx.env, timeoutMs: ctx.timeoutMs, now: ctx.now }) };
    }
  }
}
