/**
 * What a SipCall's parts — its media and transfers (PartsOfCall), its
 * bridges (BridgeOfCall) — ask of it: methods of one object per part, where
 * options of closures cost a function each (with its context) for the whole
 * call.
 */
import type { Call, PlayItem } from '../../call/call.js';
import { holdMusicPrompt } from '../../call/channel-prompts.js';
import type { HangupCause } from '../../call/hangup-cause.js';
import type { VariableTable } from '../../call/variable-table.js';
import type { MediaEngine } from '../../media/media-engine.js';
import type { TargetContext } from './bridge-targets.js';
import type { CallBridgeOptions } from './call-bridge.js';
import type { CallEnding } from './call-ending.js';
import type { CallTransfers, TransferringCall } from './call-transfers.js';
import type { CallerMedia, CallerMediaOptions } from './caller-media.js';
import type { InboundLeg, InboundLegSetupEvents } from './inbound-leg.js';
import type { DialogLegEvents } from './dialog-leg.js';
import { SESSION_EXPIRED } from './conversation.js';
import type { LegBookkeeping } from './leg-bookkeeping.js';
import type { LegMedia } from './leg-media.js';
import type { RecordingHandoff } from './recording-handoff.js';
import type { SessionBody } from './session-body.js';
import type { SipCall, SipCallOptions } from './sip-call.js';
import type { SipStack } from './sip-stack.js';

/** What the parts reach of their call beyond the Call contract (SipCall has it; nothing but its parts is to use it). */
export interface SipCallCore extends Pick<Call, 'uuid' | 'hangupCause' | 'hangup' | 'answer' | 'stopRecording'> {
  /** The channel variables themselves. */
  readonly channelTable: VariableTable;
  readonly options: Omit<SipCallOptions, 'variables'>;
  readonly leg: InboundLeg;
  readonly callEnding: CallEnding;
  readonly legs: LegBookkeeping;
  readonly callerMedia: CallerMedia;
  readonly transfers: CallTransfers;
  readonly recording: RecordingHandoff;
  readonly mediaExpected: boolean;
  progress(status: 180 | 183, session?: SessionBody): void;
  markAnswered(): void;
  callerLeft(cause: 'ORIGINATOR_CANCEL' | 'NORMAL_CLEARING'): void;
  conversationEnded(cause: HangupCause, disposition: 'recv_bye' | 'send_bye'): void;
  refuse(status: 400 | 488 | 503, cause: HangupCause, why: string): void;
  log(message: string): void;
  targetContext(): TargetContext;
}

/** The caller's leg's handlers while the call is set up: methods of one object, where closures would each keep a context for the whole call. */
export class CallerSetup implements InboundLegSetupEvents {
  readonly #call: SipCall;

  constructor(call: SipCall) {
    this.#call = call;
  }

  onCancel(): void {
    this.#call.callerLeft('ORIGINATOR_CANCEL');
  }

  onAckTimeout(): void {
    void this.#call.hangup('RECOVERY_ON_TIMER_EXPIRE');
  }
}

/** The caller's leg's handlers once it has a dialog (a conversation replaces some while it lasts). */
export class CallerEvents implements DialogLegEvents {
  readonly #call: SipCall;

  constructor(call: SipCall) {
    this.#call = call;
  }

  onHangup(): void {
    this.#call.callerLeft('NORMAL_CLEARING');
  }

  onSessionExpired(): void {
    void this.#call.hangup(SESSION_EXPIRED);
  }
}

/** What the call's media (CallerMedia) and transfers (CallTransfers) ask of it. */
export class PartsOfCall implements CallerMediaOptions, TransferringCall {
  readonly #call: SipCall;

  constructor(call: SipCall) {
    this.#call = call;
  }

  get leg(): InboundLeg {
    return this.#call.leg;
  }

  get caller(): InboundLeg {
    return this.#call.leg;
  }

  get stack(): SipStack {
    return this.#call.options.stack;
  }

  get uuid(): string {
    return this.#call.uuid;
  }

  get channel(): VariableTable {
    return this.#call.channelTable;
  }

  get callerCannotTransfer(): string | undefined {
    return this.#call.options.callerCannotTransfer;
  }

  get callWithCallerDialog(): SipCallOptions['callWithCallerDialog'] {
    return this.#call.options.callWithCallerDialog;
  }

  get routeTarget(): TransferringCall['routeTarget'] {
    const call = this.#call;
    const route = call.options.routeTarget;
    return route && ((leg, media, variables) => route(call, leg, media, variables));
  }

  engine(): MediaEngine {
    return this.#call.options.media();
  }

  log(message: string): void {
    this.#call.log(message);
  }

  refuse(status: 400 | 488 | 503, cause: HangupCause, why: string): void {
    this.#call.refuse(status, cause, why);
  }

  hangup(cause: HangupCause): Promise<void> {
    return this.#call.hangup(cause);
  }

  answer(): Promise<void> {
    return this.#call.answer();
  }

  progress(body: SessionBody): void {
    this.#call.progress(183, body);
  }

  callerMedia(): LegMedia | undefined {
    return this.#call.callerMedia.current;
  }

  obtainCallerMedia(): Promise<LegMedia | undefined> {
    return this.#call.callerMedia.obtain();
  }

  holdMusic(): PlayItem {
    return holdMusicPrompt((name) => this.#call.channelTable.get(name));
  }

  hangupCause(): HangupCause | undefined {
    return this.#call.hangupCause;
  }

  followsTransfer(): boolean {
    return this.#call.recording.followsTransfer;
  }

  stopRecording(): Promise<unknown> {
    return this.#call.stopRecording();
  }
}

/** What the call's bridges (CallBridge) ask of it. */
export class BridgeOfCall implements CallBridgeOptions {
  readonly call: SipCall;

  constructor(call: SipCall) {
    this.call = call;
  }

  get stack(): SipStack {
    return this.call.options.stack;
  }

  get leg(): InboundLeg {
    return this.call.leg;
  }

  get ending(): CallEnding {
    return this.call.callEnding;
  }

  get callerMedia(): CallerMedia {
    return this.call.callerMedia;
  }

  get transfers(): CallTransfers {
    return this.call.transfers;
  }

  get legs(): LegBookkeeping {
    return this.call.legs;
  }

  media(): MediaEngine {
    return this.call.options.media();
  }

  mediaExpected(): boolean {
    return this.call.mediaExpected;
  }

  targetContext(): TargetContext {
    return this.call.targetContext();
  }

  ringing(): void {
    this.call.options.onRinging?.(this.call);
  }

  progress(status: 180 | 183, session?: SessionBody): void {
    this.call.progress(status, session);
  }

  answered(): void {
    this.call.markAnswered();
  }

  conversationEnded(cause: HangupCause, disposition: 'recv_bye' | 'send_bye'): void {
    this.call.conversationEnded(cause, disposition);
  }

  log(message: string): void {
    this.call.log(message);
  }
}
