/**
 * What the INVITE and non-INVITE client transactions share (RFC 3261
 * §17.1): the request and where it goes, the TU that hears the outcome, and
 * the timeout (Timer B or F) that the TU treats as a 408 (§8.1.3.1).
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Destination } from '../transport/index.js';
import { Transaction, type TransactionContext, type TransactionState } from './transaction.js';
import type { ClientTransactionUser } from './transaction-user.js';

export abstract class ClientTransaction<State extends TransactionState = TransactionState> extends Transaction<State> {
  constructor(
    key: string,
    readonly request: SipRequest,
    readonly destination: Destination,
    initialState: State,
    context: TransactionContext,
    readonly user: ClientTransactionUser,
  ) {
    super(key, destination.transport, initialState, context);
  }

  /** Sends the request and starts the timers; the transaction layer calls this once it holds the transaction. */
  abstract start(): void;

  abstract receiveResponse(response: SipResponse): void;

  protected transmit(request: SipRequest = this.request): void {
    this.send(request, this.destination);
  }

  protected timedOut(): void {
    this.outcome.failure = 'timeout';
    this.user.onTimeout();
    this.terminate();
  }
}
