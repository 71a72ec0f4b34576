/**
 * A call on the built-in SIP server, as the routing engine sees it (the
 * `Call` interface): the caller's leg, its channel variables, and bridges
 * to the targets the schema names. While bridged it relays BYE, re-INVITE
 * and other in-dialog requests between the two legs; the SDP goes through
 * unchanged, so media flows between the phones.
 */
import { randomUUID } from 'node:crypto';
import { ChannelVariables } from '../../call/channel-variables.js';
import { callEndedReason, type BridgePlan, type BridgeResult, type Call, type CallState } from '../../call/call.js';
import { Q850_CODES, sipStatusFromCause, type HangupCause } from '../../call/hangup-cause.js';
import type { CallLegRecord } from '../../call/leg-record.js';
import type { CallOrigin } from '../../call/origin.js';
import type { PhoneStateTracker } from '../../directory/directory.js';
import { buildResponse, type SipRequest, type SipResponse } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { Fork, TargetContext } from './bridge-targets.js';
import type { DialogLeg } from './dialog-leg.js';
import { sessionBody, type InboundLeg, type SessionBody } from './inbound-leg.js';
import type { VariableLimits } from '../../call/variable-limits.js';
import type { LegJournal } from './leg-journal.js';
import { LegTimeline, type LegIdentity } from './leg-timeline.js';
import type { OutboundLeg } from './outbound-leg.js';
import { ring, type ForkObserver } from './ring-group.js';
import { inactiveAnswer, inactiveOffer } from './sdp.js';
import { outcomeStatus, type SipStack } from './sip-stack.js';

export interface SipCallOptions {
  stack: SipStack;
  leg: InboundLeg;
  origin: CallOrigin;
  /** The caller's channel variables (caller_id_number, destination_number, sip_h_*…). */
  variables: Record<string, string>;
  /** Where targets are found; the domain is set once the route is known (`setDomain`). */
  targets: Omit<TargetContext, 'domain' | 'callerIdNumber' | 'callerIdName'>;
  phoneState: PhoneStateTracker;
  recordLeg(leg: CallLegRecord): void;
  /** Legs in progress, so a crash does not lose their CDRs. */
  journal?: LegJournal;
  variableLimits?: VariableLimits;
}

const CALL_STATE_BY_PROGRESS = { 180: 'ringing', 183: 'early' } as const;
/** A leg's RFC 4028 session timer ran out: the cause of a timer expiring (Q.850 102). */
const SESSION_EXPIRED: HangupCause = 'RECOVERY_ON_TIMER_EXPIRE';

export class SipCall extends ChannelVariables implements Call {
  readonly uuid = randomUUID();
  readonly #options: SipCallOptions;
  readonly #leg: InboundLeg;
  readonly #abort = new AbortController();
  readonly #timeline: LegTimeline;
  #state: CallState = 'ringing';
  #hangupCause: HangupCause | undefined;
  #bridged: OutboundLeg | undefined;
  #usedGateway = false;
  #releaseCaller: (() => void) | undefined;

  constructor(options: SipCallOptions) {
    super(options.variableLimits);
    this.#options = options;
    this.#leg = options.leg;
    this.#timeline = new LegTimeline(options.stack.clock);
    for (const [name, value] of Object.entries(options.variables)) this.channel.set(name, value);
    this.channel.set('uuid', this.uuid);
    if (options.origin.kind === 'user') this.#releaseCaller = options.phoneState.beginCall(options.origin.domain, options.origin.userId);
    this.#leg.setup.onCancel = () => this.#ended('ORIGINATOR_CANCEL');
    this.#leg.setup.onAckTimeout = () => void this.hangup('RECOVERY_ON_TIMER_EXPIRE');
    this.#leg.events.onHangup = () => this.#ended('NORMAL_CLEARING');
    this.#leg.events.onSessionExpired = () => void this.hangup(SESSION_EXPIRED);
    this.#timeline.journalTo(options.journal, () => this.#callerIdentity());
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  get state(): CallState {
    return this.#state;
  }

  get hangupCause(): HangupCause | undefined {
    return this.#hangupCause;
  }

  async answer(): Promise<void> {
    if (!this.#leg.pending) return;
    const host = this.#options.stack.local.of(this.#leg.source).host;
    const offer = this.#leg.offer;
    if (this.#leg.answer({ body: offer ? inactiveAnswer(offer.body, host) : inactiveOffer(host), contentType: 'application/sdp' })) this.#markAnswered();
    else await this.hangup('PROTOCOL_ERROR');
  }

  async preAnswer(): Promise<void> {
    this.#progress(183);
  }

  async ringReady(): Promise<void> {
    this.#progress(180);
  }

  async hangup(cause: HangupCause): Promise<void> {
    if (this.#state === 'ended') return;
    const bridged = this.#bridged;
    if (this.#leg.pending) this.#leg.reject(sipStatusFromCause(cause), reasonHeader(cause));
    this.#ended(cause);
    await Promise.all([this.#leg.bye(reasonHeader(cause)), bridged?.bye(reasonHeader(cause))]);
  }

  async collectDigits(): Promise<string> {
    throw new Error('collecting DTMF needs media, which the built-in SIP server does not handle yet');
  }

  async bridge(plan: BridgePlan): Promise<BridgeResult> {
    if (this.#state === 'ended') return { answered: false, attempts: [] };
    const answeredBefore = this.#leg.answered;
    const outcome = await ring({
      stack: this.#options.stack,
      context: this.#targetContext(),
      plan,
      clock: this.#options.stack.clock,
      // A caller answered already holds our inactive SDP: the target makes the offer (RFC 3725 flow III).
      offer: answeredBefore ? undefined : this.#leg.offer,
      signal: this.#abort.signal,
      observer: this.#forkObserver(),
      log: (message) => this.#log(message),
    });
    if (!outcome.answered) return outcome;
    const { leg, response } = outcome;
    // The caller may have gone while the target answered.
    if (this.#abort.signal.aborted) {
      leg.ack();
      void leg.bye();
      return { answered: false, attempts: [{ endpointIndex: outcome.fork.endpointIndex, cause: 'ORIGINATOR_CANCEL' }] };
    }
    this.#bridged = leg;
    // Listening for either side's BYE from now on, also while the offer/answer completes.
    const conversation = this.#conversation(leg);
    await this.#connect(leg, response, answeredBefore);
    this.#timeline.bridge();
    const hangupCause = await conversation;
    this.#bridged = undefined;
    return { answered: true, endpointIndex: outcome.fork.endpointIndex, hangupCause, ringSeconds: outcome.ringSeconds, legUuid: leg.uuid };
  }

  /** Completes the offer/answer between the caller and the target that answered. */
  async #connect(leg: OutboundLeg, response: SipResponse, answeredBefore: boolean): Promise<void> {
    const answer = sessionBody(response);
    if (!answeredBefore) {
      if (!this.#leg.answer(answer)) {
        // The target answered a caller we cannot answer (gone, or no dialog possible): end the target's side too.
        leg.ack();
        void leg.bye();
        await this.hangup('PROTOCOL_ERROR');
        return;
      }
      this.#markAnswered();
      // With an offer in the INVITE the target's 2xx completed the exchange; otherwise the caller's ACK carries the answer.
      if (this.#leg.offer) leg.ack();
      else this.#leg.setup.onAck = (ack) => leg.ack(sessionBody(ack));
      return;
    }
    const reinvite = await this.#leg.reinvite(answer);
    const accepted = 'response' in reinvite && reinvite.response.status < 300;
    leg.ack(accepted ? sessionBody(reinvite.response) : undefined);
    // The caller refused the target's media: there is no conversation to have.
    if (!accepted && !this.#abort.signal.aborted) await this.hangup('INCOMPATIBLE_DESTINATION');
  }

  /** Relays in-dialog requests until one side hangs up; the other side then gets BYE. */
  #conversation(leg: OutboundLeg): Promise<HangupCause> {
    return new Promise((resolve) => {
      const finish = (cause: HangupCause) => resolve(cause);
      if (this.#abort.signal.aborted) {
        void leg.bye();
        return finish(this.#hangupCause ?? 'NORMAL_CLEARING');
      }
      relayRequests(this.#leg, leg);
      relayRequests(leg, this.#leg);
      leg.events.onSessionExpired = () => void this.hangup(SESSION_EXPIRED);
      this.#leg.events.onHangup = () => {
        this.channel.set('sip_hangup_disposition', 'recv_bye');
        void leg.bye();
        this.#ended('NORMAL_CLEARING');
        finish('NORMAL_CLEARING');
      };
      leg.events.onHangup = () => {
        this.channel.set('sip_hangup_disposition', 'send_bye');
        void this.#leg.bye();
        this.#ended('NORMAL_CLEARING');
        finish('NORMAL_CLEARING');
      };
      // hangup() (a shutdown, an ACK timeout) ends both legs itself.
      this.#abort.signal.addEventListener('abort', () => finish(this.#hangupCause ?? 'NORMAL_CLEARING'), { once: true });
    });
  }

  #targetContext(): TargetContext {
    return {
      ...this.#options.targets,
      domain: this.channel.get('domain_name') ?? '',
      callerIdNumber: this.channel.get('effective_caller_id_number') ?? this.channel.get('caller_id_number') ?? '',
      callerIdName: this.channel.get('effective_caller_id_name') ?? this.channel.get('caller_id_name'),
    };
  }

  /** Relays ringing to the caller, keeps the callees' phone state, and writes each fork's CDR when it ends. */
  #forkObserver(): ForkObserver {
    const timelines = new Map<OutboundLeg, { timeline: LegTimeline; release?: () => void }>();
    let earlyMedia = false;
    const finish = (fork: Fork, leg: OutboundLeg, cause: HangupCause) => {
      const entry = timelines.get(leg);
      if (!entry) return;
      timelines.delete(leg);
      entry.release?.();
      this.#options.recordLeg(entry.timeline.record(this.#forkIdentity(fork, leg), cause));
    };
    return {
      started: (fork, leg) => {
        if (fork.kind !== 'user') this.#usedGateway = true;
        const release = fork.userId === undefined ? undefined : this.#options.phoneState.beginRinging(fork.domain, fork.userId);
        const timeline = new LegTimeline(this.#options.stack.clock);
        timeline.journalTo(this.#options.journal, () => this.#forkIdentity(fork, leg));
        timelines.set(leg, { timeline, release });
      },
      answered: (fork, leg) => {
        const entry = timelines.get(leg);
        if (!entry) return;
        entry.release?.();
        entry.release = fork.userId === undefined ? undefined : this.#options.phoneState.beginCall(fork.domain, fork.userId);
        entry.timeline.answer();
        entry.timeline.bridge();
        leg.onEnded(() => finish(fork, leg, this.#hangupCause ?? 'NORMAL_CLEARING'));
      },
      progress: (fork, leg, response) => {
        const session = sessionBody(response);
        timelines.get(leg)?.timeline.progress(session !== undefined);
        if (response.status !== 180 && response.status !== 183) return;
        if (session && !earlyMedia && !fork.ignoreEarlyMedia) {
          earlyMedia = true;
          this.#progress(183, session);
        } else if (!earlyMedia) {
          this.#progress(180);
        }
      },
      failed: (fork, leg, cause) => finish(fork, leg, cause),
    };
  }

  #forkIdentity(fork: Fork, leg: OutboundLeg): LegIdentity {
    const direction = this.#options.origin.kind === 'user' ? (fork.kind === 'user' ? 'internal' : 'outbound') : 'inbound';
    return {
      uuid: leg.uuid,
      direction,
      domain: fork.domain,
      callerIdNumber: fork.callerIdNumber,
      callerIdName: fork.callerIdName,
      destinationNumber: fork.destinationNumber,
      // A user's call out through a gateway belongs to that user (FreeSWITCH copies presence_id to the B-leg).
      userId: fork.userId ?? (this.#options.origin.kind === 'user' ? this.#options.origin.userId : undefined),
      dialedUser: fork.userId,
      networkAddress: fork.target.destination.address,
      variables: { ...fork.variables, originating_leg_uuid: this.uuid, sip_call_id: leg.callId },
    };
  }

  #progress(status: 180 | 183, session?: SessionBody): void {
    if (!this.#leg.pending) return;
    this.#leg.provisional(status, session);
    this.#timeline.progress(session !== undefined);
    if (this.#state === 'ringing' || this.#state === 'early') this.#state = CALL_STATE_BY_PROGRESS[status];
  }

  #markAnswered(): void {
    this.#state = 'answered';
    this.#timeline.answer();
  }

  /** The call is over for the engine: abort what waits, free the caller's phone, write the caller's CDR. */
  #ended(cause: HangupCause): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    this.#hangupCause = cause;
    this.channel.set('hangup_cause', cause);
    this.#abort.abort(callEndedReason(cause));
    this.#releaseCaller?.();
    this.channel.set('webitel_direction', this.#callerDirection());
    this.#options.recordLeg(this.#timeline.record(this.#callerIdentity(), cause));
  }

  #callerDirection(): LegIdentity['direction'] {
    return this.#options.origin.kind !== 'user' ? 'inbound' : this.#usedGateway ? 'outbound' : 'internal';
  }

  #callerIdentity(): LegIdentity {
    const { origin } = this.#options;
    return {
      uuid: this.uuid,
      direction: this.#callerDirection(),
      domain: this.channel.get('domain_name') ?? '',
      callerIdNumber: this.channel.get('caller_id_number') ?? '',
      callerIdName: this.channel.get('caller_id_name'),
      destinationNumber: this.channel.get('destination_number') ?? '',
      userId: origin.kind === 'user' ? origin.userId : undefined,
      networkAddress: this.channel.get('sip_network_ip'),
      variables: Object.fromEntries(this.channel),
    };
  }

  #log(message: string): void {
    this.#options.stack.logger.info({ uuid: this.uuid }, message);
  }
}

/** Requests from `from` (re-INVITE, UPDATE, INFO…) go on to `to`; its final answer comes back. */
function relayRequests(from: DialogLeg, to: DialogLeg): void {
  from.events.onRequest = (request: SipRequest, transaction: ServerTransaction) => {
    void relayOne(request, transaction, from, to);
  };
}

async function relayOne(request: SipRequest, transaction: ServerTransaction, from: DialogLeg, to: DialogLeg): Promise<void> {
  const session = sessionBody(request);
  const outcome = request.method === 'INVITE' ? await to.reinvite(session) : await to.send(request.method, session);
  const status = outcomeStatus(outcome);
  const response = buildResponse(request, status, 'response' in outcome ? outcome.response.reason : undefined);
  const answer = 'response' in outcome ? sessionBody(outcome.response) : undefined;
  if (answer) {
    response.headers.set('content-type', answer.contentType);
    response.body = answer.body;
  }
  from.answerSessionRefresh(response);
  if (request.method !== 'INVITE') return transaction.respond(response);
  if (status < 300 && from.dialog) response.headers.set('contact', from.dialog.contact);
  from.respondToInvite(transaction, response);
}

/** RFC 3326: tells the other side why we ended the call. */
function reasonHeader(cause: HangupCause): Record<string, string> {
  return { reason: `Q.850;cause=${Q850_CODES[cause]};text="${cause}"` };
}
