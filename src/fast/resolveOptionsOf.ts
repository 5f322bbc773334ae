import type { CliOptions } from '../cli.js';
import type { ResolveOptions } from '../resolve/resolvePlan.js';

/**
 * The command line as resolvePlan reads it: also what a resolution shortcut is keyed by, so
 * main and the fast entry must both take it from here. `policy` is the session policy text
 * main read for --policy (undefined without --policy).
 */
export function resolveOptionsOf(options: CliOptions, policy: string | undefined): ResolveOptions {
  return {
    profile: options.profile,
    roleArn: options.roleArn,
    externalId: options.externalId,
    sessionName: options.sessionName,
    durationSeconds: options.durationSeconds,
    tokenCode: options.tokenCode,
    region: options.region,
    endpointUrl: options.endpointUrl,
    tags: options.tags,
    transitiveTagKeys: options.transitiveTagKeys,
    sourceIdentity: options.sourceIdentity,
    policy,
    policyArns: options.policyArns,
  };
}
