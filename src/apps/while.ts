import { z } from 'zod';
import type { Flow } from '../engine/flow.js';
import type { AppContext, AppSpec } from '../engine/app.js';
import { webitelObject } from './args.js';
import { conditionSource, evaluateCondition, type Condition } from './condition.js';

interface WhileArgs {
  /** Without one, `do` runs once, as flow_manager ran it (its empty condition is false). */
  condition?: Condition;
  do: Flow;
  maxSteps: number;
}

const DEFAULT_MAX_STEPS = 1000;

/** Rounds done per loop of each running flow: a loop's state belongs to its call, not to the schema. */
const rounds = new WeakMap<AppContext, Map<WhileArgs, number>>();

/**
 * `while` (Webitel's current dialect): `{ "condition": "${i} < 3", "do": [...], "maxSteps": 10 }`.
 * As in the original, `do` runs once before the condition is first tested, and
 * at most `maxSteps` rounds run (default 1000). flow_manager reads the body
 * from `do` only (ACR has no while): `actions`, the key other applications
 * nest under, is ignored with a warning, and a loop without `do` does nothing.
 */
export const whileApp: AppSpec<WhileArgs> = {
  name: 'while',
  args: (nestedFlow) =>
    webitelObject(
      {
        condition: conditionSource.optional(),
        do: nestedFlow.default([]),
        maxSteps: z.union([z.number().int().min(1), z.string().regex(/^\d+$/).transform(Number)]).default(DEFAULT_MAX_STEPS),
      },
      { misnamed: { actions: 'do' } },
    ),
  traceArgs: (args) => ({ condition: args.condition?.source, maxSteps: args.maxSteps }),
  async run(ctx, args) {
    if (args.do.steps.length === 0) return { result: 'nothing to do: no do' };
    let loops = rounds.get(ctx);
    if (!loops) rounds.set(ctx, (loops = new Map()));
    const done = loops.get(args) ?? 0;
    const again = done === 0 || (args.condition !== undefined && done < args.maxSteps && Boolean(await evaluateCondition(ctx, args.condition)));
    if (!again) {
      loops.delete(args);
      return { result: done >= args.maxSteps ? `stopped after ${done} rounds (maxSteps)` : `done after ${done} round(s)` };
    }
    loops.set(args, done + 1);
    return { result: `round ${done + 1}`, next: { call: args.do, resume: 'self' } };
  },
};
