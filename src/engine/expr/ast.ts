import type { RawArgument } from './lexer.js';

/** The values an expression computes with: JavaScript primitives only, so no operator can run code. */
export type Value = string | number | boolean | null | undefined;

export type BinaryOperator = '==' | '!=' | '===' | '!==' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

/**
 * A syntax tree. Runs of one precedence level (`a + b - c`, `a || b || c`)
 * are kept flat, so a long chain is a wide node rather than a deep one.
 */
export type Node =
  | { kind: 'literal'; value: Value; at: number }
  | { kind: 'channel' | 'global'; name: string; at: number }
  | { kind: 'capture'; reg: number; group: number; at: number }
  | { kind: 'not' | 'negate' | 'plus'; operand: Node; at: number }
  | { kind: 'and' | 'or'; operands: Node[]; at: number }
  | { kind: 'binary'; first: Node; rest: { operator: BinaryOperator; operand: Node }[]; at: number }
  | { kind: 'conditional'; test: Node; then: Node; else: Node; at: number }
  /** `&name(parameter)`; an empty parameter is undefined. */
  | { kind: 'call'; name: string; parameter: RawArgument | undefined; at: number }
  | { kind: 'match'; pattern: RawArgument; subject: Node; at: number };
