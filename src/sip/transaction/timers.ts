/**
 * The transaction timers of RFC 3261 §17 (Table 4 in Appendix A) and RFC 6026
 * (L, M). Every timer has its RFC letter as its name so a state machine reads
 * like the figures in §17. Retransmission timers (A, E, G) run on unreliable
 * transports only; the wait-for-stray-retransmissions timers (D, I, J, K) are
 * zero on reliable ones, because a reliable transport never duplicates.
 */

export interface TimerSettings {
  /** RTT estimate; the initial retransmission interval. */
  t1: number;
  /** The cap on the retransmission interval of non-INVITE requests and INVITE responses. */
  t2: number;
  /** How long a message may stay in the network. */
  t4: number;
}

export const DEFAULT_TIMER_SETTINGS: Readonly<TimerSettings> = { t1: 500, t2: 4000, t4: 5000 };

export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M';

/** 64*T1: the lifetime bound shared by Timers B, F, H, J (UDP), L and M. */
export function transactionTimeout(settings: TimerSettings): number {
  return 64 * settings.t1;
}

/** Timer D: at least 32 s on UDP so every retransmitted non-2xx final response is still ACKed. */
export function timerD(settings: TimerSettings, reliable: boolean): number {
  return reliable ? 0 : Math.max(32_000, transactionTimeout(settings));
}

/** Timer I (INVITE server) and Timer K (non-INVITE client) wait T4 for stray retransmissions. */
export function waitForStrays(settings: TimerSettings, reliable: boolean): number {
  return reliable ? 0 : settings.t4;
}

/** Timer J: a non-INVITE server absorbs request retransmissions for 64*T1. */
export function timerJ(settings: TimerSettings, reliable: boolean): number {
  return reliable ? 0 : transactionTimeout(settings);
}

/** The next interval of a doubling retransmission timer, capped at T2 where the RFC caps it (E, G). */
export function backOff(interval: number, settings: TimerSettings): number {
  return Math.min(2 * interval, settings.t2);
}

/**
 * The running timers of one transaction, by name. Starting a timer that is
 * running restarts it.
 *
 * These are the retransmission timers and the timeouts they run beside (A
 * and B, E and F, G and H), at most two at once, so two slots rather than a
 * Map. The last timer of each state machine (D, I, J, K, L, M) does not run
 * here: the transaction waits it out in its layer's queue
 * (`Transaction.terminateAfter`).
 */
export class TransactionTimers {
  #firstName: TimerName | undefined;
  #first: NodeJS.Timeout | undefined;
  #secondName: TimerName | undefined;
  #second: NodeJS.Timeout | undefined;
  #closed = false;

  /** Does nothing once closed, so a callback racing termination cannot revive a timer. */
  start(name: TimerName, ms: number, onFire: () => void): void {
    if (this.#closed) return;
    this.stop(name);
    const handle = setTimeout(() => {
      this.#forget(name);
      onFire();
    }, ms);
    handle.unref?.();
    if (this.#firstName === undefined) {
      this.#firstName = name;
      this.#first = handle;
    } else if (this.#secondName === undefined) {
      this.#secondName = name;
      this.#second = handle;
    } else {
      clearTimeout(handle);
      throw new Error(`timer ${name} started while ${this.#firstName} and ${this.#secondName} run: a transaction runs two at most`);
    }
  }

  stop(name: TimerName): void {
    if (this.#firstName === name) clearTimeout(this.#first);
    else if (this.#secondName === name) clearTimeout(this.#second);
    else return;
    this.#forget(name);
  }

  /** Stops every timer for good: the transaction has terminated. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#first);
    clearTimeout(this.#second);
    this.#firstName = this.#secondName = this.#first = this.#second = undefined;
  }

  isRunning(name: TimerName): boolean {
    return this.#firstName === name || this.#secondName === name;
  }

  #forget(name: TimerName): void {
    if (this.#firstName === name) this.#firstName = this.#first = undefined;
    else if (this.#secondName === name) this.#secondName = this.#second = undefined;
  }
}
