import type { Credentials } from './credentials.js';
import { AssumeError } from './errors.js';
import type { AssumeRoleHop, Plan, SourceStep } from './resolve/plan.js';
import type { RoleAssumer, StsCallOptions } from './sts/types.js';

/** What carrying out a plan needs from the outside world; tests pass fakes. */
export interface ExecuteDeps {
  readonly assumeRole: RoleAssumer;
  readonly now: () => Date;
  /** Per-attempt STS timeout in milliseconds. */
  readonly timeoutMs: number;
  readonly maxAttempts: number;
}

/** The result of a plan: the final credentials and, for messages, the identity they belong to. */
export interface ExecuteResult {
  readonly credentials: Credentials;
  readonly assumedRoleArn?: string | undefined;
}

function sourceCredentials(source: SourceStep): Credentials {
  return { accessKeyId: source.accessKeyId, secretAccessKey: source.secretAccessKey, sessionToken: source.sessionToken };
}

/** The session name a hop gets when none is configured: `assume-<unix seconds>`, as botocore uses botocore-session-<seconds>. */
export function defaultSessionName(now: Date): string {
  return `assume-${Math.floor(now.getTime() / 1000)}`;
}

function mfaFor(hop: AssumeRoleHop, plan: Plan): { serialNumber?: string; tokenCode?: string } {
  if (hop.mfaSerial === undefined) return {};
  if (plan.tokenCode === undefined) {
    throw new AssumeError(
      'MFA_REQUIRED',
      `role ${hop.roleArn.value}${hop.profile ? ` (profile "${hop.profile}")` : ''} needs an MFA code from ${hop.mfaSerial.value}`,
      { hint: 'Pass the current code with --token-code 123456.' },
    );
  }
  return { serialNumber: hop.mfaSerial.value, tokenCode: plan.tokenCode };
}

/**
 * Walks a plan: takes the source credentials, then calls AssumeRole for each hop with the
 * previous hop's credentials. A plan without hops returns the source credentials as they are.
 */
export async function executePlan(plan: Plan, deps: ExecuteDeps): Promise<ExecuteResult> {
  const options: StsCallOptions = { target: plan.sts, timeoutMs: deps.timeoutMs, maxAttempts: deps.maxAttempts };
  // Check every hop's MFA needs before the first call, so a missing code costs no STS call.
  const mfa = plan.hops.map((hop) => mfaFor(hop, plan));
  let result: ExecuteResult = { credentials: sourceCredentials(plan.source) };
  for (const [index, hop] of plan.hops.entries()) {
    result = await deps.assumeRole(
      result.credentials,
      {
        roleArn: hop.roleArn.value,
        roleSessionName: hop.roleSessionName?.value ?? defaultSessionName(deps.now()),
        externalId: hop.externalId?.value,
        durationSeconds: hop.durationSeconds?.value,
        ...mfa[index],
        profile: hop.profile,
      },
      options,
    );
  }
  return result;
}
