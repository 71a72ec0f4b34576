/**
 * What all four transaction state machines of RFC 3261 §17 share: a key, a
 * state that ends in Terminated, named timers, and sending through the
 * transport with fatal errors turned into a state change (§17.1.1.2,
 * §17.1.2.2, §17.2.1, §17.2.2: "transport error → Terminated, inform TU").
 */
import { ExpiryQueue, type Expiring } from '../expiry-queue.js';
import type { OutgoingMessage } from '../message/index.js';
import type { Destination, TransportProtocol } from '../transport/index.js';
import { DEFAULT_TIMER_SETTINGS, TransactionTimers, type TimerSettings } from './timers.js';
import { isReliable, type TransactionTransport } from './transport.js';

/** Calling/Trying/Proceeding/Completed/Confirmed of §17, plus Accepted from RFC 6026. */
export type TransactionState = 'calling' | 'trying' | 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

/** Why a transaction ended without its normal outcome; the TU treats them as 408 and 503 (§8.1.3.1). */
export type TransactionFailure = 'timeout' | 'transport-error';

/** How a transaction turned out, for the one log line per transaction. */
export interface TransactionOutcome {
  /** The final status sent or received, if there was one. */
  status?: number;
  failure?: TransactionFailure;
}

export interface TransactionContext {
  transport: TransactionTransport;
  timers: TimerSettings;
  /** Where this layer's transactions wait out their last timer: `Transaction.terminateAfter`. */
  lastWaits: ExpiryQueue<LastWait>;
}

/** A transaction waiting out its last timer before Terminated. */
export interface LastWait extends Expiring {
  lastWaitOver(): void;
}

/** The context of one transaction layer's transactions. */
export function transactionContext(transport: TransactionTransport, timers: TimerSettings = DEFAULT_TIMER_SETTINGS): TransactionContext {
  return { transport, timers, lastWaits: new ExpiryQueue<LastWait>((transaction) => transaction.lastWaitOver()) };
}

/**
 * A transaction's listeners of one kind: usually one, sometimes two. Chained
 * rather than kept in an array: over UDP every call leaves three
 * transactions for 64×T1, and their listener arrays were 0.75 kB of the
 * 7.3 kB a call left behind.
 */
export type Listeners<T> = ((value: T) => void) | undefined;

/** `listeners` then `listener`, each called in the order added. */
export function withListener<T>(listeners: Listeners<T>, listener: (value: T) => void): (value: T) => void {
  if (!listeners) return listener;
  return (value) => {
    listeners(value);
    listener(value);
  };
}

export abstract class Transaction<State extends TransactionState> implements LastWait {
  readonly reliable: boolean;
  protected readonly timers = new TransactionTimers();
  protected readonly settings: TimerSettings;
  protected readonly outcome: TransactionOutcome = {};
  /** While the last wait runs (`terminateAfter`): when it ends, and the place in the context's queue. */
  expiresAt = 0;
  queueIndex = -1;
  readonly #transport: TransactionTransport;
  readonly #lastWaits: ExpiryQueue<LastWait>;
  #state: State | 'terminated';
  #terminatedListeners: Listeners<TransactionOutcome>;
  #settledListeners: Listeners<TransactionOutcome>;
  #settled = false;

  constructor(
    readonly key: string,
    /** The transport the request travels over: it decides whether retransmission timers run. */
    protocol: TransportProtocol,
    initialState: State,
    context: TransactionContext,
  ) {
    this.#state = initialState;
    this.#transport = context.transport;
    this.#lastWaits = context.lastWaits;
    this.settings = context.timers;
    this.reliable = isReliable(protocol);
  }

  get state(): State | 'terminated' {
    return this.#state;
  }

  /** Called once, when the transaction reaches Terminated; the transaction layer forgets it then. */
  onTerminated(listener: (outcome: TransactionOutcome) => void): void {
    this.#terminatedListeners = withListener(this.#terminatedListeners, listener);
  }

  /**
   * Called once, when the outcome is known: the final response sent or
   * received, or the transaction ended without one. Over UDP that is up to
   * 64*T1 before Terminated, which only absorbs retransmissions.
   */
  onSettled(listener: (outcome: TransactionOutcome) => void): void {
    this.#settledListeners = withListener(this.#settledListeners, listener);
  }

  protected enter(state: State): void {
    this.#state = state;
  }

  /** A fatal transport error: the state machines all go to Terminated, informing the TU where the RFC says so. */
  protected transportFailed(error: unknown): void {
    if (this.#state === 'terminated') return;
    this.outcome.failure ??= 'transport-error';
    this.onTransportError(error instanceof Error ? error : new Error(String(error)));
    this.terminate();
  }

  /** Records the final status sent or received; later events (stray retransmissions, Timer H) do not change the outcome reported. */
  protected settle(status?: number): void {
    if (this.#settled) return;
    this.#settled = true;
    this.outcome.status = status;
    const listeners = this.#settledListeners;
    this.#settledListeners = undefined;
    listeners?.(this.outcome);
  }

  /** At shutdown: no more retransmissions or timers; the peer is not told, the sockets are closing. */
  abandon(): void {
    this.terminate();
  }

  /**
   * The last timer of every state machine (D, I, J, K, L, M): it only waits
   * for strays, then the transaction terminates. Over UDP a call leaves three
   * transactions in it for up to 64×T1, so they wait in the context's one
   * queue rather than with a timer each (a few hundred bytes apiece: the timer
   * and its closures). Zero (a reliable transport) terminates now.
   */
  protected terminateAfter(ms: number): void {
    if (this.#state === 'terminated') return;
    if (ms <= 0) {
      this.terminate();
      return;
    }
    this.#lastWaits.remove(this);
    this.expiresAt = Date.now() + ms;
    this.#lastWaits.add(this);
  }

  lastWaitOver(): void {
    this.terminate();
  }

  protected terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.timers.close();
    this.#lastWaits.remove(this);
    this.settle();
    this.#terminatedListeners?.(this.outcome);
  }

  protected send(message: OutgoingMessage, destination: Destination): void {
    try {
      const sending = this.#transport.send(message, destination);
      if (sending) sending.catch((error: unknown) => this.transportFailed(error));
    } catch (error) {
      this.transportFailed(error);
    }
  }

  /** Tells the TU about a fatal transport error, where the RFC says to; termination follows. */
  protected abstract onTransportError(error: Error): void;
}
