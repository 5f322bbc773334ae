import type { RoleAssumer } from './types.js';
import { createStsClient, describeEndpoint, loadStsModule } from './stsClient.js';
import { mapStsError } from './mapStsError.js';

/**
 * The real role assumer: one sts:AssumeRole call through the AWS SDK, with the SDK's
 * standard retries for throttling and 5xx, and errors turned into AssumeErrors.
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
      }),
    );
    const issued = response.Credentials;
    if (issued?.AccessKeyId === undefined || issued.SecretAccessKey === undefined) {
      throw new Error('STS answered AssumeRole without credentials (malformed XML)');
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
  } catch (error) {
    throw mapStsError(error, {
      action: 'sts:AssumeRole',
      roleArn: request.roleArn,
      profile: request.profile,
      endpoint: describeEndpoint(options.target),
      attempts: options.maxAttempts,
      timeoutMs: options.timeoutMs,
    });
  } finally {
    client.destroy();
  }
};
