/**
 * FreeSWITCH writes `*_stamp` variables as local wall-clock time
 * (`YYYY-MM-DD HH:MM:SS`); CDRs store instants in UTC. The domain's zone
 * converts between the two.
 */
import { DateTime } from 'luxon';

const STAMP_FORMAT = 'yyyy-MM-dd HH:mm:ss';

/** `2024-05-01 14:03:07` in `timeZone` → `2024-05-01T11:03:07.000Z`; undefined when not a stamp. */
export function stampToIso(stamp: string, timeZone: string): string | undefined {
  const date = DateTime.fromFormat(stamp.slice(0, 19), STAMP_FORMAT, { zone: timeZone });
  return date.isValid ? date.toUTC().toISO()! : undefined;
}

/** The stamp FreeSWITCH would write for this instant in `timeZone`. */
export function isoToStamp(date: Date, timeZone: string): string {
  return DateTime.fromJSDate(date, { zone: timeZone }).toFormat(STAMP_FORMAT);
}
