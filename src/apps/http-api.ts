import { formatSchemaError } from '../engine/schema-error.js';
import type { AppSpec } from '../engine/app.js';
import { httpRequestArgs, parseAnswer, sendHttpRequest, type HttpRequestArgs } from './http-request.js';

/**
 * `httpApi`: the same request as `httpRequest`, whose answer is a schema (a
 * JSON array of applications) to run here and then go on. The answer is
 * validated like any schema first; an invalid one is not run, and the trace
 * says why. Its tags and functions are its own.
 */
export const httpApiApp: AppSpec<HttpRequestArgs> = {
  name: 'httpApi',
  args: httpRequestArgs,
  async run(ctx, args) {
    const answer = await sendHttpRequest(ctx, args);
    const parsed = parseAnswer(answer, args.parser ?? 'json');
    if (!('json' in parsed)) return { result: `HTTP ${answer.status}: the answer is not JSON; nothing to run` };
    const loaded = ctx.services.schemas.load(parsed.json);
    if (!loaded.ok) {
      for (const error of loaded.errors) ctx.log(`answer ${formatSchemaError(error)}`);
      return { result: `HTTP ${answer.status}: the answer is not a valid schema (${loaded.errors.length} error(s)); not run` };
    }
    for (const warning of loaded.schema.warnings) ctx.log(`answer ${formatSchemaError(warning)}`);
    return { result: `HTTP ${answer.status}: running ${loaded.schema.root.steps.length} application(s)`, next: { call: loaded.schema.root, resume: 'next' } };
  },
};
