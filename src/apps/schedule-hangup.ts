import type { AppSpec } from '../engine/app.js';
import { webitelObject, wholeNumberOrTemplate } from './args.js';
import { DEFAULT_SECONDS, hangupCause, scheduleApp, type ScheduleArgs } from './schedule.js';

/** Webitel's flow engine's `scheduleHangup`: `{ "seconds": 30, "cause": "ALLOTTED_TIMEOUT" }`, `schedule`'s hangup. */
export const scheduleHangupApp: AppSpec<ScheduleArgs> = {
  name: 'scheduleHangup',
  args: webitelObject({ seconds: wholeNumberOrTemplate(0).default(DEFAULT_SECONDS), cause: hangupCause.default('') })
    .transform(({ seconds, cause }): ScheduleArgs => ({ action: 'hangup', seconds, data: cause })),
  run: (ctx, args) => scheduleApp.run(ctx, args),
};
