import { callEndedReason, type Call, type CallState } from './call.js';
import type { CallEndedBy } from './call-end.js';
import { ChannelVariables } from './channel-variables.js';
import type { HangupCause } from './hangup-cause.js';
import type { VariableLimits } from './variable-limits.js';

/**
 * What every telephony adapter's `Call` keeps of the call's life, the same
 * for all: its state, and once it ended the cause and who ended it, with
 * `signal` aborted then. The adapter moves the state as its signalling goes.
 */
export abstract class CallLifecycle extends ChannelVariables implements Pick<Call, 'state' | 'hangupCause' | 'endedBy' | 'signal'> {
  #state: CallState;
  #hangupCause: HangupCause | undefined;
  #endedBy: CallEndedBy | undefined;
  #abort: AbortController | undefined;

  constructor(initialState: Exclude<CallState, 'ended'>, limits?: VariableLimits) {
    super(limits);
    this.#state = initialState;
  }

  /**
   * Made on first use: most flows never wait on the signal, and aborting one
   * costs an Error with its stack trace. A signal asked for after the call ended
   * is already aborted, exactly as if it had been made at the start.
   */
  get signal(): AbortSignal {
    if (!this.#abort) {
      this.#abort = new AbortController();
      if (this.#hangupCause) this.#abort.abort(callEndedReason(this.#hangupCause));
    }
    return this.#abort.signal;
  }

  get state(): CallState {
    return this.#state;
  }

  get hangupCause(): HangupCause | undefined {
    return this.#hangupCause;
  }

  get endedBy(): CallEndedBy | undefined {
    return this.#endedBy;
  }

  /** Where the call's signalling got before it ended (ringing, early media, answered). */
  protected enterState(state: Exclude<CallState, 'ended'>): void {
    if (this.#state !== 'ended') this.#state = state;
  }

  /** The call is over, with `hangup_cause` on the channel; false when it was already. The adapter aborts `signal` (abortWaiters) once its own legs know. */
  protected markEnded(cause: HangupCause, by: CallEndedBy): boolean {
    if (this.#state === 'ended') return false;
    this.#state = 'ended';
    this.#hangupCause = cause;
    this.#endedBy = by;
    this.channel.set('hangup_cause', cause);
    return true;
  }

  /** What waits on `signal` (an app playing, a bridge ringing) stops. */
  protected abortWaiters(): void {
    if (this.#hangupCause) this.#abort?.abort(callEndedReason(this.#hangupCause));
  }
}
