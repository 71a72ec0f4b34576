/**
 * What one call on the SIP server keeps of transfers (transfer.ts): the
 * conversation a REFER may end and whose target another call's attended
 * transfer may take; the blind transfer whose transferor waits to hear how
 * the caller's next bridge went; who referred the caller (the legs of later
 * bridges say so); and the targets whose CDRs end with a cause of their own.
 *
 * An attended transfer joins the caller with the other call's target. When
 * both calls pass SDP through, re-INVITEs give each the other's SDP
 * (conversation.ts `join`) and the router stays out of the media. When our
 * media is in either call (prompts, ringback, a recording), both legs get
 * a session of ours — the ones they have, else by a re-INVITE with our
 * offer — and the engine relays them, so a recording of the caller goes on.
 *
 * A blind transfer by the caller sends the target away: its leg, on media
 * of ours, becomes a call of its own (TransferredTarget) that the routing
 * runs as it runs a new call, and this call ends.
 */
import type { BridgePlan } from '../../call/call.js';
import type { HangupCause } from '../../call/hangup-cause.js';
import type { VariableTable } from '../../call/variable-table.js';
import type { Replaces, SipRequest } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import { reasonHeader } from './call-ending.js';
import { join, type ConversationEnd } from './conversation.js';
import type { InboundLeg } from './inbound-leg.js';
import { LegMedia, reinviteOntoOurMedia } from './leg-media.js';
import { RelayedBridge } from './media-bridge.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { SipStack } from './sip-stack.js';
import { receiveRefer, referredLegs, transferVariables, type AttendedTransfer, type BlindTransfer, type Replacement, type Transfer, type TransferReport } from './transfer.js';
import type { MediaEngine, PlayItem } from '../../media/media-engine.js';

/** Another call, as an attended transfer reaches it. */
export interface TransferPartner {
  handOverTarget(adopterCause: () => HangupCause): Replacement | string;
}

/**
 * What the call does once a conversation ended: its bridge's outcome, the
 * call hung up with that cause first when `hangup`; or a conversation with
 * another leg (an attended transfer's), relayed by our engine when `relay`.
 */
export type AfterConversation =
  | { result: { hangupCause: HangupCause; transferredTo?: string; legUuid?: string }; hangup?: true }
  | { talk: OutboundLeg; relay: RelayedBridge | undefined };

/** The call a transferred target became: its end, for the CDR of the leg it kept. */
export interface TransferredTarget {
  readonly hangupCause: HangupCause | undefined;
}

/** What the transfers need of their call. */
export interface TransferringCall {
  readonly uuid: string;
  readonly channel: VariableTable;
  readonly stack: SipStack;
  readonly caller: InboundLeg;
  /** The caller's media when it is ours. */
  callerMedia(): LegMedia | undefined;
  /** The caller's media, made ours (a re-INVITE with our offer) if it is not yet. */
  obtainCallerMedia(): Promise<LegMedia | undefined>;
  engine(): MediaEngine;
  holdMusic(): PlayItem;
  hangupCause(): HangupCause | undefined;
  /** The call in progress whose caller's leg has this dialog (Call-ID, our tag, the caller's tag). */
  callWithCallerDialog?(callId: string, localTag: string, remoteTag: string): TransferPartner | undefined;
  /** Why the caller may not send the target elsewhere (it is no user of ours); undefined when it may. */
  callerCannotTransfer: string | undefined;
  /** Routes the target's leg, on media of ours, as a call of its own with these variables (the caller transferred it). */
  routeTarget?(leg: OutboundLeg, media: LegMedia, variables: Record<string, string>): TransferredTarget;
  /** The recording in progress goes on after a transfer (recordSession's followTransfer). */
  followsTransfer(): boolean;
  stopRecording(): Promise<unknown>;
  log(message: string): void;
}

/** A conversation of the call, as its transfers reach it. */
export interface ConversationInProgress {
  readonly target: OutboundLeg;
  readonly relay: RelayedBridge | undefined;
  /** Another call takes the target (its attended transfer): the legs part, both up. */
  handOver(): void;
}

export class CallTransfers {
  #conversation: ConversationInProgress | undefined;
  #pending: TransferReport | undefined;
  #referredBy: string | undefined;
  /** Made by the first transfer: most calls have none, and an empty WeakMap's table would last the whole call. */
  #legCauses: WeakMap<OutboundLeg, () => HangupCause> | undefined;

  constructor(private readonly call: TransferringCall) {}

  /** The conversation with `target` goes on until `over` (a REFER may end it, another call may take its target). */
  talking(conversation: ConversationInProgress): void {
    this.#conversation = conversation;
  }

  over(): void {
    this.#conversation = undefined;
  }

  /** How the conversation with `target` ended, carried out: see AfterConversation. `relay` closes here. */
  async after(end: ConversationEnd, target: OutboundLeg, relay: RelayedBridge | undefined): Promise<AfterConversation> {
    // A target the caller sends elsewhere keeps the session our relay gave it.
    const targetMedia = 'transferred' in end && end.transferred.kind === 'target' ? relay?.releaseCallee() : undefined;
    await relay?.close();
    if ('cause' in end) return { result: { hangupCause: end.cause } };
    // The target now talks to the transferor's other call; our caller, the transferor, is done.
    if ('handedOver' in end) return { result: { hangupCause: 'ATTENDED_TRANSFER' }, hangup: true };
    const transfer = end.transferred;
    this.#accepted(transfer);
    if (transfer.kind !== 'attended') {
      if (transfer.kind === 'blind') return { result: { hangupCause: 'BLIND_TRANSFER', transferredTo: transfer.destination } };
      // The caller sent the target elsewhere: the call is over for it.
      await this.#sendTarget(transfer, target, targetMedia);
      return { result: { hangupCause: 'BLIND_TRANSFER' }, hangup: true };
    }
    const joined = await this.#join(transfer);
    if (!joined) return { result: { hangupCause: 'INCOMPATIBLE_DESTINATION', legUuid: transfer.leg.uuid }, hangup: true };
    return { talk: transfer.leg, relay: joined.relay };
  }

  /** Answers a party's REFER (transfer.ts); the transfer when it was accepted. */
  refer(request: SipRequest, transaction: ServerTransaction, from: InboundLeg | OutboundLeg): Transfer | undefined {
    const { call } = this;
    return receiveRefer(request, transaction, from, {
      domain: call.channel.get('domain_name') ?? '',
      clock: call.stack.clock,
      fromCaller: from === call.caller,
      callerCannotTransfer: call.routeTarget ? call.callerCannotTransfer : 'calls of this kind cannot send their target elsewhere',
      takeOver: (replaces) => this.#takeOver(replaces),
      log: (message) => call.log(message),
    });
  }

  /**
   * A transfer ended the conversation: FreeSWITCH's variables, the
   * transferor's CDR cause, a recording not told to follow stopped. A blind
   * transfer's transferor waits for the caller's next outcome (`report`).
   */
  #accepted(transfer: Transfer): void {
    const { call } = this;
    const { report } = transfer;
    if (transfer.kind === 'target') return call.log(`blind transfer by the caller (REFER): the party it called goes to ${transfer.destination}`);
    this.#setLegCause(report.transferor as OutboundLeg, () => report.cause);
    for (const [name, value] of Object.entries(transferVariables(transfer, call.uuid, call.stack.clock.now(), call.channel.get('transfer_history')))) call.channel.set(name, value);
    if (!call.followsTransfer()) void call.stopRecording();
    if (transfer.kind === 'attended') return call.log(`attended transfer by ${report.transferor.uuid} (REFER with Replaces): the caller goes to ${transfer.leg.uuid}`);
    call.log(`blind transfer by ${report.transferor.uuid} (REFER): the caller goes to ${transfer.destination}`);
    this.#pending = report;
    this.#referredBy = transfer.referredBy;
  }

  /** The blind transfer in progress, if any, is over: its transferor hears `status` (200: the caller's new call was answered), its leg ends. */
  report(status: number): void {
    const report = this.#pending;
    this.#pending = undefined;
    void report?.settle(status);
  }

  /**
   * The attended transfer's replacement and the caller get each other's
   * media: `relay` when our engine relays them, undefined when their SDP
   * passes through; false when they cannot (both are to be ended).
   */
  async #join(transfer: AttendedTransfer): Promise<{ relay: RelayedBridge | undefined } | false> {
    const { leg, media, report } = transfer;
    const joined = media || this.call.callerMedia() ? await this.#relay(leg, media) : (await join(this.call.caller, leg)) || 'the caller and the new party agreed on no media';
    if (typeof joined !== 'string') {
      void report.settle(200);
      return { relay: joined === true ? undefined : joined };
    }
    this.call.log(`attended transfer failed: ${joined}`);
    void media?.close();
    void leg.bye(reasonHeader('INCOMPATIBLE_DESTINATION'));
    await report.settle(488);
    return false;
  }

  /** Both legs on sessions of ours, relayed; why not. */
  async #relay(leg: OutboundLeg, media: LegMedia | undefined): Promise<RelayedBridge | string> {
    const { call } = this;
    let caller: LegMedia | undefined;
    let callee = media;
    try {
      caller = await call.obtainCallerMedia();
      if (!caller) return 'the caller has gone';
      if (!callee) {
        const { session } = await reinviteOntoOurMedia(leg, call.engine(), { near: caller.session });
        callee = new LegMedia(session, leg, call.stack.logger.child({ uuid: leg.uuid }), call.stack.clock);
      }
    } catch (error) {
      return (error as Error).message;
    }
    return RelayedBridge.between(call.stack, call.engine(), caller, callee, () => call.holdMusic(), (message) => call.log(message));
  }

  /**
   * The caller sent the target elsewhere: the target's leg, on media of
   * ours (its session from the bridge's relay, else a re-INVITE with our
   * offer), is routed as a call of its own; the transferor hears 200 once
   * that call's route runs (as FreeSWITCH reports its transfers), or 488.
   */
  async #sendTarget(transfer: BlindTransfer, leg: OutboundLeg, media: LegMedia | undefined): Promise<void> {
    const { call } = this;
    let ours = media;
    try {
      ours ??= new LegMedia((await reinviteOntoOurMedia(leg, call.engine())).session, leg, call.stack.logger.child({ uuid: leg.uuid }), call.stack.clock);
    } catch (error) {
      call.log(`blind transfer by the caller failed: the party it called: ${(error as Error).message}`);
      void leg.bye(reasonHeader('INCOMPATIBLE_DESTINATION'));
      return transfer.report.settle(488);
    }
    const variables = {
      ...transferVariables(transfer, leg.uuid, call.stack.clock.now(), undefined),
      domain_name: call.channel.get('domain_name') ?? '',
      destination_number: transfer.destination,
      caller_id_number: call.channel.get('destination_number') ?? '',
    };
    // receiveRefer refuses a caller's REFER where nothing could route the target.
    const routed = call.routeTarget?.(leg, ours, variables) ?? { hangupCause: 'NORMAL_TEMPORARY_FAILURE' as const };
    this.#setLegCause(leg, () => routed.hangupCause ?? 'NORMAL_CLEARING');
    await transfer.report.settle(200);
  }

  /** Once the caller was transferred, the legs of its bridges name who referred it (RFC 3892 §3). */
  legsOf(plan: BridgePlan): BridgePlan {
    return this.#referredBy ? referredLegs(plan, this.#referredBy) : plan;
  }

  /** The cause an answered target's CDR ends with, when it is not the call's. */
  legCause(leg: OutboundLeg): HangupCause | undefined {
    return this.#legCauses?.get(leg)?.();
  }

  #setLegCause(leg: OutboundLeg, cause: () => HangupCause): void {
    (this.#legCauses ??= new WeakMap()).set(leg, cause);
  }

  /**
   * The caller of this call transfers the party it talks to into another
   * call (attended transfer): the target is that call's from now on, its CDR
   * ending as that call does; this call's conversation ends. Why not, when it cannot.
   */
  handOverTarget(adopterCause: () => HangupCause): Replacement | string {
    const conversation = this.#conversation;
    if (!conversation) return 'the call it names is not bridged';
    this.#setLegCause(conversation.target, adopterCause);
    conversation.handOver();
    return { leg: conversation.target, media: conversation.relay?.releaseCallee() };
  }

  /** The caller's leg has this dialog. */
  hasCallerDialog(callId: string, localTag: string, remoteTag: string): boolean {
    const dialog = this.call.caller.dialog;
    return dialog !== undefined && dialog.callId === callId && dialog.localTag === localTag && dialog.remoteTag === remoteTag;
  }

  /** An attended transfer's Replaces names the caller's leg of another call (RFC 3891 §3: to-tag ours, from-tag the phone's): that call's target, or why not. */
  #takeOver(replaces: Replaces): Replacement | string {
    if (this.hasCallerDialog(replaces.callId, replaces.toTag, replaces.fromTag)) return 'it names this call';
    const other = this.call.callWithCallerDialog?.(replaces.callId, replaces.toTag, replaces.fromTag);
    if (!other) return "no other call has the dialog it names as its caller's leg";
    // A BYE from our caller reaches the adopted target before this call has a cause.
    return other.handOverTarget(() => this.call.hangupCause() ?? 'NORMAL_CLEARING');
  }
}
