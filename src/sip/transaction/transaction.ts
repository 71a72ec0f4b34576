/**
 * What all four transaction state machines of RFC 3261 §17 share: a key, a
 * state that ends in Terminated, named timers, and sending through the
 * transport with fatal errors turned into a state change (§17.1.1.2,
 * §17.1.2.2, §17.2.1, §17.2.2: "transport error → Terminated, inform TU").
 */
import { ExpiryQueue, type Expiring, type QueueSlot } from '../expiry-queue.js';
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
  /** From the transaction's start to its outcome. */
  durationMs: number;
}

/**
 * What a transaction layer does when any of its transactions settles (logs
 * it) or terminates (forgets it): one observer for all of them rather than
 * listeners on each, which over UDP every call's transactions held for 64×T1.
 */
export interface TransactionObserver {
  settled(transaction: Transaction<TransactionState>, outcome: TransactionOutcome): void;
  terminated(transaction: Transaction<TransactionState>): void;
}

export interface TransactionContext {
  transport: TransactionTransport;
  timers: TimerSettings;
  /** Where this layer's transactions wait out their last timer: `Transaction.terminateAfter`. */
  lastWaits: ExpiryQueue<LastWait>;
  observer?: TransactionObserver;
}

/** A transaction waiting out its last timer before Terminated. */
export interface LastWait extends Expiring {
  lastWaitOver(): void;
}

/** The context of one transaction layer's transactions. */
export function transactionContext(transport: TransactionTransport, timers: TimerSettings = DEFAULT_TIMER_SETTINGS, observer?: TransactionObserver): TransactionContext {
  return { transport, timers, lastWaits: new ExpiryQueue<LastWait>((transaction) => transaction.lastWaitOver()), observer };
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

/** The timers of a transaction that runs none any more: starting one does nothing. */
const STOPPED_TIMERS = new TransactionTimers();
STOPPED_TIMERS.close();

export abstract class Transaction<State extends TransactionState> implements LastWait {
  readonly reliable: boolean;
  /** While the last wait runs (`terminateAfter`): when it ends, and the place in the context's queue. */
  expiresAt = 0;
  queueSlot: QueueSlot | undefined = undefined;
  readonly #context: TransactionContext;
  /** Made when a retransmission timer or timeout first starts: many transactions never start one. */
  #timers: TransactionTimers | undefined;
  #state: State | 'terminated';
  #settledListeners: Listeners<TransactionOutcome>;
  #startedAt = Date.now();
  #settled = false;
  #failure: TransactionFailure | undefined;

  constructor(
    readonly key: string,
    /** The transport the request travels over: it decides whether retransmission timers run. */
    protocol: TransportProtocol,
    initialState: State,
    context: TransactionContext,
  ) {
    this.#state = initialState;
    this.#context = context;
    this.reliable = isReliable(protocol);
  }

  get state(): State | 'terminated' {
    return this.#state;
  }

  protected get settings(): TimerSettings {
    return this.#context.timers;
  }

  protected get timers(): TransactionTimers {
    return (this.#timers ??= new TransactionTimers());
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
    this.failedWith('transport-error');
    this.onTransportError(error instanceof Error ? error : new Error(String(error)));
    this.terminate();
  }

  /** Why the transaction ends without its normal outcome; the first reason counts. */
  protected failedWith(failure: TransactionFailure): void {
    this.#failure ??= failure;
  }

  /** Records the final status sent or received; later events (stray retransmissions, Timer H) do not change the outcome reported. */
  protected settle(status?: number): void {
    if (this.#settled) return;
    this.#settled = true;
    const outcome: TransactionOutcome = { status, failure: this.#failure, durationMs: Date.now() - this.#startedAt };
    const listeners = this.#settledListeners;
    this.#settledListeners = undefined;
    listeners?.(outcome);
    this.#context.observer?.settled(this, outcome);
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
    this.#stopTimers();
    const { lastWaits } = this.#context;
    lastWaits.remove(this);
    this.expiresAt = Date.now() + ms;
    lastWaits.add(this);
  }

  lastWaitOver(): void {
    this.terminate();
  }

  protected terminate(): void {
    if (this.#state === 'terminated') return;
    this.#state = 'terminated';
    this.#stopTimers();
    this.#context.lastWaits.remove(this);
    this.settle();
    this.#context.observer?.terminated(this);
  }

  /** No timer of this transaction runs from now on, and none can be started: a callback racing the end cannot revive one. */
  #stopTimers(): void {
    this.#timers?.close();
    this.#timers = STOPPED_TIMERS;
  }

  protected send(message: OutgoingMessage, destination: Destination): void {
    this.#context.transport.send(message, destination, (error) => {
      if (error) this.transportFailed(error);
    });
  }

  /** Tells the TU about a fatal transport error, where the RFC says to; termination follows. */
  protected abstract onTransportError(error: Error): void;
}
