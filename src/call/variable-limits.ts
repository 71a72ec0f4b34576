/**
 * How much a call's channel variables may hold. A schema that keeps doubling
 * a variable, or copies untrusted input into one, must fail that app — the
 * flow goes on, traced — instead of growing one call to hundreds of
 * megabytes and its CDR with it (a CDR carries every variable, so the total
 * also caps the CDR).
 */
export interface VariableLimits {
  /** Characters one value may have. */
  maxValueChars: number;
  /** Characters of all names and values of a call together. */
  maxTotalChars: number;
}

export const DEFAULT_VARIABLE_LIMITS: VariableLimits = { maxValueChars: 65_536, maxTotalChars: 1_048_576 };

export class VariableTooLargeError extends Error {
  constructor(name: string, reason: string) {
    super(`variable ${name} not set: ${reason}`);
    this.name = 'VariableTooLargeError';
  }
}
