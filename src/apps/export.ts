import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';
import { variableName } from './args.js';

/** `export` (Webitel's current dialect): `["a", "b"]`, variables copied with their values onto the legs a later bridge creates. */
export const exportApp: AppSpec<string[]> = {
  name: 'export',
  args: z.union([variableName.transform((name) => [name]), z.array(variableName).min(1)]),
  run(ctx, names) {
    for (const name of names) ctx.exportVariableByName(name);
    return { result: `exported to new legs: ${names.join(', ')}` };
  },
};
