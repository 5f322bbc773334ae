import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import type { AssumeRoleRequest, RoleAssumer } from './types.js';
import { createStsClient, describeEndpoint, loadStsModule } from './stsClient.js';
import { mapStsError } from './mapStsError.js';
import { policyParameters, roleResult } from './roleResult.js';

/**
 * The session parameters of a request as the SDK takes them. Empty lists are left out: the
 * Query protocol would send an empty `Tags=` member, which is not what "none" means.
 */
function sessionParameters(request: AssumeRoleRequest): Pick<AssumeRoleCommandInput, 'Tags' | 'TransitiveTagKeys' | 'SourceIdentity' | 'Policy' | 'PolicyArns'> {
  const { tags, transitiveTagKeys, sourceIdentity, policy, policyArns } = request;
  return {
    ...(tags !== undefined && tags.length > 0 && { Tags: tags.map((tag) => ({ Key: tag.key, Value: tag.value })) }),
    ...(transitiveTagKeys !== undefined && transitiveTagKeys.length > 0 && { TransitiveTagKeys: [...transitiveTagKeys] }),
    ...(sourceIdentity !== undefined && { SourceIdentity: sourceIdentity }),
    ...policyParameters(policy, policyArns),
  };
}

/**
 * The real role assumer: one sts:AssumeRole call through the AWS SDK, with the SDK's
 * standard retries for throttling and 5xx, and errors turned into AssumeErrors. Session tags,
 * transitive tag keys, a source identity and session policies are sent when the request has them.
 */
export const assumeRole: RoleAssumer = async (source, request, options) => {
  const client = await createStsClient(source, options);
  const { AssumeRoleCommand } = await loadStsModule();
  try {
    const response = await client.send(
      new AssumeRoleCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.roleSessionName,
        ExternalId: request.externalId,
        DurationSeconds: request.durationSeconds,
        SerialNumber: request.serialNumber,
        TokenCode: request.tokenCode,
        ...sessionParameters(request),
      }),
    );
    return roleResult('AssumeRole', response);
  } catch (error) {
    throw mapStsError(error, {
      action: 'sts:AssumeRole',
      roleArn: request.roleArn,
      redact: [request.policy],
      sourceAccessKeyId: source.accessKeyId,
      profile: request.profile,
      endpoint: describeEndpoint(options.target),
      attempts: options.maxAttempts,
      timeoutMs: options.timeoutMs,
    });
  } finally {
    client.destroy();
  }
};
