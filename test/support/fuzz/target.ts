/**
 * What a fuzz target is: a module whose default export checks one input and
 * throws when the input exposes a bug. Expected rejections (the parser's own
 * typed error) are the target's business and never escape `check`.
 */

/** A result that breaks a property the code promises (e.g. parse → serialise → parse gives the same message). */
export class InvariantViolation extends Error {
  override readonly name = 'InvariantViolation';
}

export interface FuzzTarget<Input> {
  check(input: Input): void;
}

/**
 * How the coverage-guided fuzzer's bytes become a target's input: a target
 * module exports it as `fromBytes` (without one, the input is the bytes).
 */
export type FromBytes<Input> = (data: Buffer) => Input;

/** Throws an InvariantViolation unless `actual` and `expected` serialise to the same JSON (Maps as entry lists). */
export function expectSame(actual: unknown, expected: unknown, what: string): void {
  const a = comparable(actual);
  const b = comparable(expected);
  if (a !== b) throw new InvariantViolation(`${what} differs:\n  got      ${a}\n  expected ${b}`);
}

function comparable(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof Map) return [...item];
    if (item instanceof Uint8Array) return Buffer.from(item).toString('latin1');
    return item;
  });
}
