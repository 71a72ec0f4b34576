import { z } from 'zod';
import { ExpressionSyntaxError } from '../engine/expr/index.js';
import { evaluateInSandbox } from '../engine/sandbox/quickjs.js';
import { compileScript, scriptInput, type SandboxScript } from '../engine/sandbox/script.js';
import type { AppSpec } from '../engine/app.js';
import { variableName, webitelObject } from './args.js';
import { localNowMs } from './local-time.js';

interface JsArgs {
  script: SandboxScript;
  setVar?: string;
}

/** The original's limit for the `js` app. */
const JS_LIMITS = { timeoutMs: 2000, memoryBytes: 32 * 1024 * 1024, stackBytes: 512 * 1024 };

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * `js`: `{ "data": "<function body with return>", "setVar": "x" }` runs the
 * body in the QuickJS WebAssembly sandbox (no host access, 32 MB, 2 s);
 * `${x}`/`$${x}` read variables as data and `LocalDate()` is now in the
 * domain's zone. The returned value (objects as JSON) goes into `setVar`.
 */
export const jsApp: AppSpec<JsArgs> = {
  name: 'js',
  args: webitelObject({ data: z.string().min(1), setVar: variableName.optional() })
    .transform(({ data, setVar }, ctx) => {
      try {
        return { script: compileScript(data, (body) => `return (function () {\n${body}\n})();`), setVar };
      } catch (error) {
        if (!(error instanceof ExpressionSyntaxError)) throw error;
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['data'], message: error.message });
        return z.NEVER;
      }
    }),
  traceArgs: (args) => ({ data: args.script.source, setVar: args.setVar }),
  async run(ctx, args) {
    const input = scriptInput(args.script, ctx.variables, ctx.expressionEnv(), localNowMs(ctx));
    const outcome = await evaluateInSandbox(args.script.code, input, JS_LIMITS);
    if (!outcome.ok) throw new Error(`JavaScript failed: ${outcome.error}`);
    const value = asText(outcome.value);
    if (args.setVar) ctx.setVariable(args.setVar, value);
    return { result: `returned ${JSON.stringify(value)}` };
  },
};
