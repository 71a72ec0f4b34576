import { zonedTime } from '../engine/expr/index.js';
import type { AppContext } from '../engine/app.js';

/** "Now" shifted by the domain's zone offset, so a UTC reading of it shows the domain's wall clock (`LocalDate()`). */
export function localNowMs(ctx: AppContext): number {
  const now = ctx.clock.now();
  const local = zonedTime(now, ctx.timeZone);
  return Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second, now.getUTCMilliseconds());
}
