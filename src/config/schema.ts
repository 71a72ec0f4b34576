import { z } from 'zod';
import { isValidTimeZone } from '../engine/expr/zoned-time.js';
import { WEEKDAYS } from '../directory/directory.js';
import { DIGEST_ALGORITHMS } from '../sip/auth/digest.js';
import { DEFAULT_TIMER_SETTINGS } from '../sip/transaction/timers.js';
import { didPath, indexDids } from '../routes/did-index.js';
import { destinationPatternProblem } from '../routes/destination-pattern.js';
import { formatJsonPath } from '../engine/json-path.js';
import { cdrSettings } from '../cdr/settings.js';

/**
 * The one configuration file: ports, data path, and per domain its users,
 * gateways and routes. Validated at start; errors name the JSON path.
 */
const variables = z.record(z.string(), z.string()).default({});

/** A schema: inline ACR array, or a path relative to the configuration file. */
const schemaRef = z.union([z.string().min(1), z.array(z.unknown())]);

const timeZone = z.string().refine(isValidTimeZone, { message: 'expected an IANA time zone such as Europe/Kyiv' });

export const userConfig = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_.+-]{1,64}$/, 'expected an extension of letters, digits or _.+- (1 to 64)'),
    name: z.string().default(''),
    password: z.string().min(1, 'expected a non-empty SIP password'),
    dnd: z.boolean().default(false),
    variables,
    /** The user's own schema (extension route): runs instead of the default routes when a user of the domain dials this one. */
    schema: schemaRef.optional(),
  })
  .strict();

export const gatewayConfig = z
  .object({
    name: z.string().min(1),
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(5060),
    transport: z.enum(['udp', 'tcp']).default('udp'),
    /** Caller ID presented on calls out through this gateway (else the caller's). */
    callerIdNumber: z.string().optional(),
    /** Credentials when the carrier challenges our INVITEs or wants a registration. */
    username: z.string().optional(),
    password: z.string().optional(),
    register: z.boolean().default(false),
  })
  .strict();

const CLOCK_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const clockTime = z.string().regex(CLOCK_TIME, 'expected HH:MM from 00:00 to 24:00');

const calendarDate = z.string().refine(isCalendarDate, { message: 'expected a date YYYY-MM-DD' });

/** A working-hours calendar for the `calendar` application. */
export const calendarConfig = z
  .object({
    name: z.string().min(1),
    /** The zone its hours are read in; the domain's when absent. */
    timeZone: timeZone.optional(),
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

export const publicRouteConfig = z
  .object({
    name: z.string().min(1),
    /** The dialled numbers (DIDs) this route answers, unique over all domains; forms that also match: src/routes/did.ts. */
    numbers: z.array(z.string().min(1)).min(1),
    schema: schemaRef,
    variables,
  })
  .strict();

export const defaultRouteConfig = z
  .object({
    name: z.string().min(1),
    /** RE2 regular expression on the destination number (src/routes/destination-pattern.ts); captures are `&reg0.$N` in the schema. */
    pattern: z
      .string()
      .min(1)
      .superRefine((pattern, ctx) => {
        const problem = destinationPatternProblem(pattern);
        if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
      }),
    schema: schemaRef,
    variables,
  })
  .strict();

export const domainConfig = z
  .object({
    name: z.string().min(1),
    timeZone: timeZone.default('UTC'),
    variables,
    /** Accept calls to public numbers from sources that are not known gateways. */
    allowAnonymousPublic: z.boolean().default(false),
    users: z.array(userConfig).default([]).superRefine(unique('id', 'user')),
    gateways: z.array(gatewayConfig).default([]).superRefine(unique('name', 'gateway')),
    calendars: z.array(calendarConfig).default([]).superRefine(unique('name', 'calendar')),
    routes: z
      .object({
        /** How this domain's DIDs are also written by carriers, e.g. { "countryCode": "380", "trunkPrefix": "0" }. */
        nationalFormat: z
          .object({
            countryCode: z.string().regex(/^[1-9]\d{0,2}$/, 'expected a country calling code of 1 to 3 digits, such as 380'),
            trunkPrefix: z.string().regex(/^\d{1,2}$/, 'expected a trunk prefix of 1 or 2 digits, such as 0'),
          })
          .strict()
          .optional(),
        public: z.array(publicRouteConfig).default([]),
        default: z.array(defaultRouteConfig).default([]),
      })
      .strict()
      .default({}),
  })
  .strict();

const listen = (port: number) =>
  z
    .object({
      address: z.string().default('0.0.0.0'),
      port: z.number().int().min(0).max(65535).default(port),
    })
    .strict()
    .default({});

const failureLimits = (defaults: { maxFailures: number; windowSeconds: number; blockSeconds: number }) =>
  z
    .object({
      maxFailures: z.number().int().min(1).default(defaults.maxFailures),
      windowSeconds: z.number().int().min(1).default(defaults.windowSeconds),
      blockSeconds: z.number().int().min(1).default(defaults.blockSeconds),
    })
    .strict()
    .default({});

export const configSchema = z
  .object({
    sip: z
      .object({
        listen: listen(5060),
        transports: z.array(z.enum(['udp', 'tcp'])).min(1).default(['udp', 'tcp']),
        /** Address written into Via/Contact when listening on 0.0.0.0. */
        publicAddress: z.string().optional(),
        registration: z
          .object({
            minExpires: z.number().int().min(1).default(60),
            maxExpires: z.number().int().min(1).default(3600),
            defaultExpires: z.number().int().min(1).default(3600),
          })
          .strict()
          .default({}),
        auth: z
          .object({
            /** Offered in this order (RFC 8760): phones pick the first they support. */
            algorithms: z.array(z.enum(DIGEST_ALGORITHMS)).min(1).default(['SHA-256', 'MD5']),
            nonceLifetimeSeconds: z.number().int().min(1).default(300),
            /** Failed attempts tolerated per source address, then that source is refused (403) for a while. */
            perSource: failureLimits({ maxFailures: 20, windowSeconds: 60, blockSeconds: 900 }),
            /** The same per user, so guessing one password from many addresses is braked too. */
            perUser: failureLimits({ maxFailures: 10, windowSeconds: 60, blockSeconds: 900 }),
          })
          .strict()
          .default({}),
        calls: z
          .object({
            /** Calls not yet answered beyond which new INVITEs get 503 with Retry-After rather than slowing every call down. */
            maxInSetup: z.number().int().min(1).default(1000),
            /** On SIGTERM, how long calls in progress may go on before they are ended with BYE. */
            shutdownGraceSeconds: z.number().int().min(0).default(30),
          })
          .strict()
          .default({}),
        /** RFC 3261 timers in milliseconds; tune T1 for long round trips, not for speed. */
        timers: z
          .object({
            t1: z.number().int().min(1).default(DEFAULT_TIMER_SETTINGS.t1),
            t2: z.number().int().min(1).default(DEFAULT_TIMER_SETTINGS.t2),
            t4: z.number().int().min(1).default(DEFAULT_TIMER_SETTINGS.t4),
          })
          .strict()
          .refine((timers) => timers.t1 <= timers.t2, { path: ['t2'], message: 'expected t2 at least t1' })
          .default({}),
      })
      .strict()
      .default({}),
    http: listen(8080),
    dataDir: z.string().default('./data'),
    cdr: cdrSettings,
    log: z
      .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info') })
      .strict()
      .default({}),
    domains: z.array(domainConfig).min(1, 'expected at least one domain').superRefine(unique('name', 'domain')),
  })
  .strict()
  .superRefine((config, ctx) => {
    for (const { place, form, other } of indexDids(config.domains).conflicts) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: didPath(place),
        message: `the number ${form} is already routed by ${formatJsonPath(didPath(other))}`,
      });
    }
  });

export type Config = z.infer<typeof configSchema>;
export type DomainConfig = z.infer<typeof domainConfig>;
export type UserConfig = z.infer<typeof userConfig>;
export type GatewayConfig = z.infer<typeof gatewayConfig>;
export type CalendarConfig = z.infer<typeof calendarConfig>;

/** A refinement that names each item whose `key` repeats an earlier one's. */
function unique<K extends string>(key: K, what: string) {
  return (items: readonly Record<K, string>[], ctx: z.RefinementCtx) => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(item[key])) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [index, key], message: `duplicate ${what} "${item[key]}"` });
      }
      seen.add(item[key]);
    });
  };
}

/** A real calendar day written YYYY-MM-DD (not 2026-02-30). */
function isCalendarDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
