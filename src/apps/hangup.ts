import { z } from 'zod';
import { HANGUP_CAUSES, isHangupCause, type HangupCause } from '../call/hangup-cause.js';
import { Template } from '../engine/template.js';
import type { AppContext, AppOutcome, AppSpec } from '../engine/app.js';
import { scalarTemplate, unknownNameMessage, webitelObject } from './args.js';
import { callByUuid } from './other-calls.js';

const DEFAULT_CAUSE: HangupCause = 'NORMAL_CLEARING';

/** FreeSWITCH reads cause names case-insensitively; "" is the default cause. */
function causeOf(text: string): HangupCause | undefined {
  const name = text.trim().toUpperCase();
  if (name === '') return DEFAULT_CAUSE;
  return isHangupCause(name) ? name : undefined;
}

const cause = z.string().transform((text, ctx) => {
  const compiled = Template.compile(text);
  if (compiled.isConstant && !causeOf(text)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: unknownNameMessage('hangup cause', text.trim(), HANGUP_CAUSES) });
    return z.NEVER;
  }
  return compiled;
});

interface OtherCall {
  uuid: Template;
  cause?: Template;
}

/** `{ uuid, cause }` (the original's API uuid_kill) hangs up a call by its uuid. */
const otherCall = webitelObject({ uuid: scalarTemplate, cause: cause.optional() });

/**
 * `hangup`: ends the call with a cause (default NORMAL_CLEARING) and the
 * flow with it; `{ uuid, cause }` ends the call with that uuid instead, and
 * the flow goes on unless that was this call.
 */
/** Its outcome is a promise, never `Later`: black-list awaits it. */
export const hangupApp: { run(ctx: AppContext, args: Template | OtherCall): Promise<AppOutcome> } & AppSpec<Template | OtherCall> = {
  name: 'hangup',
  args: z.union([cause, otherCall]),
  async run(ctx, args) {
    const text = args instanceof Template ? args : (args.cause ?? Template.compile(''));
    const substituted = ctx.expand(text);
    let chosen = causeOf(substituted);
    let note = '';
    if (!chosen) {
      chosen = DEFAULT_CAUSE;
      note = ` (unknown cause ${JSON.stringify(substituted)})`;
      ctx.services.logger.warn({ uuid: ctx.call.uuid, app: 'hangup', cause: substituted }, `unknown hangup cause; using ${DEFAULT_CAUSE}`);
    }
    const call = args instanceof Template ? ctx.call : callByUuid(ctx, ctx.expand(args.uuid).trim());
    if (typeof call === 'string') return { result: `nothing hung up: ${call}` };
    await call.hangup(chosen);
    if (call !== ctx.call) return { result: `hung up call ${call.uuid}: ${chosen}${note}` };
    return { result: `hung up: ${chosen}${note}`, next: 'end' };
  },
};
