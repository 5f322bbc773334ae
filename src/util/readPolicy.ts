import { readFile } from 'node:fs/promises';
import { AssumeError } from '../errors.js';

/** STS's limit on an inline session policy, in characters. */
const maxPolicyLength = 2048;

/** --policy: JSON text as it is, or a file that holds it; checked to be a JSON object within STS's size limit. */
export async function readPolicy(value: string | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  let text = value;
  if (!value.trimStart().startsWith('{')) {
    try {
      text = await readFile(value, 'utf8');
    } catch (error) {
      throw new AssumeError('USAGE', `--policy "${value}" is neither JSON nor a file assume can read (${(error as NodeJS.ErrnoException).code ?? 'error'})`, {
        hint: 'Pass the policy as JSON text starting with {, or the path of a file that holds it.',
        cause: error,
      });
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AssumeError('USAGE', `the session policy given with --policy is not valid JSON: ${(error as Error).message}`, {
      hint: 'A session policy is an IAM policy document: {"Version":"2012-10-17","Statement":[...]}.',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AssumeError('USAGE', 'the session policy given with --policy is not a JSON object', {
      hint: 'A session policy is an IAM policy document: {"Version":"2012-10-17","Statement":[...]}.',
    });
  }
  if (text.length > maxPolicyLength) {
    throw new AssumeError('USAGE', `the session policy given with --policy is ${text.length} characters, more than the ${maxPolicyLength} STS accepts`, {
      hint: 'Remove whitespace, or use a managed policy with --policy-arn.',
    });
  }
  return text;
}
