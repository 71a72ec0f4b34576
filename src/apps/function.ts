import { z } from 'zod';
import type { Flow } from '../engine/flow.js';
import type { AppSpec } from '../engine/app.js';
import { flag, template, webitelObject } from './args.js';
import type { Template } from '../engine/template.js';

export interface FunctionArgs {
  name: string;
  actions: Flow;
}

/**
 * `function`: `{ "name": "greet", "actions": [...] }` defines a sub-flow that
 * `execute` runs; the definition itself does nothing where it stands.
 */
export const functionApp: AppSpec<FunctionArgs> = {
  name: 'function',
  args: (nestedFlow) => webitelObject({ name: z.string().min(1), actions: nestedFlow }),
  traceArgs: (args) => ({ name: args.name }),
  defines: (args) => ({ function: args }),
  run: (_ctx, args) => ({ result: `defines ${args.name}` }),
};

/** `execute`: `"greet"` or `{ "name": "greet" }`: runs that function's actions here, then goes on. */
export const executeApp: AppSpec<Template> = {
  name: 'execute',
  args: z.union([template, webitelObject({ name: template, async: flag.optional() }).transform(({ name }) => name)]),
  functionName: (name) => (name.isConstant ? name.text : undefined),
  run: (ctx, name) => ({ next: { execute: ctx.expand(name).trim() } }),
};
