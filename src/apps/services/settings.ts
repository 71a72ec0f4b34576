import { z } from 'zod';

/**
 * What a domain configures for the applications that reach outside the call:
 * number lists for `blackList`, the mail server for `sendEmail`, where
 * `sendEvent` posts. Composed into each domain of the configuration file.
 */
export const blackListsSettings = z
  .record(z.string().min(1), z.array(z.string().min(1, 'expected a number')))
  .optional()
  .describe('number lists by name, for the blackList application');

export const emailSettings = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(587),
    /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
    secure: z.boolean().default(false),
    username: z.string().optional(),
    password: z.string().optional(),
    /** The From address when the schema gives none. */
    from: z.string().min(3),
    /** Give up on the server after this many milliseconds. */
    timeoutMs: z.number().int().min(100).default(10_000),
  })
  .strict()
  .optional();

export const eventSettings = z
  .object({
    /** Every `sendEvent` of the domain is POSTed here as JSON. */
    webhook: z.string().url(),
    headers: z.record(z.string(), z.string()).default({}),
    timeoutMs: z.number().int().min(100).default(5_000),
  })
  .strict()
  .optional();

export interface DomainAppSettings {
  blackLists?: Record<string, string[]>;
  email?: z.infer<typeof emailSettings>;
  events?: z.infer<typeof eventSettings>;
}

export const NO_APP_SETTINGS: DomainAppSettings = Object.freeze({});

/** The part of each domain's configuration these settings take. */
export const appsDomainShape = {
  /** Number lists for the blackList application, by name. */
  blackLists: blackListsSettings,
  /** The SMTP server sendEmail uses. */
  email: emailSettings,
  /** Where sendEvent posts. */
  events: eventSettings,
};
