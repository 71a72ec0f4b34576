import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { numberOrTemplate } from './args.js';

/** A schema may pause a call, not park it: longer waits belong to `park` or a queue. */
export const MAX_SLEEP_MS = 3_600_000;

/** Whole milliseconds from 0 to MAX_SLEEP_MS, or why the text is not that. */
function milliseconds(text: string): number | string {
  const trimmed = text.trim();
  const value = trimmed === '' ? Number.NaN : Number(trimmed);
  if (!Number.isInteger(value)) return `expected whole milliseconds, got ${JSON.stringify(text)}`;
  if (value < 0) return `expected milliseconds >= 0, got ${value}`;
  if (value > MAX_SLEEP_MS) return `expected at most ${MAX_SLEEP_MS} milliseconds (1 hour), got ${value}`;
  return value;
}

/**
 * `sleep`: waits the given milliseconds on the call's clock; the wait ends
 * early if the call does. On a call whose media is ours the caller hears
 * silence meanwhile and its digits stay buffered — unless
 * `sleep_eat_digits=true`, which drops them (FreeSWITCH).
 */
export const sleepApp: AppSpec<Template> = {
  name: 'sleep',
  args: numberOrTemplate.superRefine((duration, ctx) => {
    if (!duration.isConstant) return;
    const checked = milliseconds(duration.text);
    if (typeof checked === 'string') ctx.addIssue({ code: z.ZodIssueCode.custom, message: checked });
  }),
  async run(ctx, duration) {
    const ms = milliseconds(ctx.expand(duration));
    if (typeof ms === 'string') {
      ctx.services.logger.warn({ uuid: ctx.call.uuid, app: 'sleep' }, ms);
      return { result: `not sleeping: ${ms}` };
    }
    try {
      await ctx.clock.sleep(ms, ctx.call.signal);
    } catch (error) {
      if (ctx.call.signal.aborted) return { result: 'interrupted: the call ended' };
      throw error;
    }
    if (ctx.call.getVariable('sleep_eat_digits') === 'true') ctx.call.flushDigits();
    return { result: `slept ${ms} ms` };
  },
};
