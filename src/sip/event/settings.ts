/**
 * `sip.subscriptions` in the configuration: how long a phone's BLF and MWI
 * subscriptions (RFC 6665) may last, and how many the router holds, so a
 * flood of SUBSCRIBEs costs bounded memory.
 */
import { z } from 'zod';

export const subscriptionSettings = z
  .object({
    /** A SUBSCRIBE asking for less (but not 0) gets 423 Interval Too Brief with Min-Expires. */
    minExpiresSeconds: z.number().int().min(1).default(60),
    /** Longer requests are granted this much; phones refresh before it ends. */
    maxExpiresSeconds: z.number().int().min(1).default(3600),
    /** Granted to a SUBSCRIBE without Expires: RFC 4235, 3842 and 3856 all say an hour. */
    defaultExpiresSeconds: z.number().int().min(1).default(3600),
    /** Live subscriptions of all users together; past it new ones get 503 with Retry-After. */
    maxSubscriptions: z.number().int().min(1).default(20_000),
    /** Live subscriptions one user's phones may hold: a sidecar of 100 BLF keys fits many times. */
    maxPerUser: z.number().int().min(1).default(500),
  })
  .strict()
  .refine((limits) => limits.minExpiresSeconds <= limits.maxExpiresSeconds, { path: ['maxExpiresSeconds'], message: 'expected maxExpiresSeconds at least minExpiresSeconds' })
  .refine((limits) => limits.defaultExpiresSeconds <= limits.maxExpiresSeconds, { path: ['defaultExpiresSeconds'], message: 'expected defaultExpiresSeconds at most maxExpiresSeconds' })
  .default({});

export type SubscriptionSettings = z.infer<typeof subscriptionSettings>;
