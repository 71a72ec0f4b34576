import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppContext, AppSpec } from '../engine/app.js';
import { templateList, variableName } from './args.js';
import { arrayItems, formatArray } from '../engine/channel-array.js';

/** Where `setArray "x"` / `["x", "y"]` pushes when no array is named. */
const DEFAULT_ARRAY = 'webitel_tags';

/** Appends values to the array variable `name` (created if absent); returns how many items it holds now. */
export function pushOntoArray(ctx: AppContext, name: string, values: readonly string[]): number {
  const items = [...arrayItems(ctx.variables.channel(name)), ...values];
  ctx.setVariable(name, formatArray(items));
  return items.length;
}

/**
 * `setArray`: pushes values onto FreeSWITCH array variables, read back as
 * `${name[0]}`, `${name[1]}`…: `"tag"` / `["a", "b"]` onto `webitel_tags`, `{ "name": ["a", "b"] }` onto each named array.
 */
export const setArrayApp: AppSpec<[string, Template[]][]> = {
  name: 'setArray',
  args: z.union([
    templateList.transform((values): [string, Template[]][] => [[DEFAULT_ARRAY, values]]),
    z.record(variableName, templateList).transform((arrays) => Object.entries(arrays)),
  ]),
  run(ctx, arrays) {
    const done = arrays.map(([name, values]) => `${name}: ${pushOntoArray(ctx, name, values.map((value) => ctx.expand(value)))} item(s)`);
    return { result: done.join(', ') };
  },
};
