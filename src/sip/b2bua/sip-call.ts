/**
 * A call on the built-in SIP server as the routing engine sees it (the
 * `Call` adapter): the caller's leg, its channel variables, its media and
 * its end. Its bridges to the legs of a bridge plan are `call-bridge.ts`,
 * the bridged conversation `conversation.ts`, the CDR timelines and phone
 * state of each leg `leg-bookkeeping.ts`; what these parts ask of the call,
 * `sip-call-parts.ts`.
 */
import { CallLifecycle } from '../../call/call-lifecycle.js';
import type { Continuation } from '../../call/continuation.js';
import {
  CallEndedError,
  type BridgePlan,
  type BridgeResult,
  type Call,
  type DigitsRequest,
  type InbandDetection,
  type MessageRecording,
  type MessageRequest,
  type PlayOutcome,
  type PlayItem,
  type PlayRequest,
  type CallRecordingOptions,
  type RecordingSummary,
  type RedirectOutcome,
} from '../../call/call.js';
import { sipStatusFromCause, type HangupCause } from '../../call/hangup-cause.js';
import type { CallEndedBy } from '../../call/call-end.js';
import type { CallLegRecord } from '../../call/leg-record.js';
import type { CallOrigin } from '../../call/origin.js';
import type { PhoneStateTracker } from '../../directory/directory.js';
import type { MediaEngine, MediaSession } from '../../media/media-engine.js';
import { generateUuid } from '../message/index.js';
import type { TargetContext } from './bridge-targets.js';
import type { ForkObserver } from './ring-group.js';
import type { InboundLeg } from './inbound-leg.js';
import type { SessionBody } from './session-body.js';
import type { VariableLimits } from '../../call/variable-limits.js';
import type { VariableTable } from '../../call/variable-table.js';
import { LegBookkeeping } from './leg-bookkeeping.js';
import { CallerMedia } from './caller-media.js';
import type { LegMedia } from './leg-media.js';
import { collectDigitsOn, playOn, recordMessageOn, startRecordingOn, type RecordingPlace } from './media-actions.js';
import { CallEnding, reasonHeader, type StopSignal } from './call-ending.js';
import { RecordingHandoff } from './recording-handoff.js';
import type { LegJournal } from './leg-journal.js';
import { holdOnMedia } from './hold.js';
import { redirectCaller } from './redirect.js';
import { CallBridge } from './call-bridge.js';
import { BridgeOfCall, CallerEvents, CallerSetup, PartsOfCall, type SipCallCore } from './sip-call-parts.js';
import { inactiveAnswer, inactiveOffer } from './sdp.js';
import { CallTransfers, type TransferPartner, type TransferredTarget, type TransferringCall } from './call-transfers.js';
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
  onAnswered?(call: SipCall): void;
  /** A bridge target rings (its first 180 or 183). */
  onRinging?(call: SipCall): void;
  /** Legs in progress, so a crash does not lose their CDRs. */
  journal?: LegJournal;
  variableLimits?: VariableLimits;
  /** The transfers of the call in progress whose caller's leg has this dialog (an attended transfer's Replaces names it). */
  callWithCallerDialog?(callId: string, localTag: string, remoteTag: string): TransferPartner | undefined;
  /** The caller transferred the party it called: that leg is routed as a call of its own (see CallTransfers.sendTarget). */
  routeTarget?(call: SipCall, ...target: Parameters<NonNullable<TransferringCall['routeTarget']>>): TransferredTarget;
  /** Why this call's caller may not send the party it called elsewhere; undefined when it may. */
  callerCannotTransfer?: string;
}

const CALL_STATE_BY_PROGRESS = { 180: 'ringing', 183: 'early' } as const;

export class SipCall extends CallLifecycle implements Call, SipCallCore {
  readonly uuid = generateUuid();
  readonly options: Omit<SipCallOptions, 'variables'>;
  readonly leg: InboundLeg;
  /** What the SIP layer waits on for the call's end. */
  readonly callEnding = new CallEnding();
  readonly legs: LegBookkeeping;
  readonly #bridge: CallBridge;
  #mediaExpected = false;
  /** The caller's media, once we terminate it; calls that never need it pass the SDP through. */
  readonly callerMedia: CallerMedia;
  /** Answering with our media takes the engine a while: a second answer meanwhile (a call taken from a park) waits for the first. */
  #answeringWithMedia: Promise<void> | undefined;
  readonly recording = new RecordingHandoff();
  /** Aborted once the switchboard connects this call to another: a hold in progress ends. Made when first needed: most calls never hold. */
  #connecting: AbortController | undefined;
  readonly #transfers: CallTransfers;

  constructor(options: SipCallOptions) {
    super('ringing', options.variableLimits);
    // The variables live on in the channel: a second copy would last the whole call.
    const { variables, ...rest } = options;
    this.options = rest;
    this.leg = options.leg;
    // for…in, not Object.entries: no [name, value] array per variable of every call.
    for (const name in variables) this.channel.set(name, variables[name]);
    this.channel.set('uuid', this.uuid);
    this.legs = new LegBookkeeping({
      uuid: this.uuid,
      origin: options.origin,
      phoneState: options.phoneState,
      clock: options.stack.clock,
      recordLeg: options.recordLeg,
      journal: options.journal,
      channel: this.channel,
    });
    this.leg.setup = new CallerSetup(this);
    this.leg.events = new CallerEvents(this);
    const parts = new PartsOfCall(this);
    this.callerMedia = new CallerMedia(parts);
    this.#transfers = new CallTransfers(parts);
    this.#bridge = new CallBridge(new BridgeOfCall(this));
  }

  /** Who placed the call (a user, a gateway, …). */
  get origin(): CallOrigin {
    return this.options.origin;
  }

  /** What other calls' attended transfers reach of this one. */
  get transfers(): CallTransfers {
    return this.#transfers;
  }

  /** The call's end, for the SIP layer: as `signal`, without making one. */
  get ending(): StopSignal {
    return this.callEnding;
  }

  // What its parts (sip-call-parts.ts) reach of the call, beyond the Call contract.

  get channelTable(): VariableTable {
    return this.channel;
  }

  get mediaExpected(): boolean {
    return this.#mediaExpected;
  }

  /** A party of the conversation hung up; `disposition` is FreeSWITCH's sip_hangup_disposition. */
  conversationEnded(cause: HangupCause, disposition: 'recv_bye' | 'send_bye'): void {
    this.channel.set('sip_hangup_disposition', disposition);
    this.#ended(cause, disposition === 'recv_bye' ? 'caller' : 'callee');
  }

  /** The caller cancelled or hung up. */
  callerLeft(cause: 'ORIGINATOR_CANCEL' | 'NORMAL_CLEARING'): void {
    this.#ended(cause, 'caller');
  }

  /** A final error response to the caller's INVITE, with why (logged and in a Warning header). */
  refuse(status: 400 | 488 | 503, cause: HangupCause, why: string): void {
    this.log(`refused with ${status}: ${why}`);
    this.leg.reject(status, { warning: `399 callrouter ${JSON.stringify(why)}`, ...reasonHeader(cause) });
    this.#ended(cause, 'router');
  }

  expectMedia(): void {
    this.#mediaExpected = true;
  }

  async answer(): Promise<void> {
    if (this.#answeringWithMedia) return this.#answeringWithMedia;
    if (!this.leg.pending) return;
    const early = this.callerMedia.sdp;
    if (early) {
      if (this.leg.answer(early)) this.markAnswered();
      else await this.hangup('PROTOCOL_ERROR');
      return;
    }
    if (this.#mediaExpected) return (this.#answeringWithMedia = this.#answerWithMedia());
    const host = this.options.stack.local.of(this.leg.source).host;
    const offer = this.leg.offer;
    if (this.leg.answer({ body: offer ? inactiveAnswer(offer.body, host) : inactiveOffer(host), contentType: 'application/sdp' })) this.markAnswered();
    else await this.hangup('PROTOCOL_ERROR');
  }

  /** 183: with our SDP when the route needs our media (early media), else without SDP. */
  async preAnswer(): Promise<void> {
    if (this.#mediaExpected && !this.callerMedia.current && this.leg.offer) await this.callerMedia.openEarly();
    else this.progress(183, this.callerMedia.sdp);
  }

  async ringReady(): Promise<void> {
    this.progress(180);
  }

  async hangup(cause: HangupCause): Promise<void> {
    if (this.state === 'ended') return;
    const bridged = this.#bridge.target;
    if (this.leg.pending) this.leg.reject(sipStatusFromCause(cause), reasonHeader(cause));
    this.#ended(cause, 'router');
    await Promise.all([this.leg.bye(reasonHeader(cause)), bridged?.bye(reasonHeader(cause))]);
  }

  async play(request: PlayRequest): Promise<PlayOutcome> {
    return playOn(await this.#callerMedia(), request, this.signal);
  }

  async collectDigits(request: DigitsRequest): Promise<string> {
    return collectDigitsOn(await this.#callerMedia(), request, this.signal);
  }

  flushDigits(): void {
    this.callerMedia.current?.digits.flush();
  }

  async startRecording(name: string, options?: CallRecordingOptions): Promise<string> {
    const path = await startRecordingOn(await this.#callerMedia(), this.#recordingPlace(), name, this.recording.started(options));
    this.log(`recording to ${path}`);
    return path;
  }

  async stopRecording(): Promise<RecordingSummary | undefined> {
    return this.recording.stop(this.callerMedia.current?.session);
  }

  redirect(targets: readonly string[]): Promise<RedirectOutcome> {
    return redirectCaller(this.leg, targets, {
      ended: () => this.state === 'ended',
      log: (message) => this.log(message),
      redirected: () => this.#ended('REDIRECTION_TO_NEW_DESTINATION', 'router'),
      hangup: (cause) => this.hangup(cause),
      clock: this.options.stack.clock,
    });
  }

  async hold(music: PlayItem | undefined, release: AbortSignal): Promise<'released' | 'ended'> {
    await this.#answerForMedia();
    return holdOnMedia(await this.#callerMedia(), music, AbortSignal.any([release, (this.#connecting ??= new AbortController()).signal]), this.signal, (message) => this.log(message));
  }

  ended(): Promise<void> {
    const ending = this.callEnding;
    return new Promise((resolve) => {
      if (ending.aborted) resolve();
      else ending.addEventListener('abort', () => resolve());
    });
  }

  /**
   * The caller's media session for a connection to another call
   * (SipSwitchboard): a call not yet answered is answered with our media;
   * what it was hearing stops. Why it cannot be connected otherwise.
   */
  async mediaForConnection(): Promise<MediaSession | string> {
    if (this.state === 'ended') return 'the call has ended';
    if (this.#bridge.target) return 'the call is in a bridge';
    await this.#answerForMedia();
    const media = this.callerMedia.current;
    if (!media) return this.hangupCause ? 'the call has ended' : "the call was answered without the router's media";
    (this.#connecting ??= new AbortController()).abort();
    await media.session.stopPlaying();
    return media.session;
  }

  /**
   * What a call placed on this call's behalf (`originate`) rings with: this
   * call's targets and caller ID; its legs' CDRs are forks of this call, as
   * FreeSWITCH's originate B-legs name their originating leg.
   */
  onBehalf(): { targets: () => TargetContext; forkObserver: (hangupCause: () => HangupCause | undefined) => ForkObserver } {
    return { targets: () => this.targetContext(), forkObserver: (hangupCause) => this.legs.forkObserver(() => {}, { legCause: hangupCause }) };
  }

  /** Connected to another call by the switchboard: the CDR says bridged, `last_bridge_to` names it. */
  connectedTo(other: string): void {
    this.channel.set('last_bridge_to', other);
    this.legs.caller.bridge();
    this.log(`connected to call ${other}`);
  }

  async echo(delayMs: number): Promise<void> {
    const media = await this.#callerMedia();
    await media.session.echo(delayMs);
    this.log(`echoing the caller${delayMs > 0 ? ` ${delayMs} ms later` : ''}`);
    await this.ended();
  }

  async detectInbandDigits(mode: InbandDetection): Promise<void> {
    const media = await this.#callerMedia();
    await media.session.detectInbandDigits(mode);
  }

  async recordMessage(request: MessageRequest): Promise<MessageRecording> {
    await this.#answerForMedia();
    const media = await this.#callerMedia();
    this.log(`recording a message${request.path ? ` to ${request.path}` : ''}`);
    try {
      return await recordMessageOn(media, this.#recordingPlace(), request);
    } catch (error) {
      if (this.callEnding.aborted) throw new CallEndedError(this.hangupCause ?? 'NORMAL_CLEARING');
      throw error;
    }
  }

  #recordingPlace(): RecordingPlace {
    return { dir: this.options.recordingsDir, domain: this.channel.get('domain_name') ?? '', uuid: this.uuid };
  }

  /** Messages, parked calls and connections are answered calls, never early media. */
  async #answerForMedia(): Promise<void> {
    if (!this.leg.pending) return;
    this.#mediaExpected = true;
    await this.answer();
  }

  async #answerWithMedia(): Promise<void> {
    if (await this.callerMedia.open((body) => this.leg.answer(body))) {
      this.markAnswered();
      this.log('answered with our media');
    }
  }

  /** The caller's media session, made ours if need be (see CallerMedia.obtain). */
  async #callerMedia(): Promise<LegMedia> {
    // The transferred caller's new route answers it itself: the transfer has succeeded.
    this.#transfers.report(200);
    this.#mediaExpected = true;
    const media = await this.callerMedia.obtain();
    if (media) return media;
    throw new CallEndedError(this.hangupCause ?? 'NORMAL_CLEARING');
  }

  bridge(plan: BridgePlan, to: Continuation<BridgeResult>): void {
    if (this.state === 'ended') to.resolve({ answered: false, attempts: [] });
    else this.#bridge.bridge(plan, to);
  }

  targetContext(): TargetContext {
    return {
      ...this.options.targets,
      domain: this.channel.get('domain_name') ?? '',
      callerIdNumber: this.channel.get('caller_id_number') ?? '',
      callerIdName: this.channel.get('caller_id_name'),
    };
  }

  /** A provisional response to the caller (the call's state follows). */
  progress(status: 180 | 183, session?: SessionBody): void {
    if (!this.leg.pending) return;
    this.leg.provisional(status, session);
    this.legs.caller.progress(session !== undefined);
    if (this.state === 'ringing' || this.state === 'early') this.enterState(CALL_STATE_BY_PROGRESS[status]);
  }

  /** The caller's leg was answered. */
  markAnswered(): void {
    const first = this.state !== 'answered';
    this.enterState('answered');
    this.legs.caller.answer();
    if (first) this.options.onAnswered?.(this);
  }

  /** The call is over for the engine: abort what waits, free the caller's phone, write the caller's CDR. */
  #ended(cause: HangupCause, by: CallEndedBy): void {
    if (!this.markEnded(cause, by)) return;
    this.callEnding.end();
    // A caller that hangs up while transferred cancels the transfer (487); a route that ends the call fails it with its cause.
    this.#transfers.report(by === 'caller' ? 487 : sipStatusFromCause(cause));
    this.abortWaiters();
    void this.recording.beforeClose(this.callerMedia.current?.session).then(() => this.callerMedia.close());
    this.legs.callerEnded(cause, this.channel);
  }

  log(message: string): void {
    this.options.stack.logger.info({ uuid: this.uuid }, message);
  }
}
