/**
 * What the INVITE and non-INVITE server transactions share (RFC 3261 §17.2):
 * the request that created them, the last response (re-sent when the request
 * is retransmitted), and responses routed back by the top Via (§18.2.2).
 *
 * Once the final response is out, a transaction only re-sends it (or waits
 * for the ACK) until its timers end, up to 64*T1 on UDP. So from then on it
 * keeps the response as bytes and where they go, and lets the parsed
 * request go: at high request rates these transactions are most of the
 * live ones, and the request was most of their memory.
 */
import { keepForResending, serializeResponse, toResend, type KeptMessage, type SerializedResponse, type SipRequest, type SipResponse } from '../message/index.js';
import { responseDestination, type Destination, type Source } from '../transport/index.js';
import { Transaction, withListener, type Listeners, type TransactionContext, type TransactionFailure, type TransactionState } from './transaction.js';
import type { ServerTransactionFailureListener } from './transaction-user.js';

export abstract class ServerTransaction<State extends TransactionState = TransactionState> extends Transaction<State> {
  #request: SipRequest | undefined;
  #source: Source | undefined;
  /** The last response, re-sent when the request is retransmitted. */
  #lastResponse: KeptMessage<SerializedResponse> | undefined;
  #destination: Destination | undefined;
  #failureListeners: Listeners<TransactionFailure>;

  constructor(key: string, request: SipRequest, source: Source, initialState: State, context: TransactionContext) {
    super(key, source.transport, initialState, context);
    this.#request = request;
    this.#source = source;
  }

  /** The request that created the transaction, until the final response is sent. */
  get request(): SipRequest | undefined {
    return this.#request;
  }

  /** The TU's response. Responses the state machine no longer accepts (a second final one) are ignored. */
  abstract respond(response: SipResponse): void;

  /** A retransmission of the request, or the ACK of a non-2xx final response: never the TU's concern. */
  abstract receiveRequest(request: SipRequest): void;

  /** Timer H fired (no ACK) or a response could not be sent; the transaction then terminates. */
  onFailure(listener: ServerTransactionFailureListener): void {
    this.#failureListeners = withListener(this.#failureListeners, listener);
  }

  /**
   * `resentByTransaction` false: the TU alone re-sends this response (an INVITE's 2xx, RFC 6026), so the
   * transaction sends it once and keeps no copy for the 32 s it lives on.
   */
  protected sendResponse(response: SipResponse, resentByTransaction = true): void {
    // Every response of a transaction carries the request's Via, so the route is worked out once.
    this.#destination ??= this.#source && responseDestination(response, this.#source);
    const serialized = serializeResponse(response);
    this.#lastResponse = resentByTransaction ? keepForResending(serialized) : undefined;
    if (response.status >= 200) this.#keepOnlyWhatRetransmissionNeeds(response.status);
    this.#sendToDestination(serialized);
  }

  protected resendLastResponse(): void {
    if (this.#lastResponse) this.#sendToDestination(toResend(this.#lastResponse));
  }

  /** Nothing is to be re-sent any more (the ACK of a non-2xx response came): only strays remain to absorb. */
  protected forgetLastResponse(): void {
    this.#lastResponse = undefined;
  }

  #sendToDestination(response: SerializedResponse): void {
    if (this.#destination) this.send(response, this.#destination);
    else this.transportFailed(new Error('no route back: top Via unusable'));
  }

  protected fail(failure: TransactionFailure): void {
    this.failedWith(failure);
    this.#failureListeners?.(failure);
    this.terminate();
  }

  protected override onTransportError(): void {
    this.#failureListeners?.('transport-error');
  }

  #keepOnlyWhatRetransmissionNeeds(finalStatus: number): void {
    this.#request = undefined;
    this.#source = undefined;
    this.settle(finalStatus);
  }
}
