/**
 * Admission of new calls under overload. Past its capacity a router that
 * takes every INVITE queues them all on its one JavaScript thread: setup
 * times pass T1, callers retransmit, every call gets slower and the rate of
 * completed calls collapses. Refusing the excess at the edge — a stateless
 * 503 with Retry-After before any transaction, routing or CDR lookup, which
 * costs a parse and one datagram — keeps the calls it does take fast, so
 * completed calls/s stays at the maximum.
 *
 * The signal is the event loop's lag — how late a timer fires — while the
 * loop is busy. A busy loop makes the lag grow. A late timer alone does not
 * count: on a machine short of CPU for other reasons the process may wait
 * for the CPU while its loop is idle, and refusing calls then would help
 * nobody. So the lag counts only when the loop was busy (event loop
 * utilisation ≥ 0.9) in the last two samples, and as the lesser of their two
 * delays, so one pause of the process is not an overload.
 *
 * Backlogs count too, each with its own limit: the UDP receive queue (what
 * the kernel holds that the loop has not read yet — under overload the real
 * queue, which the loop's lag does not show), and work a call waits for on
 * other threads, such as the CDR lookups of the calls' schemas. When a
 * backlog's oldest item has waited its limit, the calls already taken will be
 * late (retransmitted, or past their lookup's deadline); a new call would only
 * make the queue longer.
 */

import { performance } from 'node:perf_hooks';
import { loopWasBusy } from '../../event-loop-busy.js';

/** Where the lag comes from; tests inject their own. */
export interface LagSource {
  /** The event loop's current lag in ms, 0 when it is not busy. */
  lagMs(): number;
  stop(): void;
}

const SAMPLE_INTERVAL_MS = 20;

interface Sample {
  lagMs: number;
  busy: boolean;
}

/** A timer re-armed every SAMPLE_INTERVAL_MS: how late it fired, and whether the loop was busy meanwhile. */
export class EventLoopLag implements LagSource {
  #previous: Sample = { lagMs: 0, busy: false };
  #latest: Sample = { lagMs: 0, busy: false };
  #utilization = performance.eventLoopUtilization();
  #timer: NodeJS.Timeout | undefined;

  constructor() {
    this.#arm();
  }

  lagMs(): number {
    return this.#previous.busy && this.#latest.busy ? Math.min(this.#previous.lagMs, this.#latest.lagMs) : 0;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    const expected = performance.now() + SAMPLE_INTERVAL_MS;
    this.#timer = setTimeout(() => {
      const utilization = performance.eventLoopUtilization();
      this.#previous = this.#latest;
      this.#latest = {
        lagMs: Math.max(0, performance.now() - expected),
        busy: loopWasBusy(this.#utilization, utilization),
      };
      this.#utilization = utilization;
      this.#arm();
    }, SAMPLE_INTERVAL_MS);
    this.#timer.unref();
  }
}

/** Work that new calls would queue behind, on another thread. */
export interface Backlog {
  /** For the log: what waits (e.g. "CDR lookups"). */
  name: string;
  /** How long its oldest waiting item has waited (ms); 0 when nothing waits. */
  oldestWaitMs(): number;
}

export interface CallAdmissionOptions {
  /** New INVITEs are refused while the lag is at least this (ms); 0: the lag does not count. */
  maxEventLoopLagMs: number;
  lag: LagSource;
  /** New INVITEs are refused while one of these has waited at least its `maxWaitMs`. */
  backlogs?: readonly { backlog: Backlog; maxWaitMs: number }[];
}

export class CallAdmission {
  readonly #options: CallAdmissionOptions;

  constructor(options: CallAdmissionOptions) {
    this.#options = options;
  }

  /** Whether a new call may start now. */
  admits(): boolean {
    return this.refusal() === undefined;
  }

  /** Why a new call may not start now (for the log), or undefined when it may. */
  refusal(): { reason: string; waitMs: number } | undefined {
    const { maxEventLoopLagMs, backlogs = [] } = this.#options;
    const lagMs = maxEventLoopLagMs > 0 ? this.#options.lag.lagMs() : 0;
    if (maxEventLoopLagMs > 0 && lagMs >= maxEventLoopLagMs) return { reason: 'event loop lagging', waitMs: lagMs };
    for (const { backlog, maxWaitMs } of backlogs) {
      const waitMs = backlog.oldestWaitMs();
      if (waitMs >= maxWaitMs) return { reason: `${backlog.name} waiting`, waitMs };
    }
    return undefined;
  }

  stop(): void {
    this.#options.lag.stop();
  }
}
