import { z } from 'zod';
import { CallEndedError } from '../call/call.js';
import type { AppSpec } from '../engine/app.js';

/** A longer delay is no echo any more; the delay line holds this much of the caller's audio. */
const MAX_DELAY_MS = 10_000;

/**
 * `echo`: the caller hears itself until it hangs up (FreeSWITCH `echo`);
 * milliseconds (`"500"`) delay what it hears, as the original's `delay_echo`.
 */
export const echoApp: AppSpec<number> = {
  name: 'echo',
  usesMedia: true,
  args: z
    .union([
      z.number(),
      z.string().trim().regex(/^\d*$/, 'expected "" or a delay in whole milliseconds'),
      // ACR ran plain echo for any other argument (`{}`, `true`, `null`).
      z.union([z.boolean(), z.null(), z.record(z.string(), z.unknown())]).transform(() => 0),
    ])
    .transform((value) => Number(value || 0))
    .pipe(z.number().int().max(MAX_DELAY_MS)),
  async run(ctx, delayMs) {
    try {
      await ctx.call.echo(delayMs);
    } catch (error) {
      if (!(error instanceof CallEndedError) && !ctx.call.signal.aborted) throw error;
    }
    return { result: delayMs > 0 ? `echoed ${delayMs} ms later until the call ended` : 'echoed until the call ended' };
  },
};
