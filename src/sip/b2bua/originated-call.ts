/**
 * A call the router placed (`originate`) as the routing engine sees it: a
 * leg that answered our media's offer, on which the originate's actions run.
 * It plays, collects digits and records on that media; its bridges place
 * another leg with our media and relay the two (place-leg.ts).
 */
import type { Logger } from 'pino';
import { CallLifecycle } from '../../call/call-lifecycle.js';
import { settle, type Continuation } from '../../call/continuation.js';
import {
  type BridgePlan,
  type BridgeResult,
  type Call,
  type DigitsRequest,
  type InbandDetection,
  type MessageRecording,
  type MessageRequest,
  type PlayItem,
  type PlayOutcome,
  type PlayRequest,
  type CallRecordingOptions,
  type RecordingSummary,
  type RedirectOutcome,
} from '../../call/call.js';
import type { CallEndedBy } from '../../call/call-end.js';
import type { HangupCause } from '../../call/hangup-cause.js';
import type { MediaEngine, MediaSession } from '../../media/media-engine.js';
import type { TargetContext } from './bridge-targets.js';
import { holdOnMedia } from './hold.js';
import type { LegMedia } from './leg-media.js';
import { collectDigitsOn, playOn, recordMessageOn, startRecordingOn, type RecordingPlace } from './media-actions.js';
import type { OutboundLeg } from './outbound-leg.js';
import { reasonHeader } from './call-ending.js';
import { placeLeg } from './place-leg.js';
import { RecordingHandoff } from './recording-handoff.js';
import { contactValues, deflect } from './redirect.js';
import type { ForkObserver } from './ring-group.js';
import type { SipStack } from './sip-stack.js';

export interface OriginatedCallOptions {
  uuid: string;
  stack: SipStack;
  leg: OutboundLeg;
  media: LegMedia;
  variables: Record<string, string>;
  engine: () => MediaEngine;
  /** Where this call's bridges find their targets, with this call's caller ID. */
  targets(): TargetContext;
  /** Watches the legs of this call's bridges (their CDRs and phone states). */
  forkObserver(): ForkObserver;
  recordingsDir: string;
  /** Bound to this call (its `uuid`): its lines do not name it again. */
  logger: Logger;
}

export class OriginatedCall extends CallLifecycle implements Call {
  readonly uuid: string;
  readonly #options: OriginatedCallOptions;
  readonly #recording = new RecordingHandoff();
  #bridged: OutboundLeg | undefined;
  /** Aborted once the switchboard connects this call to another: a hold in progress ends. */
  readonly #connecting = new AbortController();

  constructor(options: OriginatedCallOptions) {
    super('answered');
    this.#options = options;
    this.uuid = options.uuid;
    for (const [name, value] of Object.entries(options.variables)) this.channel.set(name, value);
    this.channel.set('uuid', this.uuid);
    this.channel.set('direction', 'outbound');
    // The party this call reached is the schema's caller: its BYE is the caller hanging up.
    options.leg.events.onHangup = () => this.#ended('NORMAL_CLEARING', 'caller');
    options.leg.events.onSessionExpired = () => void this.hangup('RECOVERY_ON_TIMER_EXPIRE');
  }

  /** It answered before anything ran on it. */
  async answer(): Promise<void> {}
  async preAnswer(): Promise<void> {}
  async ringReady(): Promise<void> {}
  /** Its media is always ours. */
  expectMedia(): void {}

  async hangup(cause: HangupCause): Promise<void> {
    if (this.hangupCause) return;
    const bridged = this.#bridged;
    this.#ended(cause, 'router');
    await Promise.all([this.#options.leg.bye(reasonHeader(cause)), bridged?.bye(reasonHeader(cause))]);
  }

  bridge(plan: BridgePlan, to: Continuation<BridgeResult>): void {
    settle(this.#bridge(plan), to);
  }

  async #bridge(plan: BridgePlan): Promise<BridgeResult> {
    if (this.hangupCause) return { answered: false, attempts: [] };
    const placed = await placeLeg({
      stack: this.#options.stack,
      context: this.#options.targets(),
      plan,
      media: this.#options.engine(),
      near: this.#options.media.session,
      signal: plan.stop ? AbortSignal.any([this.signal, plan.stop]) : this.signal,
      observer: this.#options.forkObserver(),
      logger: this.#options.logger,
    });
    if (!placed.answered) return placed;
    if (this.hangupCause) {
      void placed.leg.bye();
      await placed.media.close();
      return { answered: false, attempts: [{ endpointIndex: placed.endpointIndex, cause: 'ORIGINATOR_CANCEL' }] };
    }
    this.#bridged = placed.leg;
    this.channel.set('last_bridge_to', placed.leg.uuid);
    try {
      await this.#options.engine().relay(this.#options.media.session, placed.media.session);
      await new Promise<void>((resolve) => {
        placed.leg.events.onHangup = () => resolve();
        if (this.signal.aborted) resolve();
        else this.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      this.#bridged = undefined;
      // Our caller hung up: the other side is told (a leg that hung up itself is left alone).
      await placed.leg.bye();
      await placed.media.close();
    }
    return { answered: true, endpointIndex: placed.endpointIndex, hangupCause: this.hangupCause ?? 'NORMAL_CLEARING', ringSeconds: placed.ringSeconds, legUuid: placed.leg.uuid };
  }

  play(request: PlayRequest): Promise<PlayOutcome> {
    return playOn(this.#options.media, request, this.signal);
  }

  collectDigits(request: DigitsRequest): Promise<string> {
    return collectDigitsOn(this.#options.media, request, this.signal);
  }

  flushDigits(): void {
    this.#options.media.digits.flush();
  }

  startRecording(name: string, options?: CallRecordingOptions): Promise<string> {
    return startRecordingOn(this.#options.media, this.#recordingPlace(), name, this.#recording.started(options));
  }

  stopRecording(): Promise<RecordingSummary | undefined> {
    return this.#recording.stop(this.#options.media.session);
  }

  async echo(delayMs: number): Promise<void> {
    await this.#options.media.session.echo(delayMs);
    await this.ended();
  }

  detectInbandDigits(mode: InbandDetection): Promise<void> {
    return this.#options.media.session.detectInbandDigits(mode);
  }

  recordMessage(request: MessageRequest): Promise<MessageRecording> {
    return recordMessageOn(this.#options.media, this.#recordingPlace(), request);
  }

  #recordingPlace(): RecordingPlace {
    return { dir: this.#options.recordingsDir, domain: this.channel.get('domain_name') ?? '', uuid: this.uuid };
  }

  /** Answered already: a transfer of the far end (REFER). */
  async redirect(targets: readonly string[]): Promise<RedirectOutcome> {
    const values = contactValues(targets);
    if ('invalid' in values) return { kind: 'refused', reason: `not a SIP URI: ${JSON.stringify(values.invalid)}` };
    if (values.contacts.length === 0 || this.hangupCause) return { kind: 'refused', reason: this.hangupCause ? 'the call has ended' : 'no target to redirect to' };
    const outcome = await deflect(this.#options.leg, values.contacts[0], undefined, this.#options.stack.clock);
    if (outcome.kind === 'deflected') await this.hangup('BLIND_TRANSFER');
    return outcome;
  }

  hold(music: PlayItem | undefined, release: AbortSignal): Promise<'released' | 'ended'> {
    return holdOnMedia(this.#options.media, music, AbortSignal.any([release, this.#connecting.signal]), this.signal, (message) => this.#options.logger.info(message));
  }

  ended(): Promise<void> {
    return new Promise((resolve) => {
      if (this.signal.aborted) resolve();
      else this.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  /** For SipSwitchboard.connect: this call's media session, what it was hearing stopped. */
  async mediaForConnection(): Promise<MediaSession | string> {
    if (this.hangupCause) return 'the call has ended';
    if (this.#bridged) return 'the call is in a bridge';
    this.#connecting.abort();
    await this.#options.media.session.stopPlaying();
    return this.#options.media.session;
  }

  connectedTo(other: string): void {
    this.channel.set('last_bridge_to', other);
    this.#options.logger.info(`connected to call ${other}`);
  }

  #ended(cause: HangupCause, by: CallEndedBy): void {
    if (!this.markEnded(cause, by)) return;
    this.abortWaiters();
    void this.#recording.beforeClose(this.#options.media.session).then(() => this.#options.media.close());
  }
}
