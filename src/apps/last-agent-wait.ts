/**
 * Strict mode's wait for a busy agent: until their phone is in an available
 * state, the deadline passes or the caller hangs up. Woken at once by the
 * directory's phone-state changes; also looks every second on the call's
 * clock, which is how a simulated clock (trace) moves time forward and
 * reaches the scenario's phone changes.
 */
import type { AppContext } from '../engine/app.js';

const LOOK_EVERY_MS = 1_000;

/** Resolves with the time waited (ms) once `available()` holds, the deadline (clock ms) passes, or the call ends. */
export async function waitUntilAvailable(ctx: AppContext, agent: string, available: () => boolean, deadline: number): Promise<number> {
  const started = ctx.clock.now().getTime();
  let wake: () => void = () => undefined;
  const stopListening = ctx.services.directory.phoneState.onChange((domain, userId) => {
    if (domain === ctx.domainName && userId === agent) wake();
  });
  try {
    for (;;) {
      const left = deadline - ctx.clock.now().getTime();
      if (available() || left <= 0 || ctx.call.state === 'ended') break;
      const changed = new Promise<void>((resolve) => {
        wake = resolve;
      });
      // A hung-up call aborts the sleep; the state check above then ends the wait.
      const slept = ctx.clock.sleep(Math.min(LOOK_EVERY_MS, left), ctx.call.signal).catch(() => undefined);
      await Promise.race([changed, slept]);
    }
  } finally {
    stopListening();
  }
  return ctx.clock.now().getTime() - started;
}
