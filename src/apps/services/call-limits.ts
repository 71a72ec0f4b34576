/**
 * Concurrent-call counters per domain and name, for the `limit` application
 * and `&limit()`: a call holds its place until it ends.
 */
export class CallLimits {
  readonly #counts = new Map<string, number>();
  /** The counters each live call holds, so running `limit` twice on one name counts the call once. */
  readonly #held = new WeakMap<AbortSignal, Set<string>>();

  usage(domain: string, name: string): number {
    return this.#counts.get(key(domain, name)) ?? 0;
  }

  /**
   * Takes a place on the counter unless it is already at `max`; the place is
   * given back when `signal` aborts (the call ended). Returns the usage after.
   */
  acquire(domain: string, name: string, max: number | undefined, signal: AbortSignal): { admitted: boolean; usage: number } {
    const counter = key(domain, name);
    const usage = this.#counts.get(counter) ?? 0;
    let held = this.#held.get(signal);
    if (held?.has(counter)) return { admitted: true, usage };
    if ((max !== undefined && usage >= max) || signal.aborted) return { admitted: false, usage };
    this.#counts.set(counter, usage + 1);
    if (!held) this.#held.set(signal, (held = new Set()));
    held.add(counter);
    signal.addEventListener('abort', () => this.#release(counter), { once: true });
    return { admitted: true, usage: usage + 1 };
  }

  #release(counter: string): void {
    const usage = (this.#counts.get(counter) ?? 1) - 1;
    if (usage <= 0) this.#counts.delete(counter);
    else this.#counts.set(counter, usage);
  }
}

function key(domain: string, name: string): string {
  return `${domain}\u0000${name}`;
}
