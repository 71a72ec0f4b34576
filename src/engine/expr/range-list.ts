import { ExpressionSyntaxError } from './types.js';

/**
 * The `1-5,7` syntax of `&hour(…)`, `&wday(…)` and the calendar: comma
 * separated values and ranges. Both ends of a range are included, as in
 * FreeSWITCH and Webitel (`&hour(9-18)` is true until 18:59). On a cyclic
 * scale a range whose start is after its end wraps around (`&hour(22-6)` is
 * the night, `&wday(7-1)` the weekend); Webitel silently swapped the ends,
 * turning the night into the day.
 */
export interface RangeScale {
  /** What the numbers count, for error messages: "hour", "day of week". */
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly cyclic: boolean;
}

/** A closed interval of values. */
export interface NumberRange {
  readonly from: number;
  readonly to: number;
}

const ITEM = /^(\d+)(?:\s*-\s*(\d+))?$/;

export class RangeList {
  private constructor(readonly ranges: readonly NumberRange[]) {}

  /** Throws ExpressionSyntaxError positioned within `text`. */
  static parse(text: string, scale: RangeScale): RangeList {
    const ranges: NumberRange[] = [];
    forEachListItem(text, (item, at) => {
      const match = ITEM.exec(item);
      if (!match) {
        throw new ExpressionSyntaxError(
          `invalid ${scale.name} "${item}": expected a number or a range like ${scale.min}-${scale.max}`,
          at,
        );
      }
      const from = checkedValue(match[1], scale, at);
      const to = match[2] === undefined ? from : checkedValue(match[2], scale, at + item.lastIndexOf(match[2]));
      if (from <= to) ranges.push({ from, to });
      else if (scale.cyclic) ranges.push({ from, to: scale.max }, { from: scale.min, to });
      else throw new ExpressionSyntaxError(`${scale.name} range ${item} ends before it starts`, at);
    });
    return new RangeList(ranges);
  }

  includes(value: number): boolean {
    return rangesInclude(this.ranges, value);
  }
}

export function rangesInclude(ranges: readonly NumberRange[], value: number): boolean {
  for (const range of ranges) {
    if (value >= range.from && value <= range.to) return true;
  }
  return false;
}

/**
 * Calls `visit` with each comma-separated item of `text`, trimmed, and its
 * offset in `text`. An empty item (`1,,2`, a trailing comma) is an error.
 */
export function forEachListItem(text: string, visit: (item: string, at: number) => void): void {
  let start = 0;
  for (;;) {
    const comma = text.indexOf(',', start);
    const end = comma === -1 ? text.length : comma;
    const raw = text.slice(start, end);
    const item = raw.trim();
    const at = start + (raw.length - raw.trimStart().length);
    if (item === '') throw new ExpressionSyntaxError('empty item in list', at);
    visit(item, at);
    if (comma === -1) return;
    start = comma + 1;
  }
}

function checkedValue(digits: string, scale: RangeScale, at: number): number {
  const value = Number(digits);
  if (value < scale.min || value > scale.max) {
    throw new ExpressionSyntaxError(`${scale.name} ${digits} is out of range ${scale.min}-${scale.max}`, at);
  }
  return value;
}
