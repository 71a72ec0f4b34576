import { z } from 'zod';
import { CallEndedError } from '../call/call.js';
import type { AppSpec } from '../engine/app.js';

/**
 * `echo`: the caller hears itself until it hangs up (FreeSWITCH `echo`). The
 * original turned a delay in milliseconds into `delay_echo`; here the echo
 * has no added delay, and the trace says so.
 */
export const echoApp: AppSpec<string> = {
  name: 'echo',
  usesMedia: true,
  args: z.union([z.string(), z.number()]).transform((value) => String(value).trim()),
  async run(ctx, delay) {
    if (delay !== '' && delay !== '0') ctx.log(`echo without the ${delay} ms delay: delayed echo is not supported`);
    try {
      await ctx.call.echo();
    } catch (error) {
      if (!(error instanceof CallEndedError) && !ctx.call.signal.aborted) throw error;
    }
    return { result: 'echoed until the call ended' };
  },
};
