/**
 * Counts authentication failures per key (a source address, a user) in a
 * fixed window; a key that reaches the limit is blocked for a back-off
 * period, during which its attempts are refused without checking anything.
 * That caps password guessing at `maxFailures` per window per source and per
 * user, however fast the guesses arrive.
 */
export interface FailureLimits {
  maxFailures: number;
  windowMs: number;
  blockMs: number;
  /** Keys remembered at most; a spoofed-address flood evicts the oldest rather than growing memory. */
  maxKeys?: number;
}

interface KeyState {
  windowStart: number;
  failures: number;
  blockedUntil: number;
}

const DEFAULT_MAX_KEYS = 100_000;

export class FailureLimiter {
  readonly #keys = new Map<string, KeyState>();

  constructor(readonly limits: FailureLimits) {}

  isBlocked(key: string, now = Date.now()): boolean {
    const state = this.#keys.get(key);
    return state !== undefined && now < state.blockedUntil;
  }

  /** Counts one failure; true when this one started a block. */
  recordFailure(key: string, now = Date.now()): boolean {
    let state = this.#keys.get(key);
    if (!state || now - state.windowStart >= this.limits.windowMs) {
      this.#keys.delete(key);
      this.#evictOldestIfFull();
      state = { windowStart: now, failures: 0, blockedUntil: state?.blockedUntil ?? 0 };
      this.#keys.set(key, state);
    }
    state.failures++;
    if (state.failures < this.limits.maxFailures || now < state.blockedUntil) return false;
    state.blockedUntil = now + this.limits.blockMs;
    return true;
  }

  /** A success clears the key's failures: a user who mistyped once is not punished later. */
  recordSuccess(key: string): void {
    this.#keys.delete(key);
  }

  #evictOldestIfFull(): void {
    if (this.#keys.size < (this.limits.maxKeys ?? DEFAULT_MAX_KEYS)) return;
    const oldest = this.#keys.keys().next();
    if (!oldest.done) this.#keys.delete(oldest.value);
  }
}
