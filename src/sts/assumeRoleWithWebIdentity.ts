import { mapStsError } from './mapStsError.js';
import { policyParameters, roleResult } from './roleResult.js';
import { createUnsignedStsClient, describeEndpoint, loadStsModule } from './stsClient.js';
import type { WebIdentityRoleAssumer } from './types.js';

/**
 * The real web identity role assumer: one sts:AssumeRoleWithWebIdentity call through the AWS
 * SDK, unsigned (the OIDC token is the credential, so no keys are looked up anywhere), with the
 * SDK's standard retries for throttling and 5xx, and errors turned into AssumeErrors that never
 * quote the token.
 */
export const assumeRoleWithWebIdentity: WebIdentityRoleAssumer = async (request, options) => {
  const client = await createUnsignedStsClient(options);
  const { AssumeRoleWithWebIdentityCommand } = await loadStsModule();
  try {
    const response = await client.send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: request.roleArn,
        RoleSessionName: request.roleSessionName,
        WebIdentityToken: request.webIdentityToken,
        DurationSeconds: request.durationSeconds,
        ...policyParameters(request.policy, request.policyArns),
      }),
    );
    return roleResult('AssumeRoleWithWebIdentity', response);
  } catch (error) {
    throw mapStsError(error, {
      action: 'sts:AssumeRoleWithWebIdentity',
      webIdentity: true,
      redact: [request.webIdentityToken, request.policy],
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
