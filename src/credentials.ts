/** Temporary or long-term AWS credentials, as every layer of assume passes them around. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Absent for long-term IAM user keys. */
  readonly sessionToken?: string | undefined;
  /** Absent for long-term IAM user keys. */
  readonly expiration?: Date | undefined;
}

/** What an output formatter needs: the credentials and, when known, the region. */
export interface CredentialsOutput {
  readonly credentials: Credentials;
  readonly region?: string | undefined;
}
