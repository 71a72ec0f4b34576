import { z } from 'zod';
import { ExpressionSyntaxError, parseExpression, type Expression } from '../engine/expr/index.js';
import { evaluateInSandbox } from '../engine/sandbox/quickjs.js';
import { compileScript, scriptInput, type SandboxScript } from '../engine/sandbox/script.js';
import type { AppContext } from '../engine/app.js';
import { localNowMs } from './local-time.js';

/**
 * An `if`/`while` condition: the expression language's AST when it covers the
 * text (fast, no JavaScript engine), else real JavaScript in the QuickJS
 * sandbox — only for text that uses what only JavaScript has (method and
 * function calls such as `.indexOf()` and `parseInt()`, `[]`, `new`,
 * `typeof`, regexp literals), so a typo is still a load error.
 */
export type Condition = { source: string; ast: Expression } | { source: string; script: SandboxScript };

/** Only what the sandbox answers a condition with: a time limit well under a caller's patience. */
const CONDITION_LIMITS = { timeoutMs: 200, memoryBytes: 8 * 1024 * 1024, stackBytes: 256 * 1024 };

/** Text with references and quoted strings blanked, to see the JavaScript around them. */
function codeOnly(source: string): string {
  return source
    .replace(/\$\$?\{[^}]*\}|&reg\d+\.\$\d+|&[a-z_]+\([^)]*\)/g, '0')
    .replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, '""');
}

const ONLY_JAVASCRIPT = /[A-Za-z_$][\w$]*\s*\(|\.\s*[A-Za-z_$]|\[|\bnew\b|\btypeof\b|\binstanceof\b|(^|[=(,!&|?:]\s*)\/[^/*]/;

export function needsJavaScript(source: string): boolean {
  return ONLY_JAVASCRIPT.test(codeOnly(source));
}

export function compileCondition(source: string): Condition {
  try {
    return { source, ast: parseExpression(source) };
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError) || !needsJavaScript(source)) throw error;
    return { source, script: compileScript(source, (expression) => `return !!(${expression}\n);`) };
  }
}

export const conditionSource = z.string().transform((source, ctx): Condition => {
  try {
    return compileCondition(source);
  } catch (error) {
    if (!(error instanceof ExpressionSyntaxError)) throw error;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${error.message} (at character ${error.position + 1})` });
    return z.NEVER;
  }
});

/**
 * The condition's value: an expression's at once (a flow's every `if` evaluates one, and a promise would cost each
 * its allocations and turns), JavaScript's when the sandbox answers — a promise. A JavaScript error counts as false
 * (the original's `else`), and is noted.
 */
export function evaluateCondition(ctx: AppContext, condition: Condition): unknown {
  if ('ast' in condition) return condition.ast.evaluate(ctx.expressionEnv());
  return evaluateScript(ctx, condition.script);
}

async function evaluateScript(ctx: AppContext, script: SandboxScript): Promise<unknown> {
  const env = ctx.expressionEnv();
  const input = scriptInput(script, ctx.variables, env, localNowMs(ctx));
  const outcome = await evaluateInSandbox(script.code, input, CONDITION_LIMITS);
  if (outcome.ok) return outcome.value;
  ctx.log(`JavaScript condition failed (${outcome.error}); taken as false`);
  return false;
}
