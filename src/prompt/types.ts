/** What an MFA code is asked for: the device, and the profile whose role needs it. */
export interface MfaCodeRequest {
  /** The MFA device's serial number or ARN (`mfa_serial`), e.g. `arn:aws:iam::111111111111:mfa/dev`. */
  readonly mfaSerial: string;
  /** The profile that needs the code, named in prompts and messages. */
  readonly profile?: string | undefined;
}

/**
 * Gets a 6-digit MFA code for a device: from the terminal, a command, or a test fake.
 * Rejects with AssumeError `MFA_REQUIRED` when no code can be had.
 */
export type MfaCodeProvider = (request: MfaCodeRequest) => Promise<string>;
