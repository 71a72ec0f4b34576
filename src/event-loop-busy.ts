/**
 * Whether the event loop was busy over a span: at least BUSY_UTILIZATION of it
 * spent running rather than waiting for I/O. Overload signals count a delay
 * only then — a process waiting to be scheduled on a machine short of CPU has
 * an idle loop, and refusing calls would not help it.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

const BUSY_UTILIZATION = 0.9;

/** What a measurement of the loop reads; tests give their own, so load on the machine cannot change what they see. */
export interface LoopMeter {
  /** Milliseconds, monotonic. */
  now(): number;
  /** A reading to pass to `wasBusySince` later. */
  mark(): EventLoopUtilization;
  wasBusySince(mark: EventLoopUtilization): boolean;
}

export const eventLoop: LoopMeter = {
  now: () => performance.now(),
  mark: () => performance.eventLoopUtilization(),
  wasBusySince: (mark) => loopWasBusy(mark),
};

/** `since` and `until` are `performance.eventLoopUtilization()` readings; `until` defaults to now. */
export function loopWasBusy(since: EventLoopUtilization, until: EventLoopUtilization = performance.eventLoopUtilization()): boolean {
  return performance.eventLoopUtilization(until, since).utilization >= BUSY_UTILIZATION;
}
