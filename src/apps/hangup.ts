import { z } from 'zod';
import { HANGUP_CAUSES, isHangupCause, type HangupCause } from '../call/hangup-cause.js';
import { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { unknownNameMessage } from './args.js';

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

const otherCall = z.object({}).passthrough().superRefine((_value, ctx) => {
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: 'hanging up another call ({ "uuid", "cause" }) is not supported yet',
  });
});

/** `hangup`: ends the call with a cause (default NORMAL_CLEARING) and the flow with it. */
export const hangupApp: AppSpec<Template> = {
  name: 'hangup',
  args: z.union([cause, otherCall.transform(() => Template.compile(''))]),
  async run(ctx, text) {
    const substituted = ctx.expand(text);
    let chosen = causeOf(substituted);
    let note = '';
    if (!chosen) {
      chosen = DEFAULT_CAUSE;
      note = ` (unknown cause ${JSON.stringify(substituted)})`;
      ctx.services.logger.warn({ uuid: ctx.call.uuid, app: 'hangup', cause: substituted }, `unknown hangup cause; using ${DEFAULT_CAUSE}`);
    }
    await ctx.call.hangup(chosen);
    return { result: `hung up: ${chosen}${note}`, next: 'end' };
  },
};
