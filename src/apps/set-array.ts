import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { templateList, variableName } from './args.js';
import { arrayItems, formatArray } from '../engine/channel-array.js';

/** Where `setArray "x"` / `["x", "y"]` pushes when no array is named. */
const DEFAULT_ARRAY = 'webitel_tags';

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
    const done = arrays.map(([name, values]) => {
      const items = [...arrayItems(ctx.variables.channel(name)), ...values.map((value) => ctx.expand(value))];
      ctx.setVariable(name, formatArray(items));
      return `${name}: ${items.length} item(s)`;
    });
    return { result: done.join(', ') };
  },
};
