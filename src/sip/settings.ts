import { z } from 'zod';
import { listenSetting, uniqueBy } from '../settings.js';
import { DIGEST_ALGORITHMS } from './auth/digest.js';
import { DEFAULT_TIMER_SETTINGS } from './transaction/timers.js';

export const gatewaySettings = z
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

export type GatewaySettings = z.infer<typeof gatewaySettings>;

/** What of a domain's settings the SIP server owns; `config/` adds the other layers' fields. */
export const sipDomainShape = {
  gateways: z.array(gatewaySettings).default([]).superRefine(uniqueBy('name', 'gateway')),
};

/** The gateways of every domain, as the SIP server reads them. */
export type GatewayDomains = readonly { name: string; gateways: readonly GatewaySettings[] }[];

const failureLimits = (defaults: { maxFailures: number; windowSeconds: number; blockSeconds: number }) =>
  z
    .object({
      maxFailures: z.number().int().min(1).default(defaults.maxFailures),
      windowSeconds: z.number().int().min(1).default(defaults.windowSeconds),
      blockSeconds: z.number().int().min(1).default(defaults.blockSeconds),
    })
    .strict()
    .default({});

export const sipSettings = z
  .object({
    listen: listenSetting(5060),
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
  .default({});

export type SipSettings = z.infer<typeof sipSettings>;
