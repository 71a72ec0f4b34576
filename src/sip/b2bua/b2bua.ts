/**
 * The back-to-back user agent: the transaction user for calls. A new INVITE
 * is admitted (overload, loop and shutdown checks), its caller identified —
 * a configured gateway by source address, one of our users by digest
 * authentication (407, §22.3), else an anonymous caller of a public number —
 * and handed to the routing as a SipCall. In-dialog requests, ACKs and
 * CANCELs are delivered to the leg they belong to.
 */
import type { Logger } from 'pino';
import type { CallLegRecord } from '../../call/leg-record.js';
import type { Directory } from '../../directory/directory.js';
import type { DigestAuthenticator } from '../auth/index.js';
import { dialogKey, tagOf } from '../dialog/dialog.js';
import { buildResponse, generateTag, parseNameAddr, type ExtraHeaders, type NameAddr, type SipRequest } from '../message/index.js';
import type { Binding } from '../registrar/index.js';
import type { ServerTransaction, TransactionLayer } from '../transaction/index.js';
import type { Source } from '../transport/index.js';
import type { GatewayDirectory } from './bridge-targets.js';
import { callerVariables } from './caller-variables.js';
import { InboundLeg } from './inbound-leg.js';
import type { CallOrigin } from '../../call/origin.js';
import { SipCall } from './sip-call.js';
import type { SipStack } from './sip-stack.js';

export interface B2buaOptions {
  stack: Omit<SipStack, 'dialogs'>;
  transactions: Pick<TransactionLayer, 'findCancelledInvite'>;
  authenticator: DigestAuthenticator;
  directory: Directory;
  gateways: GatewayDirectory;
  contactsOf(domain: string, user: string): Binding[];
  recordLeg(leg: CallLegRecord): void;
  /** Routing: picks the call's route and runs its schema. */
  onCall(call: SipCall, origin: CallOrigin): void;
  /** Calls not yet answered or ended, beyond which new INVITEs get 503. */
  maxCallsInSetup: number;
  logger: Logger;
}

/** How long refused callers are asked to wait (§21.5.4): an overload passes in seconds, a restart takes a few. */
const OVERLOAD_RETRY_AFTER_SECONDS = '5';
const DRAINING_RETRY_AFTER_SECONDS = '10';
const DEFAULT_MAX_FORWARDS = 70;

export class B2bua {
  readonly #options: B2buaOptions;
  readonly #stack: SipStack;
  readonly #pendingInvites = new Map<ServerTransaction, InboundLeg>();
  readonly #calls = new Set<SipCall>();
  readonly #callsEnded = new Set<() => void>();
  #refusing = false;

  constructor(options: B2buaOptions) {
    this.#options = options;
    this.#stack = { ...options.stack, dialogs: new Map() };
  }

  /** Calls in progress, answered or not. */
  get activeCalls(): number {
    return this.#calls.size;
  }

  get callsInSetup(): number {
    return this.#pendingInvites.size;
  }

  /** A request that is not a retransmission, for us because it is INVITE, CANCEL or inside a dialog. */
  handles(request: SipRequest): boolean {
    return request.method === 'INVITE' || request.method === 'CANCEL' || tagOf(request.headers.get('to')) !== undefined;
  }

  onRequest(request: SipRequest, transaction: ServerTransaction, source: Source): void {
    if (request.method === 'CANCEL') return this.#cancel(request, transaction);
    const toTag = tagOf(request.headers.get('to'));
    if (toTag !== undefined) return this.#inDialog(request, transaction, toTag);
    this.#invite(request, transaction, source);
  }

  onAck(ack: SipRequest): void {
    const toTag = tagOf(ack.headers.get('to'));
    const callId = ack.headers.get('call-id');
    if (toTag === undefined || callId === undefined) return;
    this.#stack.dialogs.get(dialogKey(callId, toTag))?.receiveAck(ack);
  }

  /** New calls get 503 from now on; calls in progress go on. */
  refuseNewCalls(): void {
    this.#refusing = true;
  }

  /** Resolves when no call is left, or after `timeoutMs`; true when none is left. */
  async callsFinished(timeoutMs: number): Promise<boolean> {
    if (this.#calls.size === 0) return true;
    let cancelTimer: (() => void) | undefined;
    let done: (() => void) | undefined;
    const finished = new Promise<boolean>((resolve) => {
      done = () => resolve(true);
      this.#callsEnded.add(done);
      cancelTimer = this.#stack.clock.setTimer(timeoutMs, () => resolve(false));
    });
    const result = await finished;
    cancelTimer?.();
    if (done) this.#callsEnded.delete(done);
    return result;
  }

  /** Ends every call: BYE to answered legs, an error response to ringing ones. */
  async hangupAll(cause: 'SYSTEM_SHUTDOWN' | 'MANAGER_REQUEST'): Promise<void> {
    await Promise.all([...this.#calls].map((call) => call.hangup(cause)));
  }

  #invite(request: SipRequest, transaction: ServerTransaction, source: Source): void {
    const refuse = (status: number, headers?: ExtraHeaders, reason?: string) =>
      transaction.respond(buildResponse(request, status, reason, headers, generateTag()));
    if (this.#refusing) return refuse(503, { 'retry-after': DRAINING_RETRY_AFTER_SECONDS });
    const maxForwards = Number(request.headers.get('max-forwards') ?? DEFAULT_MAX_FORWARDS);
    if (!(maxForwards > 0)) return refuse(483);
    if (this.#pendingInvites.size >= this.#options.maxCallsInSetup) {
      this.#options.logger.warn({ inSetup: this.#pendingInvites.size }, 'too many calls in setup: refusing with 503');
      return refuse(503, { 'retry-after': OVERLOAD_RETRY_AFTER_SECONDS });
    }
    const from = parseNameAddr(request.headers.get('from') ?? '', 'From');
    const to = parseNameAddr(request.headers.get('to') ?? '', 'To');
    if (!from.ok || !to.ok || !from.value.params.get('tag')) return refuse(400, undefined, 'Bad From or To');
    // §8.1.1.8: the dialog's remote target; without one the call could be answered but never ended.
    const contact = parseNameAddr(request.headers.get('contact') ?? '', 'Contact');
    if (!contact.ok) return refuse(400, undefined, 'Missing or Bad Contact');
    const origin = this.#identify(request, source, from.value);
    if ('status' in origin) return refuse(origin.status, origin.headers, origin.reason);

    const leg = new InboundLeg(this.#stack, request, transaction, source);
    this.#pendingInvites.set(transaction, leg);
    const call = new SipCall({
      stack: this.#stack,
      leg,
      origin,
      variables: callerVariables({ request, source, from: from.value, to: to.value, origin, maxForwards }),
      targets: {
        directory: this.#options.directory,
        contactsOf: this.#options.contactsOf,
        gateways: this.#options.gateways,
        localHost: (destination) => this.#stack.local.of(destination).host,
        maxForwards: Math.min(maxForwards - 1, DEFAULT_MAX_FORWARDS),
      },
      phoneState: this.#options.directory.phoneState,
      recordLeg: this.#options.recordLeg,
    });
    this.#calls.add(call);
    const settled = () => this.#pendingInvites.delete(transaction);
    transaction.onSettled(settled);
    transaction.onTerminated(settled);
    call.signal.addEventListener('abort', () => this.#forget(call), { once: true });
    this.#options.onCall(call, origin);
  }

  /** Gateway by source address; else a user of the From domain, authenticated; else anonymous. */
  #identify(request: SipRequest, source: Source, from: NameAddr): CallOrigin | { status: number; reason?: string; headers?: ExtraHeaders } {
    const gateway = this.#options.gateways.fromSource(source.address);
    if (gateway) return { kind: 'gateway', domain: gateway.domain, gateway: gateway.gateway.name, account: gateway.gateway.username };
    const domain = from.uri.host.toLowerCase();
    if (!this.#options.directory.domain(domain)) return { kind: 'anonymous' };
    const result = this.#options.authenticator.authenticate({ request, realm: domain, source, kind: 'proxy' });
    if (!result.ok) return { status: result.status, reason: result.reason, headers: result.headers };
    // Credentials of one user do not let a phone call as another (caller ID spoofing).
    if (from.uri.user !== result.username) return { status: 403, reason: 'From does not match the authenticated user' };
    return { kind: 'user', domain, userId: result.username };
  }

  #cancel(cancel: SipRequest, transaction: ServerTransaction): void {
    const invite = this.#options.transactions.findCancelledInvite(cancel);
    const leg = invite && this.#pendingInvites.get(invite);
    transaction.respond(buildResponse(cancel, leg ? 200 : 481));
    leg?.receiveCancel();
  }

  #inDialog(request: SipRequest, transaction: ServerTransaction, toTag: string): void {
    const receiver = this.#stack.dialogs.get(dialogKey(request.headers.get('call-id') ?? '', toTag));
    if (!receiver) return transaction.respond(buildResponse(request, 481));
    receiver.receiveRequest(request, transaction);
  }

  #forget(call: SipCall): void {
    this.#calls.delete(call);
    if (this.#calls.size > 0) return;
    for (const resolve of this.#callsEnded) resolve();
    this.#callsEnded.clear();
  }
}
