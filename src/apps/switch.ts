import { z } from 'zod';
import type { Flow } from '../engine/flow.js';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { template, webitelObject } from './args.js';

interface SwitchArgs {
  variable: Template;
  cases: Map<string, Flow>;
}

/** `switch`: runs the case whose key equals the substituted variable, else `default`. */
export const switchApp: AppSpec<SwitchArgs> = {
  name: 'switch',
  args: (nestedFlow) =>
    webitelObject({ variable: template, case: z.record(z.string(), nestedFlow) })
      .transform((args) => ({ variable: args.variable, cases: new Map(Object.entries(args.case)) })),
  traceArgs: (args, ctx) => ({ variable: ctx.expand(args.variable) }),
  run(ctx, args) {
    const value = ctx.expand(args.variable);
    const key = args.cases.has(value) ? value : args.cases.has('default') ? 'default' : undefined;
    const flow = key === undefined ? undefined : args.cases.get(key);
    if (!flow) return { result: `${JSON.stringify(value)} → no case` };
    return { result: `${JSON.stringify(value)} → case ${key}`, next: { enter: flow } };
  },
};
