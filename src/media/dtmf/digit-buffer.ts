/**
 * The digits a caller pressed and nobody has read yet, for getDigits-style
 * collection: digits pressed during a prompt are kept for the next
 * collection unless flushed (flushDTMF), as on FreeSWITCH. Timeouts run on
 * the call's clock, so a simulated call collects digits in simulated time.
 */
import type { Clock } from '../../clock.js';

export interface CollectRequest {
  /** Stop once this many digits are in. */
  max: number;
  /** Wait for the first digit, and after each digit for the next one unless `digitTimeoutMs` (ms). */
  timeoutMs: number;
  /** Wait after each digit for the next one (ms). */
  digitTimeoutMs?: number;
  /** Digits that end the input; they are not part of the result. */
  terminators: string;
}

export class DigitBuffer {
  #pending = '';
  #waiter: (() => void) | undefined;

  constructor(private readonly clock: Clock) {}

  push(digit: string): void {
    this.#pending += digit;
    this.#waiter?.();
  }

  flush(): void {
    this.#pending = '';
  }

  /** The digits collected: up to `max`, until a terminator or a timeout. Rejects with the signal's reason. */
  async collect(request: CollectRequest, signal?: AbortSignal): Promise<string> {
    let digits = '';
    for (;;) {
      while (this.#pending.length > 0) {
        const digit = this.#pending[0];
        this.#pending = this.#pending.slice(1);
        if (request.terminators.includes(digit)) return digits;
        digits += digit;
        if (digits.length >= request.max) return digits;
      }
      const wait = digits === '' ? request.timeoutMs : (request.digitTimeoutMs ?? request.timeoutMs);
      if (!(await this.#next(wait, signal))) return digits;
    }
  }

  /** Resolves true when a digit arrives, false on timeout. */
  #next(timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const cleanUp = () => {
        cancelTimer();
        signal?.removeEventListener('abort', onAbort);
        this.#waiter = undefined;
      };
      const finish = (arrived: boolean) => {
        cleanUp();
        resolve(arrived);
      };
      const onAbort = () => {
        cleanUp();
        reject(signal?.reason);
      };
      const cancelTimer = this.clock.setTimer(timeoutMs, () => finish(false));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiter = () => finish(true);
    });
  }
}
