/**
 * The transaction layer (RFC 3261 §17): holds the live transactions by their
 * matching keys and sits between the transport and the transaction users.
 *
 * Incoming requests either match a server transaction (retransmission, or
 * the ACK of a non-2xx response) and stop there, or create one and go up to
 * the TU. Incoming responses go to their client transaction; a response that
 * matches none is a stray and is dropped silently (§17.1.3, §18.1.2).
 */
import type { Logger } from 'pino';
import { buildResponse, ownedText, type SipMessage, type SipRequest, type SipResponse } from '../message/index.js';
import { responseDestination, type Destination, type Source } from '../transport/index.js';
import type { CallAdmission } from './admission.js';
import type { ClientTransaction } from './client-transaction.js';
import { InviteClientTransaction } from './invite-client.js';
import { InviteServerTransaction } from './invite-server.js';
import { cancelledInviteKey, clientKeyOfRequest, clientKeyOfResponse, methodOfKey, serverKey } from './keys.js';
import { NonInviteClientTransaction } from './non-invite-client.js';
import { NonInviteServerTransaction } from './non-invite-server.js';
import { ServerTransaction } from './server-transaction.js';
import { DEFAULT_TIMER_SETTINGS, type TimerSettings } from './timers.js';
import { transactionContext, type Transaction, type TransactionContext, type TransactionOutcome, type TransactionState } from './transaction.js';
import type { ClientTransactionUser, TransactionUser } from './transaction-user.js';
import type { TransactionTransport } from './transport.js';

export interface TransactionLayerOptions {
  transport: TransactionTransport;
  user: TransactionUser;
  timers?: Partial<TimerSettings>;
  /**
   * New server transactions beyond this many live ones are refused with a
   * stateless 503, so a request flood costs bounded memory.
   */
  maxServerTransactions?: number;
  /** Decides whether a new INVITE (one outside a dialog) is taken; without it every one is. */
  admission?: CallAdmission;
  logger?: Logger;
}

/**
 * A UDP server transaction lives 64*T1 (32 s) after its final response, so
 * each request per second costs 32 live ones: 200,000 carries 3,000
 * authenticated registrations/s (two transactions each). Answered ones keep
 * only the response, as text: about 0.7 kB each in all, so the cap bounds
 * them to some 150 MB.
 */
const DEFAULT_MAX_SERVER_TRANSACTIONS = 200_000;
const ANSWERED_POLL_MS = 20;
const AWAITING_FINAL: ReadonlySet<TransactionState> = new Set(['calling', 'trying', 'proceeding']);
/** How long a peer refused for overload is asked to wait (§21.5.4). */
const OVERLOAD_RETRY_AFTER_SECONDS = '5';
/** A To tag: the request belongs to a dialog, so it is not a new call. */
const TO_TAG = /;\s*tag=/i;

function ignoreOutcome(): void {}

export class TransactionLayer {
  readonly #context: TransactionContext;
  readonly #user: TransactionUser;
  readonly #maxServerTransactions: number;
  readonly #logger: Logger | undefined;
  readonly #admission: CallAdmission | undefined;
  readonly #servers = new Map<string, ServerTransaction>();
  readonly #clients = new Map<string, ClientTransaction>();
  readonly #drained = new Set<() => void>();
  #overloaded = false;
  #refusingCalls = false;
  #closed = false;

  constructor(options: TransactionLayerOptions) {
    this.#context = transactionContext(options.transport, { ...DEFAULT_TIMER_SETTINGS, ...options.timers }, {
      // Logged when the outcome is known, not at Terminated, which over UDP comes 64*T1 later.
      settled: (transaction, outcome) => this.#logOutcome(transaction, outcome),
      terminated: (transaction) => this.#forget(transaction),
    });
    this.#user = options.user;
    this.#maxServerTransactions = options.maxServerTransactions ?? DEFAULT_MAX_SERVER_TRANSACTIONS;
    this.#logger = options.logger;
    this.#admission = options.admission;
  }

  /** Live transactions, client and server. */
  get size(): number {
    return this.#servers.size + this.#clients.size;
  }

  /** Entry point for the transport layer: every well-formed message received. */
  receive(message: SipMessage, source: Source): void {
    if (message.type === 'response') this.#receiveResponse(message);
    else this.#receiveRequest(message, source);
  }

  /**
   * Starts a client transaction for `request`, whose top Via must carry a
   * fresh RFC 3261 branch. ACK is not sent through here: the ACK of a 2xx is
   * sent by the TU straight to the transport (§17.1.1.3).
   */
  sendRequest(request: SipRequest, destination: Destination, user: ClientTransactionUser): ClientTransaction {
    if (request.method === 'ACK') throw new Error('an ACK is not a client transaction; send it through the transport');
    const key = clientKeyOfRequest(request);
    if (key === undefined) throw new Error('request has no Via branch');
    if (this.#clients.has(key)) throw new Error(`a client transaction with branch key ${key} is already live`);
    const transaction =
      request.method === 'INVITE'
        ? new InviteClientTransaction(key, request, destination, this.#context, user)
        : new NonInviteClientTransaction(key, request, destination, this.#context, user);
    this.#clients.set(key, transaction);
    transaction.start();
    return transaction;
  }

  /** The INVITE server transaction a CANCEL targets (§9.2), if it is still live. */
  findCancelledInvite(cancel: SipRequest): InviteServerTransaction | undefined {
    const key = cancelledInviteKey(cancel);
    const transaction = key === undefined ? undefined : this.#servers.get(key);
    return transaction instanceof InviteServerTransaction ? transaction : undefined;
  }

  /**
   * Resolves once no live transaction still waits for its final response.
   * What is left then only absorbs retransmissions (64*T1 on UDP), which is
   * not worth holding a shutdown for. Polled: a shutdown is no hot path.
   */
  async answered(pollMs = ANSWERED_POLL_MS): Promise<void> {
    while (!this.#closed && this.#awaitingFinalResponse()) await new Promise((resolve) => setTimeout(resolve, pollMs));
  }

  /**
   * At shutdown, once the transport is closed: every live transaction is
   * abandoned, so no timer of ours keeps the process alive after it said it stopped.
   */
  close(): void {
    this.#closed = true;
    this.#admission?.stop();
    for (const transactions of [this.#servers, this.#clients]) for (const transaction of [...transactions.values()]) transaction.abandon();
  }

  /** Resolves once every live transaction has terminated. */
  drained(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drained.add(resolve));
  }

  #awaitingFinalResponse(): boolean {
    for (const transactions of [this.#servers, this.#clients]) {
      for (const transaction of transactions.values()) if (AWAITING_FINAL.has(transaction.state)) return true;
    }
    return false;
  }

  #receiveResponse(response: SipResponse): void {
    const key = clientKeyOfResponse(response);
    const transaction = key === undefined ? undefined : this.#clients.get(key);
    if (!transaction) {
      this.#logger?.debug({ status: response.status }, 'stray response dropped');
      return;
    }
    transaction.receiveResponse(response);
  }

  #receiveRequest(request: SipRequest, source: Source): void {
    const key = serverKey(request);
    if (key === undefined) return;
    const existing = this.#servers.get(key);
    if (request.method === 'ACK') {
      // Only an ACK to a non-2xx belongs to the transaction; one arriving in Accepted acknowledges a 2xx.
      if (existing && existing.state !== 'accepted') existing.receiveRequest(request);
      else this.#user.onAck(request, source);
      return;
    }
    if (existing) {
      existing.receiveRequest(request);
      return;
    }
    if (request.method === 'INVITE' && this.#admission && !TO_TAG.test(request.headers.get('to') ?? '')) {
      const refusal = this.#admission.refusal();
      if (refusal) {
        // One warning per overload episode: a flood must not turn into a flood of log lines.
        if (!this.#refusingCalls) this.#logger?.warn({ waitMs: Math.round(refusal.waitMs) }, `${refusal.reason}: refusing new calls with 503`);
        this.#refusingCalls = true;
        this.#refuseStatelessly(request, source);
        return;
      }
      this.#refusingCalls = false;
    }
    if (this.#servers.size >= this.#maxServerTransactions) {
      if (!this.#overloaded) this.#logger?.warn({ limit: this.#maxServerTransactions }, 'server transactions at limit: refusing with 503');
      this.#overloaded = true;
      this.#refuseStatelessly(request, source);
      return;
    }
    this.#overloaded = false;
    // The key lives as long as the transaction; the request's text must not.
    const transactionKey = ownedText(key);
    const transaction =
      request.method === 'INVITE'
        ? new InviteServerTransaction(transactionKey, request, source, this.#context)
        : new NonInviteServerTransaction(transactionKey, request, source, this.#context);
    this.#servers.set(transactionKey, transaction);
    if (transaction instanceof InviteServerTransaction) transaction.start();
    this.#handOver(request, transaction, source);
  }

  /** Stateless on purpose: holding state for a request we cannot afford is what we are avoiding. */
  #refuseStatelessly(request: SipRequest, source: Source): void {
    const response = buildResponse(request, 503, undefined, { 'retry-after': OVERLOAD_RETRY_AFTER_SECONDS });
    const destination = responseDestination(response, source);
    if (!destination) return;
    this.#context.transport.send(response, destination, ignoreOutcome);
  }

  /** A TU bug must not leave the peer retransmitting into silence: it gets a 500 if nothing final went out. */
  #handOver(request: SipRequest, transaction: ServerTransaction, source: Source): void {
    try {
      this.#user.onRequest(request, transaction, source);
    } catch (error) {
      this.#logger?.error({ err: error, method: request.method }, 'transaction user failed on a request');
      if (transaction.state === 'trying' || transaction.state === 'proceeding') transaction.respond(buildResponse(request, 500));
    }
  }

  #forget(transaction: Transaction<TransactionState>): void {
    const transactions = this.#transactionsOf(transaction);
    if (transactions.get(transaction.key) === transaction) transactions.delete(transaction.key);
    if (this.size > 0) return;
    for (const resolve of this.#drained) resolve();
    this.#drained.clear();
  }

  #transactionsOf(transaction: Transaction<TransactionState>): Map<string, Transaction<TransactionState>> {
    return transaction instanceof ServerTransaction ? this.#servers : this.#clients;
  }

  #logOutcome(transaction: Transaction<TransactionState>, outcome: TransactionOutcome): void {
    if (!this.#logger?.isLevelEnabled('info')) return;
    const role = this.#transactionsOf(transaction) === this.#servers ? 'server' : 'client';
    this.#logger.info({ role, method: methodOfKey(transaction.key), status: outcome.status, failure: outcome.failure, durationMs: outcome.durationMs }, 'transaction ended');
  }
}
