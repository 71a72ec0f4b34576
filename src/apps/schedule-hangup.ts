import type { AppSpec } from '../engine/app.js';
import { webitelObject } from './args.js';
import { delaySeconds, hangupCause, scheduleApp, type ScheduleArgs } from './schedule.js';

/** Webitel's flow engine's `scheduleHangup`: `{ "seconds": 30, "cause": "ALLOTTED_TIMEOUT" }`, `schedule`'s hangup. */
export const scheduleHangupApp: AppSpec<ScheduleArgs> = {
  name: 'scheduleHangup',
  args: webitelObject({ seconds: delaySeconds, cause: hangupCause.default('') })
    .transform(({ seconds, cause }): ScheduleArgs => ({ action: 'hangup', seconds, data: cause })),
  run: (ctx, args) => scheduleApp.run(ctx, args),
};
