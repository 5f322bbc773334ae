import type { ConstraintViolation } from './sts-error.js';

/** A string member's constraints, as the STS API reference lists them. */
export interface StringShape {
  required?: boolean;
  min?: number;
  max?: number;
  /** The pattern exactly as AWS prints it in the message, e.g. `[\w+=,.@-]*`. */
  pattern?: string;
}

/**
 * Checks one string member the way AWS's validation layer does and returns the first failed constraint:
 * null, then length, then pattern (AWS reports one violation per member).
 */
export function checkString(member: string, value: string | undefined, shape: StringShape): ConstraintViolation | undefined {
  if (value === undefined) {
    return shape.required ? { member, value, constraint: 'Member must not be null' } : undefined;
  }
  // Java's String.length(), as AWS counts: UTF-16 code units.
  const length = value.length;
  if (shape.min !== undefined && length < shape.min) {
    return { member, value, constraint: `Member must have length greater than or equal to ${shape.min}` };
  }
  if (shape.max !== undefined && length > shape.max) {
    return { member, value, constraint: `Member must have length less than or equal to ${shape.max}` };
  }
  if (shape.pattern !== undefined && !new RegExp(`^(?:${shape.pattern})$`, 'u').test(value)) {
    return { member, value, constraint: `Member must satisfy regular expression pattern: ${shape.pattern}` };
  }
  return undefined;
}

/** Checks an integer member given as Query-protocol text, within [min, max]. */
export function checkInteger(
  member: string,
  value: string | undefined,
  min: number,
  max: number,
): ConstraintViolation | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) {
    return { member, value, constraint: 'Member must be an integer' };
  }
  const number = Number(value);
  if (number < min) return { member, value, constraint: `Member must have value greater than or equal to ${min}` };
  if (number > max) return { member, value, constraint: `Member must have value less than or equal to ${max}` };
  return undefined;
}

/** Checks the number of members of a list member (Tags, TransitiveTagKeys, PolicyArns) against its maximum. */
export function checkListLength(member: string, count: number, max: number): ConstraintViolation | undefined {
  if (count <= max) return undefined;
  return { member, value: undefined, constraint: `Member must have length less than or equal to ${max}` };
}

/** Member shapes of the STS API reference (2011-06-15), as botocore's sts-2011-06-15 model lists them. */
export const SHAPES = {
  roleArn: { required: true, min: 20, max: 2048 },
  roleSessionName: { required: true, min: 2, max: 64, pattern: String.raw`[\w+=,.@-]*` },
  externalId: { min: 2, max: 1224, pattern: String.raw`[\w+=,.@:\/-]*` },
  serialNumber: { min: 9, max: 256, pattern: String.raw`[\w+=/:,.@-]*` },
  tokenCode: { min: 6, max: 6, pattern: String.raw`[\d]*` },
  /** tagKeyType: both in Tags and in TransitiveTagKeys. */
  tagKey: { required: true, min: 1, max: 128, pattern: String.raw`[\p{L}\p{Z}\p{N}_.:/=+\-@]+` },
  tagValue: { required: true, min: 0, max: 256, pattern: String.raw`[\p{L}\p{Z}\p{N}_.:/=+\-@]*` },
  sourceIdentity: { min: 2, max: 64, pattern: String.raw`[\w+=,.@-]*` },
  /** sessionPolicyDocumentType: tab, newline, carriage return and U+0020..U+00FF. */
  policy: { min: 1, max: 2048, pattern: String.raw`[\u0009\u000A\u000D\u0020-\u00FF]+` },
  /** arnType of a PolicyDescriptorType; its character pattern is left out (any printable text passes it), the ARN shape is checked apart. */
  policyArn: { min: 20, max: 2048 },
  /** clientTokenType: the OIDC token of AssumeRoleWithWebIdentity. */
  webIdentityToken: { required: true, min: 4, max: 20000 },
} satisfies Record<string, StringShape>;

/** The maximum number of members of each list member of AssumeRole. */
export const LIST_MAX = { tags: 50, transitiveTagKeys: 50, policyArns: 10 } as const;
