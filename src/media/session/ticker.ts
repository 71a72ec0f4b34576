/**
 * The media clock: one 20 ms slot after another, scheduled from a monotonic
 * clock (performance.now), so timer lateness never accumulates into drift.
 * When the thread was busy past a slot, the next tick reports the missed
 * slots so senders skip them (advance their timestamps and prompts) instead
 * of sending a burst. A thread busy with packets runs its timers only
 * between batches of socket events (a batch of thousands takes
 * milliseconds): each session calls `catchUp` first on every packet, so a due
 * slot waits for one packet, not for the batch.
 */
import { performance } from 'node:perf_hooks';
import { PTIME_MS } from '../codec.js';

export type TickListener = (missedSlots: number) => void;

/**
 * Upper bounds (ms) of the buckets the time between ticks is counted in: fine
 * around the 20 ms slot, where a media clock should be, coarse beyond. The
 * counts, one more than the bounds (the last is everything above), are what
 * /metrics and bench:media read.
 */
export const SLOT_INTERVAL_BOUNDS_MS: readonly number[] = [
  ...Array.from({ length: 20 }, (_, index) => 20.5 + index * 0.5),
  35, 40, 50, 60, 80, 100,
];

export class Ticker {
  constructor(
    private readonly onListenerError: (error: unknown) => void = () => undefined,
    /** The monotonic clock, in ms; a test's own makes "the thread was busy for 25 ms" exact on a loaded machine. */
    private readonly now: () => number = () => performance.now(),
  ) {}

  readonly #listeners = new Set<TickListener>();
  #origin = 0;
  #slot = 0;
  #timer: NodeJS.Timeout | undefined;
  /** When the next slot is due (on `now`'s clock); Infinity while stopped. */
  #dueAt = Infinity;
  #lastTickAt: number | undefined;
  /** How many times the time between consecutive ticks fell in each bucket of SLOT_INTERVAL_BOUNDS_MS, since start. */
  readonly intervalCounts: number[] = new Array<number>(SLOT_INTERVAL_BOUNDS_MS.length + 1).fill(0);

  add(listener: TickListener): void {
    this.#listeners.add(listener);
    if (this.#listeners.size === 1) this.#start();
  }

  delete(listener: TickListener): void {
    this.#listeners.delete(listener);
    if (this.#listeners.size === 0) this.#stop();
  }

  #start(): void {
    this.#origin = this.now();
    this.#slot = 0;
    this.#lastTickAt = undefined;
    this.#schedule();
  }

  /** Runs the slot now if it is due: called for every packet a socket of the thread receives. */
  readonly catchUp = (): void => {
    if (this.now() < this.#dueAt) return;
    clearTimeout(this.#timer);
    this.#tick();
  };

  #stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#dueAt = Infinity;
  }

  #schedule(): void {
    this.#dueAt = this.#origin + (this.#slot + 1) * PTIME_MS;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, this.#dueAt - this.now()));
  }

  #tick(): void {
    const now = this.now();
    const current = Math.floor((now - this.#origin) / PTIME_MS);
    const missed = Math.max(0, current - this.#slot - 1);
    this.#slot = Math.max(current, this.#slot + 1);
    if (this.#lastTickAt !== undefined) this.#count(now - this.#lastTickAt);
    this.#lastTickAt = now;
    for (const listener of this.#listeners) {
      // One session's failure must not stop the clock for every other call.
      try {
        listener(missed);
      } catch (error) {
        this.onListenerError(error);
      }
    }
    if (this.#listeners.size > 0) this.#schedule();
    else this.#dueAt = Infinity;
  }

  #count(intervalMs: number): void {
    let bucket = 0;
    while (bucket < SLOT_INTERVAL_BOUNDS_MS.length && intervalMs > SLOT_INTERVAL_BOUNDS_MS[bucket]) bucket++;
    this.intervalCounts[bucket] += 1;
  }
}
