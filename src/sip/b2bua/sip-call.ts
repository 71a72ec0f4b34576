/**
 * A call on the built-in SIP server as the routing engine sees it (the
 * `Call` adapter): the caller's leg, its channel variables, and bridges to
 * the legs of a bridge plan. The bridged conversation is `conversation.ts`,
 * the CDR timelines and phone state of each leg `leg-bookkeeping.ts`.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ChannelVariables } from '../../call/channel-variables.js';
import {
  CallEndedError,
  callEndedReason,
  type BridgePlan,
  type BridgeResult,
  type Call,
  type CallState,
  type DigitsRequest,
  type MessageRecording,
  type MessageRequest,
  type PlayOutcome,
  type PlayRequest,
  type RecordingSummary,
} from '../../call/call.js';
import { recordingPath } from '../../call/recording-path.js';
import { Q850_CODES, sipStatusFromCause, type HangupCause } from '../../call/hangup-cause.js';
import type { CallEndedBy } from '../../call/call-end.js';
import type { CallLegRecord } from '../../call/leg-record.js';
import type { CallOrigin } from '../../call/origin.js';
import type { PhoneStateTracker } from '../../directory/directory.js';
import type { MediaEngine } from '../../media/media-engine.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import type { MediaSession } from '../../media/media-engine.js';
import type { Fork, TargetContext } from './bridge-targets.js';
import { converse, SESSION_EXPIRED } from './conversation.js';
import { sessionBody, type InboundLeg, type SessionBody } from './inbound-leg.js';
import type { VariableLimits } from '../../call/variable-limits.js';
import { LegBookkeeping } from './leg-bookkeeping.js';
import { LegMedia } from './leg-media.js';
import type { LegJournal } from './leg-journal.js';
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
  /** The engine that terminates a caller's media when the schema plays prompts or collects digits (started on first use). */
  media(): MediaEngine;
  /** Where recordings are written: `<dir>/<domain>/<uuid>_<name>.wav`. */
  recordingsDir: string;
  /** The call was answered (once): for the live call list and its events. */
  onAnswered?(): void;
  /** Legs in progress, so a crash does not lose their CDRs. */
  journal?: LegJournal;
  variableLimits?: VariableLimits;
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
  #endedBy: CallEndedBy | undefined;
  #bridged: OutboundLeg | undefined;
  #mediaExpected = false;
  /** The caller's media, once we terminate it; calls that never need it pass the SDP through. */
  #media: LegMedia | undefined;

  constructor(options: SipCallOptions) {
    super(options.variableLimits);
    this.#options = options;
    this.#leg = options.leg;
    for (const [name, value] of Object.entries(options.variables)) this.channel.set(name, value);
    this.channel.set('uuid', this.uuid);
    this.#legs = new LegBookkeeping({
      uuid: this.uuid,
      origin: options.origin,
      phoneState: options.phoneState,
      clock: options.stack.clock,
      recordLeg: options.recordLeg,
      journal: options.journal,
      channel: this.channel,
    });
    this.#leg.setup.onCancel = () => this.#ended('ORIGINATOR_CANCEL', 'caller');
    this.#leg.setup.onAckTimeout = () => void this.hangup('RECOVERY_ON_TIMER_EXPIRE');
    this.#leg.events.onHangup = () => this.#ended('NORMAL_CLEARING', 'caller');
    this.#leg.events.onSessionExpired = () => void this.hangup(SESSION_EXPIRED);
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

  get endedBy(): CallEndedBy | undefined {
    return this.#endedBy;
  }

  expectMedia(): void {
    this.#mediaExpected = true;
  }

  async answer(): Promise<void> {
    if (!this.#leg.pending) return;
    if (this.#mediaExpected) return this.#answerWithMedia();
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
    this.#ended(cause, 'router');
    await Promise.all([this.#leg.bye(reasonHeader(cause)), bridged?.bye(reasonHeader(cause))]);
  }

  async play(request: PlayRequest): Promise<PlayOutcome> {
    const media = await this.#callerMedia();
    try {
      return await media.session.play(request.items, { terminators: request.terminators });
    } catch (error) {
      if (this.#abort.signal.aborted) return { reason: 'stopped' };
      // A prompt that cannot be played (missing, not a supported WAV) fails the app, not the call.
      return { reason: 'failed', error: (error as Error).message };
    }
  }

  async collectDigits(request: DigitsRequest): Promise<string> {
    const media = await this.#callerMedia();
    if (request.flush) media.digits.flush();
    return media.digits.collect(request, this.#abort.signal);
  }

  flushDigits(): void {
    this.#media?.digits.flush();
  }

  async startRecording(name: string): Promise<string> {
    const media = await this.#callerMedia();
    const path = recordingPath(this.#options.recordingsDir, this.channel.get('domain_name') ?? '', this.uuid, name);
    await mkdir(dirname(path), { recursive: true });
    await media.session.startRecording(path);
    this.#log(`recording to ${path}`);
    return path;
  }

  async stopRecording(): Promise<RecordingSummary | undefined> {
    return this.#media?.session.stopRecording();
  }

  async recordMessage(request: MessageRequest): Promise<MessageRecording> {
    const media = await this.#callerMedia();
    const { name, path: given, ...options } = request;
    const path = given ?? recordingPath(this.#options.recordingsDir, this.channel.get('domain_name') ?? '', this.uuid, name);
    await mkdir(dirname(path), { recursive: true });
    this.#log(`recording a message to ${path}`);
    try {
      return await media.session.recordMessage(path, options);
    } catch (error) {
      if (this.#abort.signal.aborted) throw new CallEndedError(this.#hangupCause ?? 'NORMAL_CLEARING');
      throw error;
    }
  }

  /** The caller's media session; a call not yet answered is answered with it. */
  async #callerMedia(): Promise<LegMedia> {
    if (!this.#media && this.#leg.pending) {
      this.#mediaExpected = true;
      await this.answer();
    }
    if (this.#media) return this.#media;
    if (this.#state === 'ended') throw new CallEndedError(this.#hangupCause ?? 'NORMAL_CLEARING');
    throw new Error('the call was answered without our media: the route was not known to need it');
  }

  /**
   * Answers with our engine's SDP: 488 when the caller offers no codec we
   * speak, 503 when no RTP port is left, 400 for a malformed offer. An
   * INVITE without an offer gets ours; the ACK brings the answer.
   */
  async #answerWithMedia(): Promise<void> {
    const engine = this.#options.media();
    const offer = this.#leg.offer;
    let session: MediaSession;
    let sdp: string;
    try {
      if (offer) {
        const answered = await engine.answer(offer.body.toString('utf8'));
        if (answered.kind === 'not-acceptable') return this.#refuse(488, 'INCOMPATIBLE_DESTINATION', answered.reason);
        ({ session, sdp } = answered);
      } else {
        ({ session, sdp } = await engine.offer());
        this.#leg.setup.onAck = (ack) => void this.#acceptAckAnswer(session, ack);
      }
    } catch (error) {
      const { name, message } = error as Error;
      if ((error as { code?: string }).code === 'MEDIA_PORTS_EXHAUSTED') return this.#refuse(503, 'NORMAL_TEMPORARY_FAILURE', message);
      if (name === 'SdpError') return this.#refuse(400, 'INCOMPATIBLE_DESTINATION', message);
      throw error;
    }
    // The caller may have gone while the engine opened the session.
    if (!this.#leg.answer({ body: Buffer.from(sdp, 'utf8'), contentType: 'application/sdp' })) {
      await session.close();
      if (this.#state !== 'ended') await this.hangup('PROTOCOL_ERROR');
      return;
    }
    this.#media = new LegMedia(session, this.#leg, this.#options.stack.logger.child({ uuid: this.uuid }));
    this.#media.answerRequests();
    this.#markAnswered();
    this.#log('answered with our media');
  }

  async #acceptAckAnswer(session: MediaSession, ack: SipRequest): Promise<void> {
    const answer = sessionBody(ack);
    try {
      if (!answer) throw new Error('the ACK carries no SDP answer to our offer');
      await session.acceptAnswer(answer.body.toString('utf8'));
    } catch (error) {
      this.#log(`the caller's answer to our media offer is unusable: ${(error as Error).message}`);
      await this.hangup('INCOMPATIBLE_DESTINATION');
    }
  }

  /** A final error response to the caller's INVITE, with why (logged and in a Warning header). */
  #refuse(status: 400 | 488 | 503, cause: HangupCause, why: string): void {
    this.#log(`refused with ${status}: ${why}`);
    this.#leg.reject(status, { warning: `399 callrouter ${JSON.stringify(why)}`, ...reasonHeader(cause) });
    this.#ended(cause, 'router');
  }

  async bridge(plan: BridgePlan): Promise<BridgeResult> {
    if (this.#state === 'ended') return { answered: false, attempts: [] };
    const answeredBefore = this.#leg.answered;
    // With the caller's media ours, the targets get our engine's offer and the two sessions are relayed.
    const calleeMedia = this.#media ? await this.#offerToTargets() : undefined;
    if (calleeMedia && 'failure' in calleeMedia) return failedEverywhere(plan, calleeMedia.failure);
    const outcome = await ring({
      stack: this.#options.stack,
      context: this.#targetContext(),
      plan,
      clock: this.#options.stack.clock,
      // A caller answered already holds our inactive SDP: the target makes the offer (RFC 3725 flow III).
      offer: calleeMedia ? { body: Buffer.from(calleeMedia.sdp, 'utf8'), contentType: 'application/sdp' } : answeredBefore ? undefined : this.#leg.offer,
      signal: this.#abort.signal,
      observer: this.#legs.forkObserver(this.#relayProgress(), () => this.#hangupCause),
      log: (message) => this.#log(message),
    });
    if (!outcome.answered) {
      await calleeMedia?.session.close();
      return outcome;
    }
    const { leg, response } = outcome;
    const refused = (cause: HangupCause): BridgeResult => {
      leg.ack();
      void leg.bye();
      void calleeMedia?.session.close();
      return { answered: false, attempts: [{ endpointIndex: outcome.fork.endpointIndex, cause }] };
    };
    // The caller may have gone while the target answered.
    if (this.#abort.signal.aborted) return refused('ORIGINATOR_CANCEL');
    const relayed = calleeMedia && (await this.#relayTo(leg, response, calleeMedia.session));
    if (relayed === false) return refused('INCOMPATIBLE_DESTINATION');
    this.#bridged = leg;
    const hangupCause = await converse(this.#leg, leg, response, answeredBefore, {
      signal: this.#abort.signal,
      mediaRelayed: relayed !== undefined,
      hangupCause: () => this.#hangupCause,
      answered: () => this.#markAnswered(),
      bridged: () => this.#legs.caller.bridge(),
      ended: (cause, disposition) => {
        this.channel.set('sip_hangup_disposition', disposition);
        this.#ended(cause, disposition === 'recv_bye' ? 'caller' : 'callee');
      },
      hangup: (cause) => this.hangup(cause),
    });
    this.#bridged = undefined;
    if (relayed) {
      await relayed.close();
      // The caller stays ours when the flow goes on after the bridge: it hears our prompts again.
      this.#media?.answerRequests();
    }
    return { answered: true, endpointIndex: outcome.fork.endpointIndex, hangupCause, ringSeconds: outcome.ringSeconds, legUuid: leg.uuid };
  }

  /** Our engine's offer for the targets of a bridge, or why there is none (no RTP port left). */
  async #offerToTargets(): Promise<{ session: MediaSession; sdp: string } | { failure: HangupCause }> {
    try {
      return await this.#options.media().offer();
    } catch (error) {
      this.#log(`no media for the bridge: ${(error as Error).message}`);
      return { failure: 'NORMAL_TEMPORARY_FAILURE' };
    }
  }

  /** Takes the target's answer into its session and relays it with the caller's; false when its answer is unusable. */
  async #relayTo(leg: OutboundLeg, response: SipResponse, session: MediaSession): Promise<LegMedia | false> {
    const caller = this.#media;
    const answer = sessionBody(response);
    try {
      if (!caller || !answer) throw new Error('the 2xx carries no SDP answer to our offer');
      await session.acceptAnswer(answer.body.toString('utf8'));
      await this.#options.media().relay(caller.session, session);
    } catch (error) {
      this.#log(`cannot relay to ${leg.uuid}: ${(error as Error).message}`);
      return false;
    }
    const media = new LegMedia(session, leg, this.#options.stack.logger.child({ uuid: leg.uuid }));
    media.answerRequests();
    return media;
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
    const first = this.#state !== 'answered';
    this.#state = 'answered';
    this.#legs.caller.answer();
    if (first) this.#options.onAnswered?.();
  }

  /** The call is over for the engine: abort what waits, free the caller's phone, write the caller's CDR. */
  #ended(cause: HangupCause, by: CallEndedBy): void {
    if (this.#state === 'ended') return;
    this.#state = 'ended';
    this.#hangupCause = cause;
    this.#endedBy = by;
    this.channel.set('hangup_cause', cause);
    this.#abort.abort(callEndedReason(cause));
    void this.#media?.close();
    this.#legs.callerEnded(cause, this.channel);
  }

  #log(message: string): void {
    this.#options.stack.logger.info({ uuid: this.uuid }, message);
  }
}

/** Every target of the plan failed with the same cause, before any was rung. */
function failedEverywhere(plan: BridgePlan, cause: HangupCause): BridgeResult {
  return { answered: false, attempts: plan.groups.flat().map((leg) => ({ endpointIndex: leg.endpointIndex, cause })) };
}

/** RFC 3326: tells the other side why we ended the call. */
function reasonHeader(cause: HangupCause): Record<string, string> {
  return { reason: `Q.850;cause=${Q850_CODES[cause]};text="${cause}"` };
}
