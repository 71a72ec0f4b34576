/**
 * A call's end as the SIP layer waits on it (the B2BUA forgetting the call,
 * its duration limit, the ringing and the conversation of a bridge). It has
 * AbortSignal's shape, so a signal can stand in for it, but not its cost:
 * an AbortSignal is an EventTarget with a table of listener records, about a
 * kilobyte for every call in progress. Applications get a real AbortSignal
 * (`Call.signal`), made when one first asks for it.
 */
import { Q850_CODES, type HangupCause } from '../../call/hangup-cause.js';

/** RFC 3326: tells the other side why we ended the call. */
export function reasonHeader(cause: HangupCause): Record<string, string> {
  return { reason: `Q.850;cause=${Q850_CODES[cause]};text="${cause}"` };
}

/** The part of AbortSignal that the SIP layer uses. */
export interface StopSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export class CallEnding implements StopSignal {
  #aborted = false;
  /** An array of their own size: a Set's table is several times the two or three listeners of a call. */
  #listeners: readonly (() => void)[] | undefined;

  get aborted(): boolean {
    return this.#aborted;
  }

  /** As on an AbortSignal: once ended, a listener added is never called; every listener runs once. */
  addEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.#listeners;
    // As a Set (and EventTarget) would: a listener added twice runs once.
    if (this.#aborted || listeners?.includes(listener)) return;
    this.#listeners = listeners ? listeners.concat(listener) : [listener];
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.#listeners;
    if (listeners?.includes(listener)) this.#listeners = listeners.filter((other) => other !== listener);
  }

  /** The call has ended: each listener runs, in the order they were added. */
  end(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    for (const listener of listeners ?? []) listener();
  }
}
