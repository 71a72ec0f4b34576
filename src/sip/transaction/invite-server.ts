/**
 * The INVITE server transaction (RFC 3261 §17.2.1, Figure 7, with the
 * Accepted state of RFC 6026 §7.1):
 *
 *   Proceeding ──300-699──▶ Completed ──ACK──▶ Confirmed ──Timer I──▶ Terminated
 *       │                      └──Timer H (no ACK)──▶ Terminated, TU told
 *       └──2xx──▶ Accepted ──Timer L──▶ Terminated
 *
 * It answers 100 Trying at once, so the client stops retransmitting while
 * the TU decides. A retransmitted INVITE gets the last provisional or non-2xx
 * final response again; Timer G repeats a non-2xx final response on UDP until
 * the ACK comes. In Accepted, the TU alone retransmits its 2xx (§13.3.1.4)
 * and retransmitted INVITEs are absorbed, not handed up as new calls.
 */
import { buildResponse, type SipRequest, type SipResponse } from '../message/index.js';
import type { Source } from '../transport/index.js';
import { ServerTransaction } from './server-transaction.js';
import { backOff, transactionTimeout, waitForStrays } from './timers.js';
import type { TransactionContext } from './transaction.js';

export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted';

export class InviteServerTransaction extends ServerTransaction<InviteServerState> {
  constructor(key: string, request: SipRequest, source: Source, context: TransactionContext) {
    super(key, request, source, 'proceeding', context);
  }

  /** Sends 100 Trying; the transaction layer calls this once it holds the transaction. */
  start(): void {
    if (this.request) this.sendResponse(buildResponse(this.request, 100));
  }

  respond(response: SipResponse): void {
    const status = response.status;
    if (this.state === 'accepted') {
      if (status >= 200 && status < 300) this.sendResponse(response, false);
      return;
    }
    if (this.state !== 'proceeding') return;
    if (status < 200) {
      this.sendResponse(response);
    } else if (status < 300) {
      this.enter('accepted');
      this.terminateAfter(transactionTimeout(this.settings)); // Timer L (RFC 6026)
      this.sendResponse(response, false);
    } else {
      this.enter('completed');
      if (!this.reliable) this.#startTimerG(this.settings.t1);
      this.timers.start('H', transactionTimeout(this.settings), () => this.fail('timeout'));
      this.sendResponse(response);
    }
  }

  receiveRequest(request: SipRequest): void {
    if (request.method === 'ACK') {
      if (this.state !== 'completed') return;
      this.enter('confirmed');
      this.timers.stop('G');
      this.timers.stop('H');
      this.forgetLastResponse();
      this.terminateAfter(waitForStrays(this.settings, this.reliable)); // Timer I
      return;
    }
    if (this.state === 'proceeding' || this.state === 'completed') this.resendLastResponse();
  }

  #startTimerG(interval: number): void {
    this.timers.start('G', interval, () => {
      this.resendLastResponse();
      this.#startTimerG(backOff(interval, this.settings));
    });
  }
}
