/**
 * What the INVITE and non-INVITE client transactions share (RFC 3261
 * §17.1): the request and where it goes, the TU that hears the outcome, and
 * the timeout (Timer B or F) that the TU treats as a 408 (§8.1.3.1).
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Destination } from '../transport/index.js';
import { Transaction, type TransactionContext, type TransactionState } from './transaction.js';
import type { ClientTransactionUser } from './transaction-user.js';

/** What a transaction tells once its TU no longer needs telling: nothing. */
const DETACHED_USER: ClientTransactionUser = { onResponse() {}, onTimeout() {}, onTransportError() {} };

export abstract class ClientTransaction<State extends TransactionState = TransactionState> extends Transaction<State> {
  #request: SipRequest | undefined;
  #user: ClientTransactionUser;

  constructor(
    key: string,
    request: SipRequest,
    readonly destination: Destination,
    initialState: State,
    context: TransactionContext,
    user: ClientTransactionUser,
  ) {
    super(key, destination.transport, initialState, context);
    this.#request = request;
    this.#user = user;
  }

  /** The request, until the final response: then only stray responses remain to absorb. */
  get request(): SipRequest | undefined {
    return this.#request;
  }

  protected get user(): ClientTransactionUser {
    return this.#user;
  }

  /** Sends the request and starts the timers; the transaction layer calls this once it holds the transaction. */
  abstract start(): void;

  abstract receiveResponse(response: SipResponse): void;

  protected transmit(request: SipRequest | undefined = this.#request): void {
    if (request) this.send(request, this.destination);
  }

  /**
   * After the final response a UDP transaction lives on for up to 64*T1 only
   * to absorb retransmissions: it lets the request go, and the TU too unless
   * it still wants to hear (2xx retransmissions of an INVITE), so a call's
   * objects are not kept alive by its finished transactions.
   */
  protected keepOnlyWhatStraysNeed(keepUser: boolean): void {
    this.#request = undefined;
    if (!keepUser) this.#user = DETACHED_USER;
  }

  protected timedOut(): void {
    this.failedWith('timeout');
    this.user.onTimeout();
    this.terminate();
  }
}
