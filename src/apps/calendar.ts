import { zonedTime } from '../engine/expr/zoned-time.js';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { flag, scalarTemplate, variableName, webitelObject } from './args.js';
import { calendarStatus, describeMoment } from './working-hours.js';

interface CalendarArgs {
  name: Template;
  extended: boolean;
  setVar: string;
}

/**
 * `calendar`: `{ "name": "office", "setVar": "open" }` → "true" when now is in
 * the domain calendar's open hours, else "false"; with `extended`, closed
 * times say why: "holiday", "ahead" (before startDate), "expire" (after endDate).
 */
export const calendarApp: AppSpec<CalendarArgs> = {
  name: 'calendar',
  // flow_manager decodes `extended: "true"` as true; it also finds a calendar by `id`, which has no meaning here.
  args: webitelObject(
    { name: scalarTemplate, extended: flag.default(false), setVar: variableName },
    { unsupported: { id: 'a calendar is found by name' } },
  ),
  run(ctx, args) {
    const name = ctx.expand(args.name);
    const calendar = ctx.services.directory.calendar(ctx.domainName, name);
    if (!calendar) {
      ctx.services.logger.warn({ uuid: ctx.call.uuid, app: 'calendar', calendar: name, domain: ctx.domainName }, 'unknown calendar');
      ctx.setVariable(args.setVar, '');
      return { result: `unknown calendar ${JSON.stringify(name)} in ${ctx.domainName} → ""` };
    }
    const zone = calendar.timeZone ?? ctx.timeZone;
    const time = zonedTime(ctx.clock.now(), zone);
    const status = calendarStatus(calendar, time);
    const value = args.extended || status === 'true' ? status : 'false';
    ctx.setVariable(args.setVar, value);
    return { result: `${describeMoment(time)} ${zone}: ${status}${value === status ? '' : ` → ${value}`}` };
  },
};
