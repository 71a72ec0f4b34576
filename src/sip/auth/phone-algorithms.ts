/**
 * Which digest algorithm each phone last answered with, so a single
 * challenge can name one it supports. Many phones (baresip 1.0, older desk
 * phones) give up when a 401 carries several challenges, and most know only
 * MD5; a phone is offered something stronger only once it has shown it can
 * answer it. A phone is a user of a realm plus its User-Agent: the same
 * account on a softphone and a desk phone is remembered twice.
 */
import { ownedText } from '../message/index.js';
import type { DigestAlgorithm } from './digest.js';

export class PhoneAlgorithms {
  readonly #byPhone = new Map<string, DigestAlgorithm>();

  constructor(readonly maxPhones = 100_000) {}

  remember(phone: string, algorithm: DigestAlgorithm): void {
    this.#byPhone.delete(phone);
    if (this.#byPhone.size >= this.maxPhones) {
      const oldest = this.#byPhone.keys().next();
      if (!oldest.done) this.#byPhone.delete(oldest.value);
    }
    // A copy: the key holds the User-Agent read from a request, a slice that would keep that whole request alive.
    this.#byPhone.set(ownedText(phone), algorithm);
  }

  /**
   * The algorithm to challenge this phone with among those offered (strongest
   * first): the one it answered last if still offered, else MD5, which every
   * digest client knows, else the operator's first choice.
   */
  choose(phone: string, offered: readonly DigestAlgorithm[]): DigestAlgorithm {
    const known = this.#byPhone.get(phone);
    if (known && offered.includes(known)) return known;
    return offered.includes('MD5') ? 'MD5' : offered[0];
  }
}

/** The key of a phone: who it claims to be (To of a REGISTER, From otherwise) and its software. */
export function phoneKey(realm: string, user: string, userAgent: string | undefined): string {
  return `${user}@${realm}\u0000${userAgent ?? ''}`;
}
