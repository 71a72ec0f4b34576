/**
 * `sip.auth` in the configuration: digest algorithms, nonce lifetime and the
 * brakes on password guessing (see authenticator.ts for who gets blocked).
 */
import { z } from 'zod';
import { DIGEST_ALGORITHMS } from './digest.js';
import type { FailureLimits } from './failure-limiter.js';

const failureLimitFields = (defaults: { maxFailures: number; windowSeconds: number; blockSeconds: number }) =>
  z
    .object({
      maxFailures: z.number().int().min(1).default(defaults.maxFailures),
      windowSeconds: z.number().int().min(1).default(defaults.windowSeconds),
      blockSeconds: z.number().int().min(1).default(defaults.blockSeconds),
    })
    .strict();

export const authSettings = z
  .object({
    /** Strongest first (RFC 8760). */
    algorithms: z.array(z.enum(DIGEST_ALGORITHMS)).min(1).default(['SHA-256', 'MD5']),
    /**
     * `single`: one challenge, with the algorithm the phone answered before (MD5 when unknown and offered):
     * many phones give up on a 401 with several. `each-algorithm`: one challenge per algorithm, in order.
     */
    challenge: z.enum(['single', 'each-algorithm']).default('single'),
    nonceLifetimeSeconds: z.number().int().min(1).default(300),
    /** Wrong passwords from one address, whichever users they name; then that address gets 403 for a while. */
    perSource: failureLimitFields({ maxFailures: 20, windowSeconds: 60, blockSeconds: 900 }).default({}),
    /** Wrong passwords for one user from one address; then that user is refused at that address only. */
    perUserAtSource: failureLimitFields({ maxFailures: 10, windowSeconds: 60, blockSeconds: 900 }).default({}),
    /**
     * Opt-in: wrong passwords for one user from anywhere (a guesser with many addresses); the user is then refused
     * at every address it has not authenticated from since the router started.
     */
    perUser: failureLimitFields({ maxFailures: 50, windowSeconds: 60, blockSeconds: 900 }).optional(),
  })
  .strict()
  .default({});

export type AuthSettings = z.infer<typeof authSettings>;

export function failureLimits(limits: { maxFailures: number; windowSeconds: number; blockSeconds: number }): FailureLimits {
  return { maxFailures: limits.maxFailures, windowMs: limits.windowSeconds * 1000, blockMs: limits.blockSeconds * 1000 };
}
