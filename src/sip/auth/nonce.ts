/**
 * Stateless nonces (RFC 7616 §3.3 suggests this shape): the issue time,
 * some randomness and an HMAC over both and the realm, so we recognise our
 * own nonces and their age without storing every nonce we hand out — an
 * unauthenticated peer can ask for as many challenges as it likes.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const TIME_BYTES = 8;
const RANDOM_BYTES = 8;
const MAC_BYTES = 16;
const NONCE_BYTES = TIME_BYTES + RANDOM_BYTES + MAC_BYTES;
/** Clocks of a cluster sharing a secret may disagree a little; a nonce from further ahead is not ours. */
const ALLOWED_CLOCK_SKEW_MS = 5_000;

export type NonceCheck = { status: 'valid' | 'stale'; issuedAt: number } | { status: 'invalid' };

export class NonceIssuer {
  readonly #secret: Buffer;

  constructor(
    readonly lifetimeMs: number,
    secret: Buffer = randomBytes(32),
  ) {
    this.#secret = secret;
  }

  issue(realm: string, now = Date.now()): string {
    const body = Buffer.alloc(TIME_BYTES + RANDOM_BYTES);
    body.writeBigUInt64BE(BigInt(now));
    randomBytes(RANDOM_BYTES).copy(body, TIME_BYTES);
    return Buffer.concat([body, this.#mac(body, realm)]).toString('base64url');
  }

  check(nonce: string, realm: string, now = Date.now()): NonceCheck {
    const bytes = Buffer.from(nonce, 'base64url');
    if (bytes.length !== NONCE_BYTES || bytes.toString('base64url') !== nonce) return { status: 'invalid' };
    const body = bytes.subarray(0, TIME_BYTES + RANDOM_BYTES);
    if (!timingSafeEqual(bytes.subarray(TIME_BYTES + RANDOM_BYTES), this.#mac(body, realm))) return { status: 'invalid' };
    const issuedAt = Number(body.readBigUInt64BE());
    if (issuedAt > now + ALLOWED_CLOCK_SKEW_MS) return { status: 'invalid' };
    return { status: now - issuedAt > this.lifetimeMs ? 'stale' : 'valid', issuedAt };
  }

  #mac(body: Buffer, realm: string): Buffer {
    return createHmac('sha256', this.#secret).update(body).update(realm, 'utf8').digest().subarray(0, MAC_BYTES);
  }
}
