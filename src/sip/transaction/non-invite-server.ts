/**
 * The non-INVITE server transaction (RFC 3261 §17.2.2, Figure 8):
 *
 *   Trying ──1xx──▶ Proceeding ──200-699──▶ Completed ──Timer J──▶ Terminated
 *     └──200-699──────────────────────────────▲
 *
 * Request retransmissions are swallowed while Trying (the TU has nothing to
 * say yet) and answered with the last response after that. Timer J keeps
 * the Completed transaction for 64*T1 on UDP so late retransmissions are
 * still answered, not taken for new requests.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Source } from '../transport/index.js';
import { ServerTransaction } from './server-transaction.js';
import { timerJ } from './timers.js';
import type { TransactionContext } from './transaction.js';

export type NonInviteServerState = 'trying' | 'proceeding' | 'completed';

export class NonInviteServerTransaction extends ServerTransaction<NonInviteServerState> {
  constructor(key: string, request: SipRequest, source: Source, context: TransactionContext) {
    super(key, request, source, 'trying', context);
  }

  respond(response: SipResponse): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    if (response.status < 200) {
      this.enter('proceeding');
      this.sendResponse(response);
      return;
    }
    this.enter('completed');
    this.sendResponse(response);
    this.terminateAfter(timerJ(this.settings, this.reliable)); // Timer J
  }

  /** Any retransmission gets the same answer, so its content does not matter. */
  receiveRequest(_retransmission: SipRequest): void {
    if (this.state === 'proceeding' || this.state === 'completed') this.resendLastResponse();
  }
}
