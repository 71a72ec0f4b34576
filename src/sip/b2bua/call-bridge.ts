/**
 * The bridges of one call on the built-in SIP server: the caller's leg
 * rings a bridge plan's targets (through our media when the route needs it),
 * the target that answers is connected, and the conversation goes on —
 * across the transfers its parties make — until the call is hung up. What a
 * bridge does to the call itself (progress, answer, end) goes through the
 * options it is given; the call adapter is `sip-call.ts`.
 */
import type { BridgePlan, BridgeResult, Call } from '../../call/call.js';
import { holdMusicPrompt, namesPrompts, ringbackPrompt } from '../../call/channel-prompts.js';
import { sipStatusFromCause, type HangupCause } from '../../call/hangup-cause.js';
import { bridgeFailureCause } from '../../call/bridge-policy.js';
import type { MediaEngine } from '../../media/media-engine.js';
import type { SipRequest } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { TargetContext } from './bridge-targets.js';
import { failedEverywhere, progressToCaller, refusedAfterAnswer } from './bridge-outcomes.js';
import type { CallEnding } from './call-ending.js';
import type { CallTransfers, ConversationInProgress } from './call-transfers.js';
import type { CallerMedia } from './caller-media.js';
import { converse, talk, type Conversation, type ConversationCall, type ConversationEnd } from './conversation.js';
import type { Continuation } from '../../call/continuation.js';
import type { InboundLeg } from './inbound-leg.js';
import type { LegCauses } from './fork-record.js';
import type { LegBookkeeping } from './leg-bookkeeping.js';
import { RelayedBridge } from './media-bridge.js';
import type { OutboundLeg } from './outbound-leg.js';
import { ring } from './ring-group.js';
import type { SessionBody } from './session-body.js';
import type { SipStack } from './sip-stack.js';
import type { Transfer } from './transfer.js';

/** What a bridge needs of the call it belongs to. */
export interface CallBridgeOptions {
  /** The call as the engine sees it. */
  readonly call: Pick<Call, 'getVariable' | 'answer' | 'hangup' | 'hangupCause' | 'signal'>;
  readonly stack: SipStack;
  readonly leg: InboundLeg;
  /** The call's end, whoever ended it. */
  readonly ending: CallEnding;
  readonly callerMedia: CallerMedia;
  readonly transfers: CallTransfers;
  readonly legs: LegBookkeeping;
  media(): MediaEngine;
  /** The route needs our media (prompts, digits…): the caller's is made ours when the plan names prompts. */
  mediaExpected(): boolean;
  targetContext(): TargetContext;
  /** A target rings (its first 180 or 183). */
  ringing?(): void;
  /** A provisional response to the caller. */
  progress(status: 180 | 183, session?: SessionBody): void;
  /** The caller's leg was answered (by the target's 2xx). */
  answered(): void;
  /** A party of the conversation hung up; `disposition` is FreeSWITCH's sip_hangup_disposition. */
  conversationEnded(cause: HangupCause, disposition: 'recv_bye' | 'send_bye'): void;
  log(message: string): void;
}

export class CallBridge implements LegCauses {
  readonly #options: CallBridgeOptions;
  #target: OutboundLeg | undefined;

  constructor(options: CallBridgeOptions) {
    this.#options = options;
  }

  /** What an answered target's CDR ends with: its own cause when a transfer ended its leg, else the call's. */
  legCause(leg: OutboundLeg): HangupCause | undefined {
    return this.#options.transfers.legCause(leg) ?? this.#options.call.hangupCause;
  }

  /** The target the caller is talking with, while a bridge is up. */
  get target(): OutboundLeg | undefined {
    return this.#target;
  }

  /** Rings the plan; what the bridge came to goes to `to` (once the conversation is over, when a target answered). */
  bridge(plan: BridgePlan, to: Continuation<BridgeResult>): void {
    this.#ring(plan, to).then(
      (result) => result && to.resolve(result),
      (error: unknown) => to.reject(error),
    );
  }

  /** What the bridge came to when nobody talked; undefined when a conversation began (its end goes to `to`). */
  async #ring(plan: BridgePlan, to: Continuation<BridgeResult>): Promise<BridgeResult | undefined> {
    const options = this.#options;
    plan = options.transfers.legsOf(plan);
    const variable = (name: string) => options.call.getVariable(name);
    const callerMedia = await options.callerMedia.forBridge(options.mediaExpected() && namesPrompts(variable));
    if (options.ending.aborted) return { answered: false, attempts: [] };
    const answeredBefore = options.leg.answered;
    const log = (message: string) => options.log(message);
    // With the caller's media ours, the targets get our engine's offer, the caller hears ringback, and the two sessions are relayed.
    const relay = callerMedia && (await RelayedBridge.open(options.stack, options.media(), callerMedia, ringbackPrompt(variable, answeredBefore), log));
    if (relay && 'failure' in relay) return failedEverywhere(plan, relay.failure);
    const outcome = await ring({
      stack: options.stack,
      context: options.targetContext(),
      plan,
      clock: options.stack.clock,
      // A caller answered already holds our inactive SDP: the target makes the offer (RFC 3725 flow III).
      offer: relay ? relay.offer : answeredBefore ? undefined : options.leg.offer,
      signal: plan.stop ? AbortSignal.any([options.call.signal, plan.stop]) : options.ending,
      // The caller hearing our ringback is not told of the targets' ringing or early media.
      observer: options.legs.forkObserver(
        progressToCaller(relay === undefined, { ringing: () => options.ringing?.(), progress: (status, session) => options.progress(status, session) }),
        this,
      ),
      log,
    });
    await relay?.ringingOver();
    options.transfers.report(outcome.answered ? 200 : sipStatusFromCause(bridgeFailureCause(outcome.attempts)));
    if (!outcome.answered) {
      await relay?.close();
      return outcome;
    }
    const { leg, response, fork, ringSeconds } = outcome;
    // The caller may have gone while the target answered.
    if (options.ending.aborted) return refusedAfterAnswer(leg, relay, fork.endpointIndex, 'ORIGINATOR_CANCEL');
    if (relay && !(await relay.connect(leg, response, () => holdMusicPrompt(variable)))) return refusedAfterAnswer(leg, relay, fork.endpointIndex, 'INCOMPATIBLE_DESTINATION');
    // A caller on early media is answered with the SDP it already has.
    if (relay && options.leg.pending) await options.call.answer();
    if (options.ending.aborted) return refusedAfterAnswer(leg, relay, fork.endpointIndex, 'ORIGINATOR_CANCEL');
    // This frame ends here: it holds the ringing's outcome and the target's 200 OK, which the call no longer needs once connected.
    const conversation = this.#talking(leg, relay, { endpointIndex: fork.endpointIndex, ringSeconds, to });
    conversation.talk = converse(options.leg, leg, response, answeredBefore, conversation);
    return undefined;
  }

  /** A conversation with `target` begins: the call's transfers know of it (a REFER may end it, another call may take its target). */
  #talking(target: OutboundLeg, relay: RelayedBridge | undefined, report: BridgeReport): ConversationOfCall {
    this.#target = target;
    const conversation = new ConversationOfCall(this, this.#options, target, relay, report);
    this.#options.transfers.talking(conversation);
    return conversation;
  }

  /** The conversation is over: the call is hung up, or talks on with another leg (an attended transfer's), or the bridge's outcome goes to the flow. */
  async afterConversation(end: ConversationEnd, ended: ConversationOfCall): Promise<BridgeResult | undefined> {
    const options = this.#options;
    this.#target = undefined;
    const { target, relay, report } = ended;
    const next = await options.transfers.after(end, target, relay);
    if ('talk' in next) {
      const conversation = this.#talking(next.talk, next.relay, report);
      conversation.talk = talk(options.leg, next.talk, conversation);
      return undefined;
    }
    if (next.hangup) await options.call.hangup(next.result.hangupCause);
    return { answered: true, endpointIndex: report.endpointIndex, ringSeconds: report.ringSeconds, legUuid: target.uuid, ...next.result };
  }
}

/** What a bridge that connected its call reports when its conversations are over. */
interface BridgeReport {
  endpointIndex: number;
  ringSeconds: number;
  to: Continuation<BridgeResult>;
}

/** The cause an answered target's CDR ends with; made out here, since a closure in `bridge` would keep its whole scope for the conversation's length. */

/**
 * One conversation of a call's bridge: what it tells its call, and what the
 * call's transfers reach of it. Methods rather than an object of closures,
 * and its end told here rather than through a promise: a call in
 * conversation holds one small object for it, and nothing of the bridge
 * that set it up.
 */
class ConversationOfCall implements ConversationCall, ConversationInProgress {
  readonly #bridge: CallBridge;
  readonly #options: CallBridgeOptions;
  readonly mediaRelayed: boolean;
  /** Set once the conversation is made (it may end before: see Talk). */
  talk: Conversation | undefined;

  constructor(
    bridge: CallBridge,
    options: CallBridgeOptions,
    readonly target: OutboundLeg,
    readonly relay: RelayedBridge | undefined,
    readonly report: BridgeReport,
  ) {
    this.#bridge = bridge;
    this.#options = options;
    this.mediaRelayed = relay !== undefined;
  }

  get signal(): CallEnding {
    return this.#options.ending;
  }

  hangupCause(): HangupCause | undefined {
    return this.#options.call.hangupCause;
  }

  answered(): void {
    this.#options.answered();
  }

  bridged(): void {
    this.#options.legs.caller.bridge();
  }

  ended(cause: HangupCause, disposition: 'recv_bye' | 'send_bye'): void {
    this.#options.conversationEnded(cause, disposition);
  }

  hangup(cause: HangupCause): Promise<void> {
    return this.#options.call.hangup(cause);
  }

  referred(request: SipRequest, transaction: ServerTransaction, from: InboundLeg | OutboundLeg): Transfer | undefined {
    return this.#options.transfers.refer(request, transaction, from);
  }

  handOver(): void {
    this.talk?.handOver();
  }

  over(end: ConversationEnd): void {
    this.#options.transfers.over();
    const { to } = this.report;
    this.#bridge.afterConversation(end, this).then(
      (result) => result && to.resolve(result),
      (error: unknown) => to.reject(error),
    );
  }

  failed(error: unknown): void {
    this.#options.transfers.over();
    this.report.to.reject(error);
  }
}
