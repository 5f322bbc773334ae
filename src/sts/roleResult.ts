import type { AssumedRoleUser, Credentials as StsCredentials } from '@aws-sdk/client-sts';
import type { AssumeRoleResult } from './types.js';

/** What AssumeRole and AssumeRoleWithWebIdentity answer, as far as assume reads it. */
interface RoleResponse {
  readonly Credentials?: StsCredentials | undefined;
  readonly AssumedRoleUser?: AssumedRoleUser | undefined;
}

/**
 * The credentials and assumed-role ARN of an AssumeRole-like answer.
 * @throws Error when STS answered without keys (malformed XML): mapStsError reports it.
 */
export function roleResult(action: string, response: RoleResponse): AssumeRoleResult {
  const issued = response.Credentials;
  if (issued?.AccessKeyId === undefined || issued.SecretAccessKey === undefined) {
    throw new Error(`STS answered ${action} without credentials (malformed XML)`);
  }
  return {
    credentials: {
      accessKeyId: issued.AccessKeyId,
      secretAccessKey: issued.SecretAccessKey,
      sessionToken: issued.SessionToken,
      expiration: issued.Expiration,
    },
    assumedRoleArn: response.AssumedRoleUser?.Arn,
  };
}

/** Session policies as the SDK takes them; an empty list is left out (the Query protocol would send an empty member). */
export function policyParameters(policy: string | undefined, policyArns: readonly string[] | undefined): { Policy?: string; PolicyArns?: { arn: string }[] } {
  return {
    ...(policy !== undefined && { Policy: policy }),
    ...(policyArns !== undefined && policyArns.length > 0 && { PolicyArns: policyArns.map((arn) => ({ arn })) }),
  };
}
