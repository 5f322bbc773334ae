import { mapStsError } from './mapStsError.js';
import { roleResult } from './roleResult.js';
import { createStsClient, describeEndpoint, loadStsModule } from './stsClient.js';
import type { SessionTokenGetter } from './types.js';

/**
 * The real session token getter: one sts:GetSessionToken call with an MFA device and code,
 * giving session credentials that carry MFA context (aws:MultiFactorAuthPresent), so every
 * role that trusts MFA can be assumed from them without asking for another code.
 */
export const getSessionToken: SessionTokenGetter = async (source, request, options) => {
  const client = await createStsClient(source, options);
  const { GetSessionTokenCommand } = await loadStsModule();
  try {
    const response = await client.send(
      new GetSessionTokenCommand({ SerialNumber: request.serialNumber, TokenCode: request.tokenCode, DurationSeconds: request.durationSeconds }),
    );
    return roleResult('GetSessionToken', response);
  } catch (error) {
    throw mapStsError(error, {
      action: `sts:GetSessionToken with MFA device ${request.serialNumber}${request.profile ? ` (profile "${request.profile}")` : ''}`,
      sourceAccessKeyId: source.accessKeyId,
      endpoint: describeEndpoint(options.target),
      attempts: options.maxAttempts,
      timeoutMs: options.timeoutMs,
    });
  } finally {
    client.destroy();
  }
};
