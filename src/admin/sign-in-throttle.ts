/**
 * A brake on password guessing at sign-in: failures count per username
 * (whoever tries it) and per source address (whichever usernames it
 * tries); past the limit, that username or address is refused — even with
 * the right password — until the block runs out. The same counting the
 * SIP registrar uses for digest failures.
 */
import { FailureLimiter, type FailureLimits } from '../sip/auth/failure-limiter.js';

export interface SignInLimits {
  perUsername: FailureLimits;
  perSource: FailureLimits;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  perUsername: { maxFailures: 5, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
  perSource: { maxFailures: 20, windowMs: 15 * 60_000, blockMs: 15 * 60_000 },
};

export class SignInThrottle {
  readonly #usernames: FailureLimiter;
  readonly #sources: FailureLimiter;

  constructor(limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS) {
    this.#usernames = new FailureLimiter(limits.perUsername);
    this.#sources = new FailureLimiter(limits.perSource);
  }

  /** Seconds to wait when this attempt must not even be checked; undefined when it may go ahead. */
  refusal(username: string, source: string): number | undefined {
    if (this.#usernames.isBlocked(username)) return this.#usernames.limits.blockMs / 1000;
    if (this.#sources.isBlocked(source)) return this.#sources.limits.blockMs / 1000;
    return undefined;
  }

  failed(username: string, source: string): void {
    this.#usernames.recordFailure(username);
    this.#sources.recordFailure(source);
  }

  succeeded(username: string, source: string): void {
    this.#usernames.recordSuccess(username);
    this.#sources.recordSuccess(source);
  }
}
