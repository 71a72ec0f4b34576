/**
 * The longest a call may last, from its INVITE to its end, whatever its
 * legs do: the last resort against calls that nothing else would end (a
 * peer that refreshes its session forever, a stuck schema). Ended with
 * ALLOTTED_TIMEOUT, as FreeSWITCH ends a call whose time limit ran out.
 */
import type { Call } from '../../call/call.js';
import type { Clock } from '../../clock.js';
import type { StopSignal } from './call-ending.js';

export function limitCallDuration(
  call: Pick<Call, 'hangup'> & { uuid: string },
  ending: StopSignal,
  maxMs: number,
  clock: Pick<Clock, 'setTimer'>,
  log: (uuid: string) => void,
): void {
  if (ending.aborted) return;
  const cancel = clock.setTimer(maxMs, () => {
    log(call.uuid);
    void call.hangup('ALLOTTED_TIMEOUT');
  });
  ending.addEventListener('abort', cancel, { once: true });
}

/**
 * The same limit for every call of a table of calls in progress (the
 * B2BUA's, oldest first, each with when it started; an ended call leaves
 * it), on one timer: calls expire in the order they started, so only the
 * oldest one's end is timed, and a call in progress costs no timer of its own.
 */
export class OldestFirstDurationLimit {
  readonly #calls: ReadonlyMap<Pick<Call, 'hangup'> & { uuid: string }, number>;
  readonly #maxMs: number;
  readonly #clock: Pick<Clock, 'now' | 'setTimer'>;
  readonly #log: (uuid: string) => void;
  #timed = false;

  constructor(calls: ReadonlyMap<Pick<Call, 'hangup'> & { uuid: string }, number>, maxMs: number, clock: Pick<Clock, 'now' | 'setTimer'>, log: (uuid: string) => void) {
    this.#calls = calls;
    this.#maxMs = maxMs;
    this.#clock = clock;
    this.#log = log;
  }

  /** A call was added to the table: its end is timed once the calls before it are gone. */
  watch(): void {
    if (this.#timed) return;
    const now = this.#clock.now().getTime();
    // Calls already past the limit were ended when it was reached; one that outlives its hangup is not timed again.
    for (const started of this.#calls.values()) {
      if (started + this.#maxMs <= now) continue;
      this.#timed = true;
      this.#clock.setTimer(started + this.#maxMs - now, () => this.#expire());
      return;
    }
  }

  #expire(): void {
    this.#timed = false;
    const now = this.#clock.now().getTime();
    for (const [call, started] of [...this.#calls]) {
      if (started + this.#maxMs > now) break;
      this.#log(call.uuid);
      void call.hangup('ALLOTTED_TIMEOUT');
    }
    this.watch();
  }
}
