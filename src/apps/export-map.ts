import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';
import { Template } from '../engine/template.js';
import { variableName } from './args.js';

/** `{ "name": value, … }`: values written as strings (with `${…}`), numbers or booleans. */
const variableMap = z
  .record(variableName, z.union([z.string(), z.number().finite(), z.boolean()]).transform((value) => Template.compile(String(value))))
  .refine((variables) => Object.keys(variables).length > 0, 'expected at least one variable');

/**
 * Webitel's flow engine's `setAll` and `setNoLocal`: a map of variables exported as `setVar`'s `all:` (this call
 * and every leg it bridges) or `nolocal:` (only the legs it bridges) entries do.
 */
function exportMapApp(name: string, mode: 'all' | 'nolocal'): AppSpec<[string, Template][]> {
  return {
    name,
    args: variableMap.transform((variables) => Object.entries(variables)),
    run(ctx, variables) {
      for (const [variable, value] of variables) ctx.exportVariable(variable, ctx.expand(value), mode);
      return { result: variables.map(([variable]) => `${mode}:${variable}`).join(', ') };
    },
  };
}

export const setAllApp = exportMapApp('setAll', 'all');
export const setNoLocalApp = exportMapApp('setNoLocal', 'nolocal');
