import { z } from 'zod';
import { schemaRefSetting, timeZoneSetting, uniqueBy, variablesSetting } from '../settings.js';
import { WEEKDAYS } from './directory.js';
import { isPhoneCountry } from './phone-number.js';

export const userSettings = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.+-]{1,64}$/, 'expected an extension of letters, digits or _.+- (1 to 64)'),
    name: z.string().default(''),
    /** The SIP password; the configuration store keeps only `ha1`, what `config export` writes. */
    password: z.string().min(1, 'expected a non-empty SIP password').optional(),
    /** H(A1) = H(id:domain:password) per digest algorithm, instead of the password. */
    ha1: z
      .object({ MD5: z.string().regex(/^[0-9a-f]{32}$/, 'expected 32 lowercase hex digits'), 'SHA-256': z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lowercase hex digits') })
      .strict()
      .optional(),
    dnd: z.boolean().default(false),
    variables: variablesSetting,
    /** The user's own schema (extension route): runs instead of the default routes when a user of the domain dials this one. */
    schema: schemaRefSetting.optional(),
  })
  .strict()
  .refine((user) => user.password !== undefined || user.ha1 !== undefined, { path: ['password'], message: 'expected a SIP password (or its ha1 hashes)' });

const CLOCK_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const clockTime = z.string().regex(CLOCK_TIME, 'expected HH:MM from 00:00 to 24:00');

const calendarDate = z.string().refine(isCalendarDate, { message: 'expected a date YYYY-MM-DD' });

/** A working-hours calendar for the `calendar` application. */
export const calendarSettings = z
  .object({
    name: z.string().min(1),
    /** The zone its hours are read in; the domain's when absent. */
    timeZone: timeZoneSetting.optional(),
    /** Before this day the calendar answers "ahead" (extended) / false. */
    startDate: calendarDate.optional(),
    /** After this day it answers "expire" (extended) / false. */
    endDate: calendarDate.optional(),
    /** Open hours, e.g. { "days": ["mon","tue","wed","thu","fri"], "from": "09:00", "to": "18:00" }; none: always open. */
    accept: z
      .array(
        z
          .object({ days: z.array(z.enum(WEEKDAYS)).min(1), from: clockTime, to: clockTime })
          .strict()
          // Zero-padded HH:MM texts compare in time order; a malformed one is reported on its own.
          .refine((span) => !CLOCK_TIME.test(span.from) || !CLOCK_TIME.test(span.to) || span.from < span.to, {
            path: ['to'],
            message: 'expected "to" after "from"; split a span over midnight into two',
          }),
      )
      .default([]),
    /** Holidays: closed all day; `yearly` repeats the month and day every year. */
    except: z
      .array(z.object({ date: calendarDate, yearly: z.boolean().default(false), name: z.string().optional() }).strict())
      .default([]),
  })
  .strict()
  .refine((calendar) => !calendar.startDate || !calendar.endDate || calendar.startDate <= calendar.endDate, {
    path: ['endDate'],
    message: 'expected endDate on or after startDate',
  });

/** What of a domain's settings the directory owns; `config/` adds the other layers' fields. */
export const directoryDomainShape = {
  name: z.string().min(1),
  timeZone: timeZoneSetting.default('UTC'),
  /** ISO 3166-1 alpha-2 code (UA, DE): nationally written numbers of this domain are read in its numbering plan (E.164). */
  country: z
    .string()
    .refine(isPhoneCountry, { message: 'expected an ISO 3166-1 alpha-2 country code with a numbering plan, such as UA or DE' })
    .optional(),
  variables: variablesSetting,
  users: z.array(userSettings).default([]).superRefine(uniqueBy('id', 'user')),
  calendars: z.array(calendarSettings).default([]).superRefine(uniqueBy('name', 'calendar')),
};

const directoryDomainSettings = z.object(directoryDomainShape);
export type DirectoryDomainSettings = z.infer<typeof directoryDomainSettings>;

/** A real calendar day written YYYY-MM-DD (not 2026-02-30). */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
