import { z } from 'zod';
import type { Flow } from '../engine/flow.js';
import type { AppOutcome, AppSpec } from '../engine/app.js';
import { webitelObject } from './args.js';
import { conditionSource, evaluateCondition, type Condition } from './condition.js';

interface IfArgs {
  expression: Condition;
  then?: Flow;
  else?: Flow;
}

/** `if`: evaluates the expression and runs `then` or `else`. `sysExpression` is the legacy spelling. */
export const ifApp: AppSpec<IfArgs> = {
  name: 'if',
  args: (nestedFlow) =>
    webitelObject({
      expression: conditionSource.optional(),
      sysExpression: conditionSource.optional(),
      then: nestedFlow.optional(),
      else: nestedFlow.optional(),
    })
      .transform((args, ctx) => {
        const expression = args.expression ?? args.sysExpression;
        if (!expression) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['expression'], message: 'missing; expected string' });
          return z.NEVER;
        }
        return { expression, then: args.then, else: args.else };
      }),
  traceArgs: (args) => ({ expression: args.expression.source }),
  run(ctx, args) {
    const value = evaluateCondition(ctx, args.expression);
    return value instanceof Promise ? value.then((settled) => branchTaken(args, settled)) : branchTaken(args, value);
  },
};

function branchTaken(args: IfArgs, value: unknown): AppOutcome {
  const branch = value ? 'then' : 'else';
  const flow = args[branch];
  const engine = 'script' in args.expression ? ' (JavaScript sandbox)' : '';
  const result = `${JSON.stringify(value)} → ${flow && flow.steps.length > 0 ? branch : `no ${branch}`}${engine}`;
  return flow && flow.steps.length > 0 ? { result, next: { enter: flow } } : { result };
}
