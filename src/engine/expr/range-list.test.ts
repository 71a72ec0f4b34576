import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RangeList, type RangeScale } from './range-list.js';
import { ExpressionSyntaxError } from './types.js';

const HOUR: RangeScale = { name: 'hour', min: 0, max: 23, cyclic: true };
const YEAR: RangeScale = { name: 'year', min: 1, max: 9999, cyclic: false };

function members(text: string, scale: RangeScale): number[] {
  const list = RangeList.parse(text, scale);
  const values: number[] = [];
  for (let value = scale.min - 1; value <= Math.min(scale.max + 1, 30); value++) if (list.includes(value)) values.push(value);
  return values;
}

describe('RangeList', () => {
  it('matches values, inclusive ranges and lists of both', () => {
    const cases: [string, number[]][] = [
      ['5', [5]],
      ['0', [0]],
      ['9-12', [9, 10, 11, 12]],
      ['1,3,5', [1, 3, 5]],
      ['1-3,7', [1, 2, 3, 7]],
      [' 1 - 2 , 20 ', [1, 2, 20]],
      ['4-4', [4]],
      ['22-1', [0, 1, 22, 23]], // wraps over midnight
    ];
    for (const [text, want] of cases) assert.deepEqual(members(text, HOUR), want, text);
  });

  it('rejects bad lists with the offset of the culprit', () => {
    const cases: [string, RangeScale, number, RegExp][] = [
      ['25', HOUR, 0, /hour 25 is out of range 0-23/],
      ['1-24', HOUR, 2, /hour 24 is out of range/],
      ['a-b', HOUR, 0, /invalid hour "a-b"/],
      ['1,,2', HOUR, 2, /empty item/],
      ['1,', HOUR, 2, /empty item/],
      ['', HOUR, 0, /empty item/],
      ['1-2-3', HOUR, 0, /invalid hour/],
      ['-1', HOUR, 0, /invalid hour/],
      ['1.5', HOUR, 0, /invalid hour/],
      ['2030-2020', YEAR, 0, /ends before it starts/],
      ['0', YEAR, 0, /year 0 is out of range 1-9999/],
    ];
    for (const [text, scale, position, message] of cases) {
      assert.throws(
        () => RangeList.parse(text, scale),
        (error: unknown) => error instanceof ExpressionSyntaxError && error.position === position && message.test(error.message),
        text,
      );
    }
  });
});
