import { z } from 'zod';
import { HANGUP_CAUSES, isHangupCause, type HangupCause } from '../call/hangup-cause.js';
import { SimulatedClock } from '../clock.js';
import type { Template } from '../engine/template.js';
import type { AppContext, AppSpec, ScheduledAction } from '../engine/app.js';
import { numberOrTemplate, template, unknownNameMessage, webitelVariants } from './args.js';

export type ScheduleArgs =
  | { action: 'hangup'; seconds: Template; data: Template }
  | { action: 'goto'; seconds: Template; data: Template }
  | { action: 'callback' };

const DEFAULT_SECONDS = 2;
const DEFAULT_CAUSE: HangupCause = 'ALLOTTED_TIMEOUT';

export const hangupCause = template.superRefine((cause, ctx) => {
  if (cause.isConstant && cause.text !== '' && !isHangupCause(cause.text.trim().toUpperCase())) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: unknownNameMessage('hangup cause', cause.text, HANGUP_CAUSES) });
  }
});

/**
 * Seconds from now, a number or text (`"360"`, `"${wait}"`): both engines
 * took text, and a written value that is no number failed in flow_manager
 * (ACR hung up at once), so it is a load error here.
 */
export const delaySeconds = numberOrTemplate
  .superRefine((seconds, ctx) => {
    const text = seconds.text.trim();
    if (seconds.isConstant && !(text !== '' && Number(text) >= 0)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected seconds, got ${JSON.stringify(seconds.text)}` });
  })
  .default(DEFAULT_SECONDS);

const transferTarget = template.superRefine((target, ctx) => {
  if (target.isConstant && !/^(default|public):./.test(target.text)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'expected "default:<number>" or "public:<number>"' });
  }
});

function secondsOf(ctx: AppContext, seconds: Template): number {
  const value = Number(ctx.expand(seconds));
  return Number.isFinite(value) && value >= 0 ? value : DEFAULT_SECONDS;
}

function actionOf(ctx: AppContext, args: Exclude<ScheduleArgs, { action: 'callback' }>, at: Date): ScheduledAction | string {
  const data = ctx.expand(args.data).trim();
  if (args.action === 'hangup') {
    const cause = data === '' ? DEFAULT_CAUSE : data.toUpperCase();
    if (!isHangupCause(cause)) return `unknown hangup cause ${JSON.stringify(data)}`;
    return { at, description: `hangup ${cause}`, outcome: 'end', fire: () => ctx.call.hangup(cause) };
  }
  const match = /^(default|public):(.+)$/.exec(data);
  if (!match) return `expected "default:<number>" or "public:<number>", got ${JSON.stringify(data)}`;
  const transfer = { context: match[1] as 'default' | 'public', destination: match[2] };
  return { at, description: `transfer to ${data}`, outcome: { transfer }, fire: async () => undefined };
}

/**
 * `schedule`: `{ "action": "hangup", "seconds": 360, "data": "ALLOTTED_TIMEOUT" }`
 * or `{ "action": "goto", "seconds": 240, "data": "default:1000" }`, returning
 * at once. The action is carried out before the first application that starts
 * after its time; a scheduled hangup on a live call also fires in the middle
 * of a long application (a bridge). `callback` loads but is skipped: it needs originating calls.
 */
export const scheduleApp: AppSpec<ScheduleArgs> = {
  name: 'schedule',
  args: webitelVariants('action', [
    z.object({ action: z.literal('hangup'), seconds: delaySeconds, data: hangupCause.default('') }),
    z.object({ action: z.literal('goto'), seconds: delaySeconds, data: transferTarget }),
    // What ACR's callback read; skipped here, so not checked.
    z.object({ action: z.literal('callback'), seconds: z.unknown(), destination: z.unknown(), number: z.unknown(), cause: z.unknown() }),
  ])
    .transform((args): ScheduleArgs => (args.action === 'callback' ? { action: 'callback' } : args)),
  run(ctx, args) {
    if (args.action === 'callback') return { result: 'schedule callback: not supported yet: needs originating calls from a schema; skipped' };
    const seconds = secondsOf(ctx, args.seconds);
    const at = new Date(ctx.clock.now().getTime() + seconds * 1000);
    const action = actionOf(ctx, args, at);
    if (typeof action === 'string') return { result: `not scheduled: ${action}` };
    ctx.schedule(action);
    if (args.action === 'hangup' && !(ctx.clock instanceof SimulatedClock)) {
      // A live call may be in a bridge when the time comes; the timer ends it there too.
      ctx.clock.sleep(seconds * 1000, ctx.call.signal).then(action.fire, () => undefined);
    }
    return { result: `${action.description} in ${seconds} s` };
  },
};
