import { userInfo } from 'node:os';
import type { Env } from '../resolve/resolvePlan.js';

/**
 * Who is asking, for the session names assume generates (they show in CloudTrail): the
 * GitHub actor in GitHub Actions, else the login name.
 */
export function callerName(env: Env): string | undefined {
  if (env.GITHUB_ACTIONS === 'true' && env.GITHUB_ACTOR) return env.GITHUB_ACTOR;
  const named = env.USER ?? env.LOGNAME ?? env.USERNAME;
  if (named !== undefined && named !== '') return named;
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}
