/**
 * The one source of "now" for everything that does date math, so tests and
 * traces can fix time. A simulated clock also makes waiting instantaneous.
 */
export interface Clock {
  now(): Date;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason if aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * Calls `callback` after `ms` of this clock's time and returns what cancels
   * it. It does not keep the process alive: a call's timers die with the router.
   */
  setTimer(ms: number, callback: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
  setTimer: (ms, callback) => {
    const timer = setTimeout(callback, ms).unref();
    return () => clearTimeout(timer);
  },
};

/**
 * Simulated time: starts at a fixed instant and only moves when something
 * sleeps or advances it; timers due by then fire in their order, each seeing
 * the clock at its own due time.
 */
export class SimulatedClock implements Clock {
  #nowMs: number;
  #timers: { dueMs: number; callback: () => void }[] = [];

  constructor(start: Date) {
    this.#nowMs = start.getTime();
  }

  now(): Date {
    return new Date(this.#nowMs);
  }

  advance(ms: number): void {
    const until = this.#nowMs + Math.max(0, ms);
    for (let next = this.#nextDue(until); next; next = this.#nextDue(until)) {
      this.#timers.splice(this.#timers.indexOf(next), 1);
      this.#nowMs = Math.max(this.#nowMs, next.dueMs);
      next.callback();
    }
    this.#nowMs = until;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.advance(ms);
  }

  setTimer(ms: number, callback: () => void): () => void {
    const timer = { dueMs: this.#nowMs + Math.max(0, ms), callback };
    this.#timers.push(timer);
    return () => {
      const index = this.#timers.indexOf(timer);
      if (index >= 0) this.#timers.splice(index, 1);
    };
  }

  /** Timers waiting, for tests that advance the clock once the call is waiting on one. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  #nextDue(until: number): { dueMs: number; callback: () => void } | undefined {
    let next: { dueMs: number; callback: () => void } | undefined;
    for (const timer of this.#timers) if (timer.dueMs <= until && (!next || timer.dueMs < next.dueMs)) next = timer;
    return next;
  }
}
