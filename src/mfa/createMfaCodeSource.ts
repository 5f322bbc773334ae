import { createProcessMfaProvider } from '../prompt/createProcessMfaProvider.js';
import type { MfaCodeProvider } from '../prompt/types.js';
import type { AssumeRoleHop } from '../resolve/plan.js';
import { formatOrigin } from '../resolve/resolvePlan.js';
import type { Env } from '../resolve/resolvePlan.js';

export interface MfaCodeSourceOptions {
  /** `--token-code`: used for every hop that needs a code. */
  readonly tokenCode?: string | undefined;
  /** The environment an mfa_process runs with. */
  readonly env: Env;
  /** Asks on the terminal; the default prompt in production, a fake in tests. */
  readonly prompt: MfaCodeProvider;
}

/**
 * Where a hop's MFA code comes from, in order: `--token-code`, the profile's `mfa_process`
 * (a command that prints the code, e.g. from a hardware token), else the terminal.
 */
export function createMfaCodeSource(options: MfaCodeSourceOptions): (hop: AssumeRoleHop) => Promise<string> {
  return (hop) => {
    const request = { mfaSerial: hop.mfaSerial?.value ?? '', profile: hop.profile };
    if (options.tokenCode !== undefined) return Promise.resolve(options.tokenCode);
    if (hop.mfaProcess !== undefined) {
      const origin = hop.mfaProcess.from.kind === 'file' ? formatOrigin(hop.mfaProcess.from.origin) : undefined;
      return createProcessMfaProvider(hop.mfaProcess.value, { env: options.env, origin })(request);
    }
    return options.prompt(request);
  };
}
