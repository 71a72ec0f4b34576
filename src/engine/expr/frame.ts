import type { Value } from './ast.js';
import type { ExpressionEnv } from './types.js';
import { zonedTime, type ZonedTime } from './zoned-time.js';

/** The state of one evaluation. */
export interface Frame {
  readonly env: ExpressionEnv;
  /** `&match` calls evaluated so far: the next one stores its captures as `&reg<matches>`. */
  matches: number;
  /** The clock read in the domain's zone, once, on first use. */
  time: ZonedTime | undefined;
}

/** A compiled piece of an expression. */
export type Evaluator = (frame: Frame) => Value;

export function timeOf(frame: Frame): ZonedTime {
  return (frame.time ??= zonedTime(frame.env.now, frame.env.timeZone));
}
