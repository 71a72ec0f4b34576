/**
 * A time zone's UTC offset read from Intl, the one source of zone rules the
 * engine's time functions and the CDR stamps share. Callers cache what they
 * read: `formatToParts` is the expensive part.
 */

/** Whether `zone` is an IANA zone name this runtime knows. */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A formatter for the zone's wall clock to the second; throws RangeError for a zone Intl does not know. */
export function wallClockFormat(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

/** The zone's offset (ms) at the whole second holding `epochMs`. */
export function offsetFromFormat(format: Intl.DateTimeFormat, epochMs: number): number {
  const second = Math.floor(epochMs / 1000) * 1000;
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let sec = 0;
  for (const part of format.formatToParts(second)) {
    const value = Number(part.value);
    switch (part.type) {
      case 'year':
        year = value;
        break;
      case 'month':
        month = value;
        break;
      case 'day':
        day = value;
        break;
      case 'hour':
        hour = value;
        break;
      case 'minute':
        minute = value;
        break;
      case 'second':
        sec = value;
        break;
    }
  }
  return Date.UTC(year, month - 1, day, hour, minute, sec) - second;
}
