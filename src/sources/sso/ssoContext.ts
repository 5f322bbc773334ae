import type { NetworkSettings } from '../../net/networkSettings.js';
import type { Env } from '../../resolve/resolvePlan.js';

/** What the SSO source needs from the run, injected like everything else. */
export interface SsoContext {
  /** Read for AWS_ENDPOINT_URL_SSO, AWS_ENDPOINT_URL_SSO_OIDC, AWS_ENDPOINT_URL, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS. */
  readonly env: Env;
  /** The token cache is `homeDir`/.aws/sso/cache. */
  readonly homeDir: string;
  readonly now: () => Date;
  /** The limit of each HTTP request. */
  readonly timeoutMs: number;
  /** HTTPS_PROXY, HTTP_PROXY, NO_PROXY and AWS_CA_BUNDLE for the portal and SSO-OIDC; absent: direct, system CAs. */
  readonly network?: NetworkSettings | undefined;
}
