/**
 * Counts authentication failures per key (a source address, a user at a
 * source) in a fixed window; a key that reaches the limit is blocked for a
 * back-off period, during which its attempts are refused without checking
 * anything. That caps password guessing at `maxFailures` per window per key,
 * however fast the guesses arrive.
 *
 * Entries leave the table by age only — a count when its window is over, a
 * block when it runs out — so nobody can flush a block by failing from many
 * other addresses. The table is bounded all the same: guesses cost a digest
 * check each, so the CPU caps how many windows can be open at once; should
 * the table still fill up, a failure that cannot be counted is refused as if
 * its key were blocked (fail closed) rather than forgotten.
 */
export interface FailureLimits {
  maxFailures: number;
  windowMs: number;
  blockMs: number;
}

/** A block in force until `until` (epoch ms). */
export interface Block {
  key: string;
  until: number;
}

/** Where blocks outlive the process (see sqlite-blocks.ts), so a restart does not lift them. */
export interface BlockStore {
  /** Blocks still in force at `now`. */
  active(now: number): Block[];
  save(block: Block): void;
  /** Forgets blocks that ran out before `now`. */
  prune(now: number): void;
}

interface KeyState {
  windowStart: number;
  failures: number;
  blockedUntil: number;
}

/** 24 bytes of key and ~100 of entry: about 15 MB at most. */
export const DEFAULT_MAX_KEYS = 100_000;

export class FailureLimiter {
  readonly #keys = new Map<string, KeyState>();
  readonly #store: BlockStore | undefined;
  readonly #maxKeys: number;
  #nextSweep = 0;

  constructor(
    readonly limits: FailureLimits,
    options: { store?: BlockStore; maxKeys?: number; now?: number } = {},
  ) {
    this.#store = options.store;
    this.#maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    const now = options.now ?? Date.now();
    for (const block of this.#store?.active(now) ?? []) this.#keys.set(block.key, { windowStart: now, failures: 0, blockedUntil: block.until });
  }

  get size(): number {
    return this.#keys.size;
  }

  /** Keys blocked at `now` (for metrics: a walk over the table, fine at scrape time). */
  activeBlocks(now = Date.now()): number {
    let count = 0;
    for (const state of this.#keys.values()) if (now < state.blockedUntil) count++;
    return count;
  }

  isBlocked(key: string, now = Date.now()): boolean {
    const state = this.#keys.get(key);
    return state !== undefined && now < state.blockedUntil;
  }

  /** Counts one failure; true when the key is blocked from now on (this failure started a block, or could not be counted). */
  recordFailure(key: string, now = Date.now()): boolean {
    this.#sweepIfDue(now);
    let state = this.#keys.get(key);
    if (!state) {
      if (this.#keys.size >= this.#maxKeys) return true;
      state = { windowStart: now, failures: 0, blockedUntil: 0 };
      this.#keys.set(key, state);
    } else if (now - state.windowStart >= this.limits.windowMs) {
      state.windowStart = now;
      state.failures = 0;
    }
    state.failures++;
    if (state.failures < this.limits.maxFailures || now < state.blockedUntil) return false;
    state.blockedUntil = now + this.limits.blockMs;
    this.#store?.save({ key, until: state.blockedUntil });
    return true;
  }

  /** A success clears the key's count (a user who mistyped once is not punished later), never its block. */
  recordSuccess(key: string, now = Date.now()): void {
    const state = this.#keys.get(key);
    if (state && now >= state.blockedUntil) this.#keys.delete(key);
  }

  /** Drops counts whose window is over and blocks that ran out: age, never pressure, empties the table. */
  #sweepIfDue(now: number): void {
    if (now < this.#nextSweep) return;
    this.#nextSweep = now + Math.min(this.limits.windowMs, this.limits.blockMs);
    for (const [key, state] of this.#keys) {
      if (now - state.windowStart >= this.limits.windowMs && now >= state.blockedUntil) this.#keys.delete(key);
    }
    this.#store?.prune(now);
  }
}
