/**
 * A leg placed with the router's own media (RFC 3725 has the B2BUA make the
 * offer): our engine's offer goes to the targets of a plan, the one that
 * answers has its answer taken into that session, and its in-dialog media
 * requests are answered by the engine from then on. An originated call is
 * one such leg; its bridges place another and relay the two.
 */
import type { Logger } from 'pino';
import type { BridgeAttempt, BridgePlan } from '../../call/call.js';
import type { HangupCause } from '../../call/hangup-cause.js';
import type { MediaEngine, MediaSession } from '../../media/media-engine.js';
import type { TargetContext } from './bridge-targets.js';
import { sessionBody } from './session-body.js';
import { LegMedia } from './leg-media.js';
import type { OutboundLeg } from './outbound-leg.js';
import { ring, type ForkObserver } from './ring-group.js';
import type { SipStack } from './sip-stack.js';

export interface PlaceLegRequest {
  stack: SipStack;
  context: TargetContext;
  plan: BridgePlan;
  media: MediaEngine;
  /** The session the new leg's media will be relayed with, if any: the new one opens beside it. */
  near?: MediaSession;
  /** Aborted when whoever placed the leg gives up: the targets are cancelled. */
  signal: AbortSignal;
  observer: ForkObserver;
  /** Bound to the call the leg is placed for (its `uuid`): the leg's own lines add `leg`. */
  logger: Logger;
}

export type PlacedLeg =
  | { answered: true; leg: OutboundLeg; media: LegMedia; endpointIndex: number; ringSeconds: number }
  | { answered: false; attempts: BridgeAttempt[] };

export async function placeLeg(request: PlaceLegRequest): Promise<PlacedLeg> {
  const { plan, logger } = request;
  const failed = (cause: HangupCause): PlacedLeg => ({ answered: false, attempts: plan.groups.flat().map((leg) => ({ endpointIndex: leg.endpointIndex, cause })) });
  let offer: Awaited<ReturnType<MediaEngine['offer']>>;
  try {
    offer = await request.media.offer({ near: request.near });
  } catch (error) {
    logger.info({ err: error }, 'no media for a new leg');
    return failed('NORMAL_TEMPORARY_FAILURE');
  }
  const outcome = await ring({
    stack: request.stack,
    context: request.context,
    plan,
    clock: request.stack.clock,
    offer: { body: Buffer.from(offer.sdp, 'utf8'), contentType: 'application/sdp' },
    signal: request.signal,
    observer: request.observer,
    log: (message) => logger.info(message),
  });
  if (!outcome.answered) {
    await offer.session.close();
    return outcome;
  }
  const { leg, response, fork } = outcome;
  leg.ack();
  const answer = sessionBody(response);
  try {
    if (!answer) throw new Error('the 2xx carries no SDP answer to our offer');
    await offer.session.acceptAnswer(answer.body.toString('utf8'));
  } catch (error) {
    logger.info({ leg: leg.uuid, err: error }, 'the new leg answered with unusable media: hung up');
    void leg.bye();
    await offer.session.close();
    return { answered: false, attempts: [{ endpointIndex: fork.endpointIndex, cause: 'INCOMPATIBLE_DESTINATION' }] };
  }
  const media = new LegMedia(offer.session, leg, logger.child({ leg: leg.uuid }), request.stack.clock);
  media.answerRequests();
  return { answered: true, leg, media, endpointIndex: fork.endpointIndex, ringSeconds: outcome.ringSeconds };
}
