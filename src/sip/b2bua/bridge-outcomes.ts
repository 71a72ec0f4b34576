/**
 * What a bridge tells its caller while it rings, and how it ends when no
 * target can be connected: the parts of SipCall.bridge that need nothing of
 * the call but what they are given.
 */
import type { BridgePlan, BridgeResult } from '../../call/call.js';
import type { HangupCause } from '../../call/hangup-cause.js';
import type { SipResponse } from '../message/index.js';
import type { Fork } from './bridge-targets.js';
import { sessionBody, type SessionBody } from './session-body.js';
import type { RelayedBridge } from './media-bridge.js';
import type { OutboundLeg } from './outbound-leg.js';

export interface CallerProgress {
  /** A target rings (its first 180 or 183), once per bridge. */
  ringing(): void;
  progress(status: 180 | 183, session?: SessionBody): void;
}

/**
 * Ringing reaches the caller: the first 183 with SDP as early media (unless
 * the leg ignores it), else 180 — unless the caller hears our ringback
 * (`toCaller` false), which the targets' progress does not interrupt.
 */
export function progressToCaller(toCaller: boolean, caller: CallerProgress): (fork: Fork, response: SipResponse) => void {
  let earlyMedia = false;
  let ringing = false;
  return (fork, response) => {
    if (response.status !== 180 && response.status !== 183) return;
    if (!ringing) {
      ringing = true;
      caller.ringing();
    }
    if (!toCaller) return;
    const session = sessionBody(response);
    if (session && !earlyMedia && !fork.ignoreEarlyMedia) {
      earlyMedia = true;
      caller.progress(183, session);
    } else if (!earlyMedia) {
      caller.progress(180);
    }
  };
}

/** Every target of the plan failed with the same cause, before any was rung. */
export function failedEverywhere(plan: BridgePlan, cause: HangupCause): BridgeResult {
  return { answered: false, attempts: plan.groups.flat().map((leg) => ({ endpointIndex: leg.endpointIndex, cause })) };
}

/** A target answered a bridge the call can no longer have: it is ACKed and hung up. */
export function refusedAfterAnswer(leg: OutboundLeg, relay: RelayedBridge | undefined, endpointIndex: number, cause: HangupCause): BridgeResult {
  leg.ack();
  void leg.bye();
  void relay?.close();
  return { answered: false, attempts: [{ endpointIndex, cause }] };
}
