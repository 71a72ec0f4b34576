/**
 * Random identifiers (RFC 3261 §8.1.1.4 Call-ID, §19.3 tags, §8.1.1.7
 * branch). They must be unguessable, so they come from the crypto RNG; one
 * refill of a pool serves hundreds of identifiers, which matters at
 * thousands of transactions per second.
 */
import { randomFillSync, randomUUID } from 'node:crypto';

/** Marks a branch as built by RFC 3261 rules, so it is unique per transaction (§8.1.1.7). */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

const POOL_SIZE = 4096;
const pool = Buffer.allocUnsafe(POOL_SIZE);
let poolOffset = POOL_SIZE;

/** base64url text of `bytes` random bytes; its alphabet is all SIP token characters. */
function randomToken(bytes: number): string {
  if (poolOffset + bytes > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const token = pool.toString('base64url', poolOffset, poolOffset + bytes);
  poolOffset += bytes;
  return token;
}

export function generateBranch(): string {
  return BRANCH_MAGIC_COOKIE + randomToken(12);
}

export function generateTag(): string {
  return randomToken(9);
}

export function generateCallId(): string {
  return randomToken(18);
}

/**
 * A random UUID (a call's or a leg's) as one flat string: crypto.randomUUID
 * joins it from nine pieces, and V8 keeps such a string as that chain of
 * pieces, several times the size, for as long as the id lives.
 */
export function generateUuid(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}
