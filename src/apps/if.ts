import { z } from 'zod';
import { ExpressionSyntaxError, parseExpression, type Expression } from '../engine/expr/index.js';
import type { Flow } from '../engine/flow.js';
import type { AppSpec } from '../engine/app.js';

interface IfArgs {
  expression: Expression;
  then?: Flow;
  else?: Flow;
}

const expressionSource = z.string().transform((source, ctx): Expression => {
  try {
    return parseExpression(source);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${error.message} (at character ${error.position + 1})` });
    return z.NEVER;
  }
});

/** `if`: evaluates the expression and runs `then` or `else`. `sysExpression` is the legacy spelling. */
export const ifApp: AppSpec<IfArgs> = {
  name: 'if',
  args: (nestedFlow) =>
    z
      .object({
        expression: expressionSource.optional(),
        sysExpression: expressionSource.optional(),
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
    const value = args.expression.evaluate(ctx.expressionEnv());
    const branch = value ? 'then' : 'else';
    const flow = args[branch];
    const result = `${JSON.stringify(value)} → ${flow && flow.steps.length > 0 ? branch : `no ${branch}`}`;
    return flow && flow.steps.length > 0 ? { result, next: { enter: flow } } : { result };
  },
};
