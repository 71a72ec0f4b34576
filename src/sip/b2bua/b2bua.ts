/**
 * The back-to-back user agent: the transaction user for calls. A new INVITE
 * is admitted (overload, loop and shutdown checks), its caller identified —
 * a configured gateway by source address, one of our users by digest
 * authentication (407, §22.3), else an anonymous caller of a public number —
 * and handed to the routing as a SipCall. In-dialog requests, ACKs and
 * CANCELs are delivered to the leg they belong to.
 */
import type { Logger } from 'pino';
import type { Call } from '../../call/call.js';
import type { CallLegRecord } from '../../call/leg-record.js';
import type { Directory } from '../../directory/directory.js';
import type { MediaEngine } from '../../media/media-engine.js';
import type { DigestAuthenticator } from '../auth/index.js';
import { dialogKey, tagOf } from '../dialog/dialog.js';
import { buildResponse, generateTag, parseNameAddr, type ExtraHeaders, type NameAddr, type SipRequest } from '../message/index.js';
import type { Binding } from '../registrar/index.js';
import type { ServerTransaction, TransactionLayer } from '../transaction/index.js';
import type { Destination, Source } from '../transport/index.js';
import type { GatewayDirectory } from './bridge-targets.js';
import { callerVariables } from './caller-variables.js';
import { negotiateAsUas } from '../dialog/session-timer.js';
import { OldestFirstDurationLimit } from './call-duration-limit.js';
import { InboundLeg } from './inbound-leg.js';
import type { VariableLimits } from '../../call/variable-limits.js';
import type { LegJournal } from './leg-journal.js';
import type { CallOrigin } from '../../call/origin.js';
import type { CallEvents, LiveCall } from '../live-calls.js';
import { SipCall, type SipCallOptions } from './sip-call.js';
import type { SipStack } from './sip-stack.js';
import { SipSwitchboard } from './switchboard.js';

export interface B2buaOptions {
  stack: Omit<SipStack, 'dialogs'>;
  transactions: Pick<TransactionLayer, 'findCancelledInvite'>;
  authenticator: DigestAuthenticator;
  directory: Directory;
  gateways: GatewayDirectory;
  contactsOf(domain: string, user: string): Binding[];
  /** A registered contact that a call could not reach (see TargetContext). */
  contactUnreachable(domain: string, user: string, binding: Binding, why: string): void;
  recordLeg(leg: CallLegRecord): void;
  /** The media engine for calls whose schema needs our media. */
  media(): MediaEngine;
  /** Where calls' recordings are written. */
  recordingsDir: string;
  journal?: LegJournal;
  variableLimits?: VariableLimits;
  /** Routing: picks the call's route and runs its schema (a party a caller transferred is such a call too). */
  onCall(call: Call, origin: CallOrigin): void;
  /** Calls not yet answered or ended, beyond which new INVITEs get 503. */
  maxCallsInSetup: number;
  /** Told when a call starts (once routed), rings, is answered and ends. */
  callEvents?: CallEvents;
  /** Calls are ended (ALLOTTED_TIMEOUT) this long after their INVITE. */
  maxCallDurationMs: number;
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
  /** Calls in progress, with when each started (epoch ms: a Date is an object more per call). */
  readonly #calls = new Map<SipCall, number>();
  readonly #callsEnded = new Set<() => void>();
  #refusing = false;
  /** Calls in progress as applications reach them beyond their own (hangup/bridge by uuid, park, pickup). */
  readonly switchboard: SipSwitchboard;
  #tooManyInSetup = false;
  readonly #durationLimit: OldestFirstDurationLimit;
  // What every call is given, made once rather than a function per call for as long as it lasts.
  readonly #localHost = (destination: Destination) => this.#stack.local.of(destination).host;
  readonly #callWithCallerDialog = (callId: string, localTag: string, remoteTag: string) =>
    [...this.#calls.keys()].find((other) => other.transfers.hasCallerDialog(callId, localTag, remoteTag))?.transfers;
  readonly #onAnswered = (call: SipCall) => this.#tell('call.answered', call);
  readonly #onRinging = (call: SipCall) => this.#tell('call.ringing', call);
  /** The transferred party is routed as a user of the caller's domain dialling the Refer-To's number. */
  readonly #routeTarget: NonNullable<SipCallOptions['routeTarget']> = (call, leg, media, variables) =>
    this.switchboard.adoptTransferred(call, leg, media, variables, (transferred) => this.#options.onCall(transferred, call.origin));

  constructor(options: B2buaOptions) {
    this.#options = options;
    this.#stack = { ...options.stack, dialogs: new Map() };
    this.#durationLimit = new OldestFirstDurationLimit(this.#calls, options.maxCallDurationMs, this.#stack.clock, (uuid) =>
      options.logger.warn({ uuid, maxSeconds: options.maxCallDurationMs / 1000 }, 'call reached its maximum duration: ending it'),
    );
    this.switchboard = new SipSwitchboard({
      stack: this.#stack,
      calls: () => this.#calls.keys(),
      media: options.media,
      recordingsDir: options.recordingsDir,
      maxCallDurationMs: options.maxCallDurationMs,
      logger: options.logger.child({ part: 'switchboard' }),
    });
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
    await Promise.all([...this.#calls.keys()].map((call) => call.hangup(cause)).concat(this.switchboard.hangupAll(cause)));
  }

  liveCalls(): LiveCall[] {
    return [...this.#calls.keys()].map((call) => this.#summary(call));
  }

  /** Ends one call at an administrator's request; false when it is not in progress. */
  async hangup(uuid: string): Promise<boolean> {
    const call = [...this.#calls.keys()].find((candidate) => candidate.uuid === uuid);
    if (!call) return false;
    await call.hangup('MANAGER_REQUEST');
    return true;
  }

  #summary(call: SipCall): LiveCall {
    return {
      uuid: call.uuid,
      state: call.state,
      domain: call.getVariable('domain_name') ?? '',
      callerIdNumber: call.getVariable('caller_id_number') ?? '',
      destinationNumber: call.getVariable('destination_number') ?? '',
      direction: call.getVariable('webitel_direction') ?? '',
      startedAt: new Date(this.#calls.get(call) ?? this.#stack.clock.now().getTime()).toISOString(),
    };
  }

  #invite(request: SipRequest, transaction: ServerTransaction, source: Source): void {
    const refuse = (status: number, headers?: ExtraHeaders, reason?: string) =>
      transaction.respond(buildResponse(request, status, reason, headers, generateTag()));
    if (this.#refusing) return refuse(503, { 'retry-after': DRAINING_RETRY_AFTER_SECONDS });
    const maxForwards = Number(request.headers.get('max-forwards') ?? DEFAULT_MAX_FORWARDS);
    if (!(maxForwards > 0)) return refuse(483);
    if (this.#pendingInvites.size >= this.#options.maxCallsInSetup) {
      // One warning per overload episode: at a few hundred refusals a second, a line each would add to the overload.
      if (!this.#tooManyInSetup) this.#options.logger.warn({ inSetup: this.#pendingInvites.size }, 'too many calls in setup: refusing with 503');
      this.#tooManyInSetup = true;
      return refuse(503, { 'retry-after': OVERLOAD_RETRY_AFTER_SECONDS });
    }
    this.#tooManyInSetup = false;
    const from = parseNameAddr(request.headers.get('from') ?? '', 'From');
    const to = parseNameAddr(request.headers.get('to') ?? '', 'To');
    if (!from.ok || !to.ok || !from.value.params.get('tag')) return refuse(400, undefined, 'Bad From or To');
    // §8.1.1.8: the dialog's remote target; without one the call could be answered but never ended.
    const contact = parseNameAddr(request.headers.get('contact') ?? '', 'Contact');
    if (!contact.ok) return refuse(400, undefined, 'Missing or Bad Contact');
    const timers = this.#stack.sessionTimers && negotiateAsUas(request, this.#stack.sessionTimers);
    if (timers && !timers.ok) return refuse(timers.status, timers.headers);
    const origin = this.#identify(request, source, from.value);
    if ('status' in origin) return refuse(origin.status, origin.headers, origin.reason);

    const leg = new InboundLeg(this.#stack, request, transaction, source, timers?.interval);
    this.#pendingInvites.set(transaction, leg);
    this.#untilSettled(transaction);
    this.#start(leg, origin, callerVariables({ request, source, from: from.value, to: to.value, origin, maxForwards }), maxForwards);
  }

  /**
   * The call of a new INVITE, routed. Its own method so the closures that live as long as the call (its events,
   * its duration limit) hold the call only, not the INVITE that #invite's closures read.
   */
  #start(leg: InboundLeg, origin: CallOrigin, variables: Record<string, string>, maxForwards: number): void {
    const call = new SipCall({
      stack: this.#stack,
      leg,
      origin,
      variables,
      targets: {
        directory: this.#options.directory,
        contactsOf: this.#options.contactsOf,
        contactUnreachable: this.#options.contactUnreachable,
        gateways: this.#options.gateways,
        localHost: this.#localHost,
        maxForwards: Math.min(maxForwards - 1, DEFAULT_MAX_FORWARDS),
      },
      phoneState: this.#options.directory.phoneState,
      recordLeg: this.#options.recordLeg,
      media: this.#options.media,
      recordingsDir: this.#options.recordingsDir,
      onAnswered: this.#onAnswered,
      onRinging: this.#onRinging,
      journal: this.#options.journal,
      variableLimits: this.#options.variableLimits,
      callWithCallerDialog: this.#callWithCallerDialog,
      routeTarget: this.#routeTarget,
      callerCannotTransfer: origin.kind === 'user' ? undefined : 'only a call from one of our users can send the party it called elsewhere',
    });
    this.#calls.set(call, this.#stack.clock.now().getTime());
    call.ending.addEventListener('abort', () => this.#forget(call));
    this.#durationLimit.watch();
    this.#options.onCall(call, origin);
    // After routing, which names the call's domain (a call already refused has told its end).
    if (this.#calls.has(call)) this.#tell('call.started', call);
  }

  #tell(type: 'call.started' | 'call.ringing' | 'call.answered', call: SipCall): void {
    const events = this.#options.callEvents;
    if (events?.listening) events.emit({ type, call: this.#summary(call) });
  }

  /**
   * In setup until the INVITE's final response (or its end without one: termination settles too). Its own
   * method so the listener's closure holds the transaction only, not the call: a UDP INVITE transaction
   * lives 32 s after the call's answer.
   */
  #untilSettled(transaction: ServerTransaction): void {
    transaction.onSettled(() => this.#pendingInvites.delete(transaction));
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
    const events = this.#options.callEvents;
    const summary = events?.listening ? this.#summary(call) : undefined;
    this.#calls.delete(call);
    if (summary) events?.emit({ type: 'call.ended', call: summary, hangupCause: call.hangupCause ?? 'NORMAL_CLEARING' });
    if (this.#calls.size > 0) return;
    for (const resolve of this.#callsEnded) resolve();
    this.#callsEnded.clear();
  }
}
