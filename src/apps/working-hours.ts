import { WEEKDAYS, type Weekday, type WorkingCalendar } from '../directory/directory.js';
import type { ZonedTime } from '../engine/expr/zoned-time.js';

/** The original's answers; without `extended` everything but "true" reads "false". */
export type CalendarStatus = 'true' | 'false' | 'holiday' | 'ahead' | 'expire';

/** A moment as calendars are written: `YYYY-MM-DD`, a weekday name, `HH:MM`. */
interface CalendarMoment {
  date: string;
  weekday: Weekday;
  time: string;
}

const twoDigits = (value: number) => String(value).padStart(2, '0');

function calendarMoment(time: ZonedTime): CalendarMoment {
  return {
    date: `${String(time.year).padStart(4, '0')}-${twoDigits(time.month)}-${twoDigits(time.day)}`,
    // ZonedTime counts 1 = Sunday; WEEKDAYS starts on Monday.
    weekday: WEEKDAYS[(time.weekday + 5) % 7],
    time: `${twoDigits(time.hour)}:${twoDigits(time.minute)}`,
  };
}

/**
 * Whether a wall-clock moment falls in the calendar's open hours, checked in
 * the original's order: period of validity, holidays, then weekly hours.
 * The fixed-width texts compare in time order.
 */
export function calendarStatus(calendar: WorkingCalendar, time: ZonedTime): CalendarStatus {
  const now = calendarMoment(time);
  if (calendar.startDate && now.date < calendar.startDate) return 'ahead';
  if (calendar.endDate && now.date > calendar.endDate) return 'expire';
  const monthDay = now.date.slice(5);
  if (calendar.except.some((day) => (day.yearly ? day.date.slice(5) === monthDay : day.date === now.date))) return 'holiday';
  if (calendar.accept.length === 0) return 'true';
  const open = calendar.accept.some((span) => span.days.includes(now.weekday) && span.from <= now.time && now.time < span.to);
  return open ? 'true' : 'false';
}

/** `2026-11-24 tue 10:30`: the moment a calendar was read at, for traces. */
export function describeMoment(time: ZonedTime): string {
  const now = calendarMoment(time);
  return `${now.date} ${now.weekday} ${now.time}`;
}
