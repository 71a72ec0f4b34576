/**
 * The non-INVITE client transaction (RFC 3261 §17.1.2, Figure 6):
 *
 *   Trying ──1xx──▶ Proceeding ──200-699──▶ Completed ──Timer K──▶ Terminated
 *     └──200-699────────────────────────────▲
 *   Trying/Proceeding ──Timer F / transport error──▶ Terminated
 *
 * On UDP, Timer E retransmits the request: doubling from T1 up to T2 while
 * Trying, every T2 once a provisional response showed the server is working.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Destination } from '../transport/index.js';
import { backOff, transactionTimeout, waitForStrays } from './timers.js';
import { ClientTransaction } from './client-transaction.js';
import type { TransactionContext } from './transaction.js';
import type { ClientTransactionUser } from './transaction-user.js';

export type NonInviteClientState = 'trying' | 'proceeding' | 'completed';

export class NonInviteClientTransaction extends ClientTransaction<NonInviteClientState> {
  constructor(key: string, request: SipRequest, destination: Destination, context: TransactionContext, user: ClientTransactionUser) {
    super(key, request, destination, 'trying', context, user);
  }

  start(): void {
    this.transmit();
    if (!this.reliable) this.#startTimerE(this.settings.t1);
    this.timers.start('F', transactionTimeout(this.settings), () => this.timedOut());
  }

  receiveResponse(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    if (response.status < 200) {
      this.enter('proceeding');
      this.user.onResponse(response);
      return;
    }
    this.timers.stop('E');
    this.timers.stop('F');
    this.enter('completed');
    this.settle(response.status);
    const user = this.user;
    this.keepOnlyWhatStraysNeed(false);
    user.onResponse(response);
    this.terminateAfter(waitForStrays(this.settings, this.reliable)); // Timer K
  }

  protected override onTransportError(error: Error): void {
    if (this.state !== 'completed') this.user.onTransportError(error);
  }

  #startTimerE(interval: number): void {
    this.timers.start('E', interval, () => {
      this.transmit();
      this.#startTimerE(this.state === 'proceeding' ? this.settings.t2 : backOff(interval, this.settings));
    });
  }
}
