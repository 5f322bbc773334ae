import { readFile } from 'node:fs/promises';
import { AssumeError } from '../errors.js';
import type { WebIdentitySource } from '../resolve/plan.js';
import { describeFrom } from '../resolve/resolvePlan.js';
import type { AssumeRoleResult, StsCallOptions, WebIdentityRoleAssumer } from '../sts/types.js';

/** What fetchWebIdentityCredentials needs from its caller. */
export interface WebIdentityDeps {
  /** The sts:AssumeRoleWithWebIdentity call; the real one is sts/assumeRoleWithWebIdentity. */
  readonly assumeRoleWithWebIdentity: WebIdentityRoleAssumer;
  readonly options: StsCallOptions;
  /** The session name to use when the source names none (role_session_name, AWS_ROLE_SESSION_NAME). */
  readonly sessionName: string;
}

/**
 * The token file and where it was configured, for messages: `the web identity token file /t of
 * profile "ci" (/home/me/.aws/config:4)`, or `the web identity token file /t (AWS_WEB_IDENTITY_TOKEN_FILE)`.
 */
function describeTokenFile(source: WebIdentitySource): string {
  const profile = source.profile === undefined ? '' : ` of profile "${source.profile}"`;
  return `the web identity token file ${source.tokenFile.value}${profile} ${describeFrom(source.tokenFile.from)}`;
}

/**
 * Reads the OIDC token file at call time (EKS and CI rotate it), as the AWS CLI does. The token
 * is the file's text without trailing whitespace (the AWS CLI and the JS SDK send a trailing
 * newline as it is, which STS then has to forgive; a JWT never ends in whitespace). Never puts
 * the token in a message.
 * @throws AssumeError WEB_IDENTITY_TOKEN_INVALID naming the file and where it was configured
 */
async function readTokenFile(source: WebIdentitySource): Promise<string> {
  const path = source.tokenFile.value;
  const configured = describeTokenFile(source);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : code === 'EISDIR' ? 'is a folder' : `cannot be read (${code ?? String(error)})`;
    throw new AssumeError('WEB_IDENTITY_TOKEN_INVALID', `${configured} ${why}`, {
      cause: error,
      hint: 'Point web_identity_token_file (or AWS_WEB_IDENTITY_TOKEN_FILE) at the OIDC token your platform writes, e.g. /var/run/secrets/eks.amazonaws.com/serviceaccount/token on EKS.',
    });
  }
  const token = text.trimEnd();
  if (token === '') {
    throw new AssumeError('WEB_IDENTITY_TOKEN_INVALID', `${configured} is empty`, {
      hint: 'The identity provider has not written a token yet, or wrote an empty one; get a fresh token and try again.',
    });
  }
  return token;
}

/**
 * Credentials from sts:AssumeRoleWithWebIdentity for a web identity source (web_identity_token_file
 * + role_arn in a profile, or AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN in the environment): the
 * token file read now, the source's role_session_name or else `deps.sessionName`, and its
 * duration_seconds when set.
 * @throws AssumeError WEB_IDENTITY_TOKEN_INVALID for a missing, unreadable or empty token file,
 *   and whatever the assumer throws (already AssumeErrors for the real one)
 */
export async function fetchWebIdentityCredentials(source: WebIdentitySource, deps: WebIdentityDeps): Promise<AssumeRoleResult> {
  const webIdentityToken = await readTokenFile(source);
  const result = await deps.assumeRoleWithWebIdentity(
    {
      roleArn: source.roleArn.value,
      roleSessionName: source.roleSessionName?.value ?? deps.sessionName,
      webIdentityToken,
      durationSeconds: source.durationSeconds?.value,
      profile: source.profile,
    },
    deps.options,
  );
  return result;
}
