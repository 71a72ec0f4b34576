import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';
import { numberOrTemplate } from './args.js';
import { DEFAULT_SECONDS, hangupCause, scheduleApp, type ScheduleArgs } from './schedule.js';

/** Webitel's flow engine's `scheduleHangup`: `{ "seconds": 30, "cause": "ALLOTTED_TIMEOUT" }`, `schedule`'s hangup. */
export const scheduleHangupApp: AppSpec<ScheduleArgs> = {
  name: 'scheduleHangup',
  args: z
    .object({ seconds: numberOrTemplate.default(DEFAULT_SECONDS), cause: hangupCause.default('') })
    .strict()
    .transform(({ seconds, cause }): ScheduleArgs => ({ action: 'hangup', seconds, data: cause })),
  run: (ctx, args) => scheduleApp.run(ctx, args),
};
