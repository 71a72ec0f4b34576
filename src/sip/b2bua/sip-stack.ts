/**
 * What the B2BUA needs from the SIP layers below it: client transactions,
 * a way to send the ACK of a 2xx (not a transaction, §17.1.1.3), our own
 * address, the timer settings for 2xx retransmission (§13.3.1.4), and the
 * clock everything a call times runs on.
 */
import type { Logger } from 'pino';
import type { Clock } from '../../clock.js';
import type { SerializedRequest, SipRequest, SipResponse } from '../message/index.js';
import type { SessionTimerSettings } from '../dialog/session-timer.js';
import type { LocalAddress } from '../local-address.js';
import type { ClientTransactionUser, ServerTransaction, TimerSettings, TransactionLayer } from '../transaction/index.js';
import type { Destination } from '../transport/index.js';

export interface SipStack {
  readonly transactions: Pick<TransactionLayer, 'sendRequest'>;
  sendAck(ack: SipRequest | SerializedRequest, destination: Destination): void;
  readonly local: LocalAddress;
  readonly timers: TimerSettings;
  /** RFC 4028 session timers offered and honoured on every call leg; none when absent. */
  readonly sessionTimers?: SessionTimerSettings;
  /** Ringing, 2xx retransmission, the CDR timeline: a call's time (RFC transaction timers keep their own). */
  readonly clock: Clock;
  readonly logger: Logger;
  /** The legs with a dialog, by dialog key: where in-dialog requests are delivered. */
  readonly dialogs: Map<string, DialogReceiver>;
}

/** A leg as the dispatcher of in-dialog requests sees it. */
export interface DialogReceiver {
  receiveRequest(request: SipRequest, transaction: ServerTransaction): void;
  receiveAck(ack: SipRequest): void;
}

/** How a request we sent ended: its final response, or none (treated as 408 / 503, §8.1.3.1). */
export type RequestOutcome = { response: SipResponse } | { failure: 'timeout' | 'transport-error' };

/** The status a request's outcome counts as. */
export function outcomeStatus(outcome: RequestOutcome): number {
  if ('response' in outcome) return outcome.response.status;
  return outcome.failure === 'timeout' ? 408 : 503;
}

/**
 * Sends a non-INVITE request (or an in-dialog INVITE) and resolves with its
 * final outcome; provisional responses go to `onProvisional`. Never rejects:
 * a transport that throws at once counts as a transport error.
 */
export function sendRequest(
  stack: Pick<SipStack, 'transactions' | 'logger'>,
  request: SipRequest,
  destination: Destination,
  onProvisional?: (response: SipResponse) => void,
): Promise<RequestOutcome> {
  return new Promise((resolve) => {
    const user: ClientTransactionUser = {
      onResponse: (response) => {
        if (response.status < 200) onProvisional?.(response);
        else resolve({ response });
      },
      onTimeout: () => resolve({ failure: 'timeout' }),
      onTransportError: () => resolve({ failure: 'transport-error' }),
    };
    try {
      stack.transactions.sendRequest(request, destination, user);
    } catch (error) {
      stack.logger.warn({ err: error, method: request.method }, 'request could not be sent');
      resolve({ failure: 'transport-error' });
    }
  });
}
