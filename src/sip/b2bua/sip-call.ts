/**
 * A call on the built-in SIP server as the routing engine sees it (the
 * `Call` adapter): the caller's leg, its channel variables, and bridges to
 * the legs of a bridge plan. The bridged conversation is `conversation.ts`,
 * the CDR timelines and phone state of each leg `leg-bookkeeping.ts`.
 */
import { randomUUID } from 'node:crypto';
import { ChannelVariables } from '../../call/channel-variables.js';
import { callEndedReason, type BridgePlan, type BridgeResult, type Call, type CallState } from '../../call/call.js';
import { Q850_CODES, sipStatusFromCause, type HangupCause } from '../../call/hangup-cause.js';
import type { CallLegRecord } from '../../call/leg-record.js';
import type { CallOrigin } from '../../call/origin.js';
import type { PhoneStateTracker } from '../../directory/directory.js';
import type { SipResponse } from '../message/index.js';
import type { Fork, TargetContext } from './bridge-targets.js';
import { converse } from './conversation.js';
import { sessionBody, type InboundLeg, type SessionBody } from './inbound-leg.js';
import { LegBookkeeping } from './leg-bookkeeping.js';
import type { OutboundLeg } from './outbound-leg.js';
import { ring } from './ring-group.js';
import { inactiveAnswer, inactiveOffer } from './sdp.js';
import type { SipStack } from './sip-stack.js';

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
}

const CALL_STATE_BY_PROGRESS = { 180: 'ringing', 183: 'early' } as const;

export class SipCall extends ChannelVariables implements Call {
  readonly uuid = randomUUID();
  readonly #options: SipCallOptions;
  readonly #leg: InboundLeg;
  readonly #abort = new AbortController();
  readonly #legs: LegBookkeeping;
  #state: CallState = 'ringing';
  #hangupCause: HangupCause | undefined;
  #bridged: OutboundLeg | undefined;

  constructor(options: SipCallOptions) {
    super();
    this.#options = options;
    this.#leg = options.leg;
    for (const [name, value] of Object.entries(options.variables)) this.channel.set(name, value);
    this.channel.set('uuid', this.uuid);
    this.#legs = new LegBookkeeping({ uuid: this.uuid, origin: options.origin, phoneState: options.phoneState, clock: options.stack.clock, recordLeg: options.recordLeg });
    this.#leg.setup.onCancel = () => this.#ended('ORIGINATOR_CANCEL');
    this.#leg.setup.onAckTimeout = () => void this.hangup('RECOVERY_ON_TIMER_EXPIRE');
    this.#leg.events.onHangup = () => this.#ended('NORMAL_CLEARING');
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
      observer: this.#legs.forkObserver(this.#relayProgress(), () => this.#hangupCause),
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
    const hangupCause = await converse(this.#leg, leg, response, answeredBefore, {
      signal: this.#abort.signal,
      hangupCause: () => this.#hangupCause,
      answered: () => this.#markAnswered(),
      bridged: () => this.#legs.caller.bridge(),
      ended: (cause, disposition) => {
        this.channel.set('sip_hangup_disposition', disposition);
        this.#ended(cause);
      },
      hangup: (cause) => this.hangup(cause),
    });
    this.#bridged = undefined;
    return { answered: true, endpointIndex: outcome.fork.endpointIndex, hangupCause, ringSeconds: outcome.ringSeconds, legUuid: leg.uuid };
  }

  #targetContext(): TargetContext {
    return {
      ...this.#options.targets,
      domain: this.channel.get('domain_name') ?? '',
      callerIdNumber: this.channel.get('caller_id_number') ?? '',
      callerIdName: this.channel.get('caller_id_name'),
    };
  }

  /** Ringing reaches the caller: the first 183 with SDP as early media (unless the leg ignores it), else 180. */
  #relayProgress(): (fork: Fork, response: SipResponse) => void {
    let earlyMedia = false;
    return (fork, response) => {
      if (response.status !== 180 && response.status !== 183) return;
      const session = sessionBody(response);
      if (session && !earlyMedia && !fork.ignoreEarlyMedia) {
        earlyMedia = true;
        this.#progress(183, session);
      } else if (!earlyMedia) {
        this.#progress(180);
      }
    };
  }

  #progress(status: 180 | 183, session?: SessionBody): void {
    if (!this.#leg.pending) return;
    this.#leg.provisional(status, session);
    this.#legs.caller.progress(session !== undefined);
    if (this.#state === 'ringing' || this.#state === 'early') this.#state = CALL_STATE_BY_PROGRESS[status];
  }

  #markAnswered(): void {
    this.#state = 'answered';
    this.#legs.caller.answer();
  }

  /** The call is over for the engine: abort what waits, free the caller's phone, write the caller's CDR. */
  #ended(cause: HangupCause): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    this.#hangupCause = cause;
    this.channel.set('hangup_cause', cause);
    this.#abort.abort(callEndedReason(cause));
    this.#legs.callerEnded(cause, this.channel);
  }

  #log(message: string): void {
    this.#options.stack.logger.info({ uuid: this.uuid }, message);
  }
}

/** RFC 3326: tells the other side why we ended the call. */
function reasonHeader(cause: HangupCause): Record<string, string> {
  return { reason: `Q.850;cause=${Q850_CODES[cause]};text="${cause}"` };
}
