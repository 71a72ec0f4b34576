/**
 * SIP transactions (RFC 3261 §17, RFC 6026). The layers above use:
 *
 *   const layer = new TransactionLayer({ transport, user, timers?, logger? });
 *   transport.on('message', (message, source) => layer.receive(message, source));
 *   user.onRequest(request, serverTransaction, source) → serverTransaction.respond(response)
 *   layer.sendRequest(request, destination, { onResponse, onTimeout, onTransportError })
 *   layer.findCancelledInvite(cancel), await layer.answered(), await layer.drained()
 */
export { TransactionLayer, type TransactionLayerOptions } from './transaction-layer.js';
export type { ClientTransactionUser, TransactionUser, ServerTransactionFailureListener } from './transaction-user.js';
export type { ClientTransaction } from './client-transaction.js';
export type { ServerTransaction } from './server-transaction.js';
export type { InviteClientTransaction, InviteClientState } from './invite-client.js';
export type { NonInviteClientTransaction, NonInviteClientState } from './non-invite-client.js';
export type { InviteServerTransaction, InviteServerState } from './invite-server.js';
export type { NonInviteServerTransaction, NonInviteServerState } from './non-invite-server.js';
export type { TransactionFailure, TransactionOutcome, TransactionState } from './transaction.js';
export type { TransactionTransport } from './transport.js';
export { DEFAULT_TIMER_SETTINGS, type TimerSettings, type TimerName } from './timers.js';
