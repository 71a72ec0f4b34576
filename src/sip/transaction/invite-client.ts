/**
 * The INVITE client transaction (RFC 3261 §17.1.1, Figure 5, with the
 * Accepted state of RFC 6026 §7.2):
 *
 *   Calling ──1xx──▶ Proceeding ──300-699──▶ Completed ──Timer D──▶ Terminated
 *      │                 │  └────2xx──▶ Accepted ──Timer M──▶ Terminated
 *      └─Timer B / transport error──▶ Terminated
 *
 * Timer A retransmits the INVITE on UDP (doubling, uncapped) while Calling.
 * A 300–699 response is ACKed here, and its retransmissions re-ACKed without
 * bothering the TU. Every 2xx goes up (forking can bring several); the TU
 * ACKs them, since that ACK belongs to the dialog.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Destination } from '../transport/index.js';
import { buildNon2xxAck } from './ack.js';
import { timerD, transactionTimeout } from './timers.js';
import { ClientTransaction } from './client-transaction.js';
import type { TransactionContext } from './transaction.js';
import type { ClientTransactionUser } from './transaction-user.js';

export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted';

export class InviteClientTransaction extends ClientTransaction<InviteClientState> {
  #ack: SipRequest | undefined;
  #finalReported = false;

  constructor(key: string, request: SipRequest, destination: Destination, context: TransactionContext, user: ClientTransactionUser) {
    super(key, request, destination, 'calling', context, user);
  }

  start(): void {
    this.transmit();
    if (!this.reliable) this.#startTimerA(this.settings.t1);
    this.timers.start('B', transactionTimeout(this.settings), () => this.timedOut());
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case 'calling':
      case 'proceeding':
        if (status < 200) {
          this.#stopRetransmitting();
          this.enter('proceeding');
          this.user.onResponse(response);
        } else if (status < 300) {
          this.#accept(response);
        } else {
          this.#complete(response);
        }
        return;
      case 'accepted':
        if (status >= 200 && status < 300) this.user.onResponse(response);
        return;
      case 'completed':
        if (status >= 300 && this.#ack) this.transmit(this.#ack);
        return;
      case 'terminated':
        return;
    }
  }

  protected override onTransportError(error: Error): void {
    if (!this.#finalReported) this.user.onTransportError(error);
  }

  #startTimerA(interval: number): void {
    this.timers.start('A', interval, () => {
      this.transmit();
      this.#startTimerA(2 * interval);
    });
  }

  #stopRetransmitting(): void {
    this.timers.stop('A');
    this.timers.stop('B');
  }

  #accept(response: SipResponse): void {
    this.#stopRetransmitting();
    this.enter('accepted');
    this.settle(response.status);
    this.#finalReported = true;
    this.terminateAfter(transactionTimeout(this.settings)); // Timer M (RFC 6026)
    this.keepOnlyWhatStraysNeed(true);
    this.user.onResponse(response);
  }

  #complete(response: SipResponse): void {
    this.#stopRetransmitting();
    this.enter('completed');
    this.settle(response.status);
    this.#finalReported = true;
    if (this.request) this.#ack = buildNon2xxAck(this.request, response);
    this.transmit(this.#ack);
    const user = this.user;
    this.keepOnlyWhatStraysNeed(false);
    user.onResponse(response);
    this.terminateAfter(timerD(this.settings, this.reliable)); // Timer D
  }
}
