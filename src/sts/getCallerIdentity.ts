import type { Credentials } from '../credentials.js';
import { AssumeError } from '../errors.js';
import { mapStsError } from './mapStsError.js';
import { createStsClient, describeEndpoint, loadStsModule } from './stsClient.js';
import type { StsCallOptions } from './types.js';

/** Who a set of credentials belongs to, as sts:GetCallerIdentity says. */
export interface CallerIdentity {
  readonly account: string;
  /** arn:aws:iam::ACCOUNT:user/NAME, or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION. */
  readonly arn: string;
  /** The unique id: AIDA... for a user, AROA...:SESSION for a role session. */
  readonly userId: string;
}

/** Calls sts:GetCallerIdentity. Injected, so tests swap it. */
export type CallerIdentityGetter = (credentials: Credentials, options: StsCallOptions) => Promise<CallerIdentity>;

/**
 * The real identity getter: one sts:GetCallerIdentity call signed (SigV4, by the SDK) with
 * the credentials given, with the SDK's standard retries for throttling and 5xx and errors
 * turned into AssumeErrors by mapStsError. Needs no permission: AWS answers it for any valid
 * credentials.
 */
export const getCallerIdentity: CallerIdentityGetter = async (credentials, options) => {
  const client = await createStsClient(credentials, options);
  const { GetCallerIdentityCommand } = await loadStsModule();
  try {
    const response = await client.send(new GetCallerIdentityCommand({}));
    const { Account: account, Arn: arn, UserId: userId } = response;
    if (account === undefined || arn === undefined || userId === undefined) {
      throw new AssumeError('STS_ERROR', `STS at ${describeEndpoint(options.target)} answered sts:GetCallerIdentity without an account, ARN or user id`, {
        hint: 'Check that the endpoint really is STS; run again with --debug for details.',
      });
    }
    return { account, arn, userId };
  } catch (error) {
    throw mapStsError(error, {
      action: 'sts:GetCallerIdentity',
      sourceAccessKeyId: credentials.accessKeyId,
      endpoint: describeEndpoint(options.target),
      attempts: options.maxAttempts,
      timeoutMs: options.timeoutMs,
    });
  } finally {
    client.destroy();
  }
};
