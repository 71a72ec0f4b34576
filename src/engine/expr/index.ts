import { compile } from './compile.js';
import type { Evaluator } from './frame.js';
import { parse } from './parser.js';
import type { Expression, ExpressionEnv } from './types.js';

export { ExpressionSyntaxError, type Expression, type ExpressionEnv } from './types.js';
export { MAX_NESTING, MAX_SOURCE_LENGTH } from './parser.js';
// For the working-hours calendar, which reads time the way the `&hour()` family does.
export { zonedTime, type ZonedTime } from './zoned-time.js';
export { RangeList, rangesInclude, type NumberRange, type RangeScale } from './range-list.js';
export { parseDateTimeRanges, parseTimeOfDayRanges, wallClockMs } from './time-ranges.js';

class CompiledExpression implements Expression {
  readonly #evaluate: Evaluator;

  constructor(
    readonly source: string,
    evaluate: Evaluator,
  ) {
    this.#evaluate = evaluate;
  }

  evaluate(env: ExpressionEnv): unknown {
    return this.#evaluate({ env, matches: 0, time: undefined });
  }

  toJSON(): string {
    return this.source;
  }
}

/**
 * Parses and compiles an `if` expression once, when its schema loads.
 * Throws ExpressionSyntaxError (with the 0-based offset) for anything invalid,
 * including a bad parameter of a built-in or a bad regexp.
 */
export function parseExpression(source: string): Expression {
  return new CompiledExpression(source, compile(parse(source)));
}
