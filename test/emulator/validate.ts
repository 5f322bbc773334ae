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

/** Member shapes of the STS API reference (2011-06-15). */
export const SHAPES = {
  roleArn: { required: true, min: 20, max: 2048 },
  roleSessionName: { required: true, min: 2, max: 64, pattern: String.raw`[\w+=,.@-]*` },
  externalId: { min: 2, max: 1224, pattern: String.raw`[\w+=,.@:\/-]*` },
  serialNumber: { min: 9, max: 256, pattern: String.raw`[\w+=/:,.@-]*` },
  tokenCode: { min: 6, max: 6, pattern: String.raw`[\d]*` },
} satisfies Record<string, StringShape>;
