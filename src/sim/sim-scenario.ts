import { z } from 'zod';
import { isPhoneCountry } from '../directory/phone-number.js';

/** How a simulated bridge target behaves when rung. Times are simulated seconds. */
export const simTargetOutcome = z
  .object({
    result: z.enum(['answer', 'no-answer', 'busy', 'not-registered', 'reject', 'fail']),
    /** Seconds of ringing before the result (answer: 3, busy/reject/fail: 1, not-registered: 0). */
    after: z.number().min(0).optional(),
    /** answer: seconds the conversation lasts before the callee hangs up (default 60). */
    talk: z.number().min(0).optional(),
    /** answer: after `talk` seconds the callee transfers the caller (blind, as a phone's transfer key: SIP REFER) to this number of the call's domain instead of hanging up. */
    transfer: z.string().regex(/^[^\s@:]+$/, 'expected a number of the call\'s domain such as 103').optional(),
  })
  .strict();

export type SimTargetOutcome = z.infer<typeof simTargetOutcome>;

const accountState = z.enum(['nonreg', 'onhook', 'ringing', 'isbusy', 'dnd']);

/** A scripted call for `callrouter trace --scenario`: who calls, what phones do, what the caller presses. */
export const simScenario = z
  .object({
    /** "now" at the start of the call, ISO-8601. */
    now: z.string().datetime({ offset: true }).optional(),
    /** Channel variables of the call: caller_id_number, destination_number, domain_name, ... */
    variables: z.record(z.string(), z.string()).default({}),
    /** Phone state per user id of the call's domain, for `userData … account_state`. */
    phones: z.record(z.string(), accountState).default({}),
    /** Phones whose state changes during the call: `after` seconds from its start, `user`'s phone is in `state`. */
    phoneChanges: z
      .array(z.object({ after: z.number().min(0), user: z.string().min(1), state: accountState }).strict())
      .default([]),
    /** Outcome per bridge target, keyed `user/101`, `gateway/carrier`, `sipUri/…`. */
    targets: z.record(z.string(), simTargetOutcome).default({}),
    /** Digit strings the caller presses, one per digit collection. */
    dtmf: z.array(z.string().regex(/^[0-9*#A-D]*$/, 'expected DTMF digits 0-9 * # A-D')).default([]),
    /** The domain's country (`trace` without --config), so nationally written numbers are read as E.164. */
    country: z.string().refine(isPhoneCountry, { message: 'expected an ISO 3166-1 alpha-2 country code such as UA' }).optional(),
    /** The caller hangs up this many seconds after the call starts. */
    callerHangsUpAfter: z.number().min(0).optional(),
  })
  .strict();

export type SimScenario = z.infer<typeof simScenario>;
