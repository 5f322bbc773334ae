/**
 * An error STS answers with: the HTTP status, whether the sender or AWS is at fault, the code and the message,
 * worded as AWS words them. Thrown anywhere below the HTTP handler, which turns it into an ErrorResponse.
 */
export class StsError extends Error {
  override readonly name = 'StsError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message);
  }
}

/** 403 AccessDenied with AWS's wording for a principal that may not assume a role. */
export function notAuthorized(callerArn: string, action: string, resource: string): StsError {
  return new StsError(403, 'AccessDenied', `User: ${callerArn} is not authorized to perform: ${action} on resource: ${resource}`);
}

/** One failed constraint of a request member, as AWS's validation layer reports it. */
export interface ConstraintViolation {
  member: string;
  value: string | undefined;
  constraint: string;
}

/** 400 ValidationError listing every violation: "1 validation error detected: Value 'x' at 'member' failed to ...". */
export function validationError(violations: readonly ConstraintViolation[]): StsError {
  const count = violations.length;
  const details = violations
    .map(({ member, value, constraint }) => {
      const shown = value === undefined ? 'null' : `'${value}'`;
      return `Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`;
    })
    .join('; ');
  return new StsError(400, 'ValidationError', `${count} validation error${count === 1 ? '' : 's'} detected: ${details}`);
}
