/**
 * `sip.sessionTimers` in the configuration: RFC 4028 session timers on
 * every call leg (see session-timer.ts), so a call whose phone vanished
 * without a BYE ends within one interval.
 */
import { z } from 'zod';
import type { SessionTimerSettings } from './session-timer.js';

export const sessionTimerSettings = z
  .object({
    enabled: z.boolean().default(true),
    /** The interval asked for and offered; phones refresh (or are refreshed) at half of it. */
    sessionExpiresSeconds: z.number().int().min(1).default(1800),
    /** The shortest interval accepted from a peer; RFC 4028 §5 sets 90 as the floor for real deployments. */
    minSESeconds: z.number().int().min(1).default(90),
  })
  .strict()
  .refine((timers) => timers.minSESeconds <= timers.sessionExpiresSeconds, { path: ['sessionExpiresSeconds'], message: 'expected sessionExpiresSeconds at least minSESeconds' })
  .default({});

export type SessionTimerConfig = z.infer<typeof sessionTimerSettings>;

export function sessionTimers(config: SessionTimerConfig): SessionTimerSettings | undefined {
  return config.enabled ? { sessionExpires: config.sessionExpiresSeconds, minSE: config.minSESeconds } : undefined;
}
