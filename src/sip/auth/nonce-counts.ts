/**
 * Replay protection (RFC 7616 §3.3, §5.12): for every nonce that has
 * authenticated a request, the highest nonce-count seen. A request whose nc
 * is not above it is a replay. Only successful authentications are recorded,
 * so only peers that know a password make this grow; entries older than the
 * nonce lifetime are useless (the nonce is stale) and are dropped.
 */
import { ownedText } from '../message/index.js';

export class NonceCounts {
  /** By nonce, in the order first recorded, which is roughly issue order. */
  readonly #highest = new Map<string, { nc: number; issuedAt: number }>();
  /**
   * Nonces issued at or before this time may have been evicted, so their
   * history is lost; they are treated as used up rather than as fresh.
   */
  #forgottenUpTo = -Infinity;

  constructor(
    readonly lifetimeMs: number,
    readonly maxEntries = 100_000,
  ) {}

  /** Records `nc` for the nonce when it is higher than any seen; false means a replay. */
  accept(nonce: string, nc: number, issuedAt: number, now = Date.now()): boolean {
    const entry = this.#highest.get(nonce);
    if (entry) {
      if (nc <= entry.nc) return false;
      entry.nc = nc;
      return true;
    }
    if (issuedAt <= this.#forgottenUpTo) return false;
    this.#makeRoom(now);
    // A copy: the nonce read from a request is a slice of that whole request, kept as long as the nonce lives.
    this.#highest.set(ownedText(nonce), { nc, issuedAt });
    return true;
  }

  get size(): number {
    return this.#highest.size;
  }

  #makeRoom(now: number): void {
    for (const [nonce, entry] of this.#highest) {
      const expired = now - entry.issuedAt > this.lifetimeMs;
      if (!expired && this.#highest.size < this.maxEntries) return;
      if (!expired) this.#forgottenUpTo = Math.max(this.#forgottenUpTo, entry.issuedAt);
      this.#highest.delete(nonce);
    }
  }
}
