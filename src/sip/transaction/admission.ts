/**
 * Admission of new calls under overload. Past its capacity a router that
 * takes every INVITE queues them all on its one JavaScript thread: setup
 * times pass T1, callers retransmit, every call gets slower and the rate of
 * completed calls collapses. Refusing the excess at the edge — a stateless
 * 503 with Retry-After before any transaction, routing or CDR lookup, which
 * costs a parse and one datagram — keeps the calls it does take fast, so
 * completed calls/s stays at the maximum.
 *
 * The signal is the event loop's lag: how late a timer fires. A busy loop
 * makes it grow; one late timer (the machine paused us) does not, since the
 * lag counts only when the last two samples both saw it.
 */

/** Where the lag comes from; tests inject their own. */
export interface LagSource {
  /** The event loop's current lag in ms. */
  lagMs(): number;
  stop(): void;
}

const SAMPLE_INTERVAL_MS = 20;

/** The lag of a timer re-armed every SAMPLE_INTERVAL_MS: the lesser of its last two delays. */
export class EventLoopLag implements LagSource {
  #previous = 0;
  #latest = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor() {
    this.#arm();
  }

  lagMs(): number {
    return Math.min(this.#previous, this.#latest);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    const expected = performance.now() + SAMPLE_INTERVAL_MS;
    this.#timer = setTimeout(() => {
      this.#previous = this.#latest;
      this.#latest = Math.max(0, performance.now() - expected);
      this.#arm();
    }, SAMPLE_INTERVAL_MS);
    this.#timer.unref();
  }
}

export interface CallAdmissionOptions {
  /** New INVITEs are refused while the lag is at least this (ms); 0 admits every INVITE. */
  maxEventLoopLagMs: number;
  lag: LagSource;
}

export class CallAdmission {
  readonly #options: CallAdmissionOptions;

  constructor(options: CallAdmissionOptions) {
    this.#options = options;
  }

  /** Whether a new call may start now. */
  admits(): boolean {
    return this.#options.maxEventLoopLagMs <= 0 || this.#options.lag.lagMs() < this.#options.maxEventLoopLagMs;
  }

  /** The lag that decided, for the log. */
  get lagMs(): number {
    return this.#options.lag.lagMs();
  }

  stop(): void {
    this.#options.lag.stop();
  }
}
