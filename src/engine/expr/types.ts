/**
 * The contract of the `if` expression language: a parsed expression evaluated
 * against an environment. Caller data reaches it only as string values.
 */
export interface ExpressionEnv {
  /** `${name}`: a channel variable's value (undefined → ""). */
  channel(name: string): string | undefined;
  /** `$${name}`: a domain variable's value. */
  global(name: string): string | undefined;
  readonly now: Date;
  /** IANA zone the time functions read the clock in. */
  readonly timeZone: string;
  /** `&match` number `reg` (0-based, in evaluation order) matched; captures[0] is the whole match. */
  setCaptures(reg: number, captures: readonly string[]): void;
  /** `&exists("…")`. */
  exists(name: string): boolean;
  /** `&limit("name")`: current usage count of the named counter. */
  usage(name: string): number;
  /** `&reg<reg>.$<group>`: a capture of an earlier `if`'s `&match` (missing → ""). */
  capture?(reg: number, group: number): string | undefined;
}

export interface Expression {
  readonly source: string;
  evaluate(env: ExpressionEnv): unknown;
}

export class ExpressionSyntaxError extends Error {
  constructor(
    message: string,
    /** 0-based character offset in the source. */
    readonly position: number,
  ) {
    super(message);
    this.name = 'ExpressionSyntaxError';
  }
}
