import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { scalarTemplate, variableName } from './args.js';
import { setVarApp } from './set-var.js';

type SetArgs = { map: [name: string, value: Template][] } | { entries: Parameters<typeof setVarApp.run>[1] };

/**
 * `set`, Webitel's current spelling: `{ "name": "value", … }` sets each channel
 * variable (values substituted); the older `"a=b"` / `["a=b"]` forms work as in `setVar`.
 */
export const setApp: AppSpec<SetArgs> = {
  name: 'set',
  args: z.union([
    z
      .record(variableName, scalarTemplate)
      .refine((map) => Object.keys(map).length > 0, 'expected at least one variable')
      .transform((map) => ({ map: Object.entries(map) })),
    (setVarApp.args as z.ZodTypeAny).transform((entries) => ({ entries })),
  ]),
  run(ctx, args) {
    if ('entries' in args) return setVarApp.run(ctx, args.entries);
    const done = args.map.map(([name, value]) => {
      const expanded = ctx.expand(value);
      ctx.setVariable(name, expanded);
      return `${name}=${expanded}`;
    });
    return { result: done.join(', ') };
  },
};
