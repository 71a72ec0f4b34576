/**
 * The transaction user (TU) interfaces (RFC 3261 §17): how transactions
 * report to the layer above — the registrar, the B2BUA, a UAC core.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Source } from '../transport/index.js';
import type { TransactionFailure } from './transaction.js';
import type { ServerTransaction } from './server-transaction.js';

/**
 * The owner of one client transaction. It hears each response the state
 * machine passes up and, when no final response came, exactly one of
 * `onTimeout` (treat as 408) or `onTransportError` (treat as 503), per §8.1.3.1.
 */
export interface ClientTransactionUser {
  onResponse(response: SipResponse): void;
  onTimeout(): void;
  onTransportError(error: Error): void;
}

/** The layer above the transaction layer on the server side. */
export interface TransactionUser {
  /** A request that is not a retransmission: answer it through `transaction.respond`. */
  onRequest(request: SipRequest, transaction: ServerTransaction, source: Source): void;
  /**
   * An ACK that matched no INVITE server transaction in Completed: the ACK
   * for a 2xx, which is the dialog's business, not a transaction's (§17.1.1.3, §13.3.1.4).
   */
  onAck(request: SipRequest, source: Source): void;
}

/** Reported on a server transaction when Timer H fires (no ACK came) or a response could not be sent. */
export type ServerTransactionFailureListener = (failure: TransactionFailure) => void;
