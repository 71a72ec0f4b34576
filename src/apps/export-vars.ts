import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';
import { variableName } from './args.js';

/** `exportVars`: names whose values, read when a bridge starts, are copied onto the new legs. */
export const exportVarsApp: AppSpec<string[]> = {
  name: 'exportVars',
  args: z.array(variableName).min(1),
  run(ctx, names) {
    for (const name of names) ctx.exportVariableByName(name);
    return { result: `exported at bridge time: ${names.join(', ')}` };
  },
};
