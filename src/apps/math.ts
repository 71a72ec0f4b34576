import { randomInt } from 'node:crypto';
import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { numberOrTemplate, oneOfNames, variableName, webitelObject } from './args.js';

type NumericFunction = (...values: number[]) => number;

/**
 * The `Math` members a schema may name. An explicit table, never a lookup on
 * `Math`: a name from a schema must not reach arbitrary properties.
 */
const FUNCTIONS: ReadonlyMap<string, NumericFunction> = new Map<string, NumericFunction>([
  ['abs', Math.abs], ['acos', Math.acos], ['acosh', Math.acosh], ['asin', Math.asin], ['asinh', Math.asinh],
  ['atan', Math.atan], ['atan2', Math.atan2], ['atanh', Math.atanh], ['cbrt', Math.cbrt], ['ceil', Math.ceil],
  ['clz32', Math.clz32], ['cos', Math.cos], ['cosh', Math.cosh], ['exp', Math.exp], ['expm1', Math.expm1],
  ['floor', Math.floor], ['fround', Math.fround], ['hypot', Math.hypot], ['imul', Math.imul], ['log', Math.log],
  ['log10', Math.log10], ['log1p', Math.log1p], ['log2', Math.log2], ['max', Math.max], ['min', Math.min],
  ['pow', Math.pow], ['round', Math.round], ['sign', Math.sign], ['sin', Math.sin], ['sinh', Math.sinh],
  ['sqrt', Math.sqrt], ['tan', Math.tan], ['tanh', Math.tanh], ['trunc', Math.trunc],
  // The original also returned Math's constants by name.
  ['E', () => Math.E], ['LN10', () => Math.LN10], ['LN2', () => Math.LN2], ['LOG10E', () => Math.LOG10E],
  ['LOG2E', () => Math.LOG2E], ['PI', () => Math.PI], ['SQRT1_2', () => Math.SQRT1_2], ['SQRT2', () => Math.SQRT2],
]);

/** Not `Math.random`: as in the original, one of the data items picked at random (`""` without data). */
const RANDOM = 'random';

const FUNCTION_NAMES = [RANDOM, ...FUNCTIONS.keys()];

interface MathArgs {
  fn: string;
  data: Template[];
  setVar: string;
}

function toNumber(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

function compute(fn: string, data: string[]): string {
  if (fn === RANDOM) return data.length === 0 ? '' : data[randomInt(data.length)];
  const value = FUNCTIONS.get(fn)!(...data.map(toNumber));
  // As the original: a result that is not a number is "".
  return Number.isNaN(value) ? '' : String(value);
}

/** `math`: `{ "fn": "round", "data": ["${x}"], "setVar": "y" }`. */
export const mathApp: AppSpec<MathArgs> = {
  name: 'math',
  args: webitelObject({
    fn: oneOfNames(FUNCTION_NAMES, 'math function').default(RANDOM),
    data: z.union([numberOrTemplate.transform((one) => [one]), z.array(numberOrTemplate)]).default([]),
    setVar: variableName,
  })
    .superRefine((args, ctx) => {
      if (args.fn === RANDOM) return;
      args.data.forEach((item, index) => {
        if (item.isConstant && Number.isNaN(toNumber(item.text))) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['data', index], message: `expected a number, got ${JSON.stringify(item.text)}` });
        }
      });
    }),
  run(ctx, args) {
    const data = args.data.map((item) => ctx.expand(item));
    const value = compute(args.fn, data);
    ctx.setVariable(args.setVar, value);
    return { result: `${args.fn}(${data.join(', ')}) = ${JSON.stringify(value)}` };
  },
};
