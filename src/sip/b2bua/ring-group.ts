/**
 * Rings the forks of a bridge (FreeSWITCH's originate): `multiple` rings
 * every endpoint at once and the first 2xx wins, the others get CANCEL;
 * `failover` rings endpoint after endpoint. Each fork rings for its own
 * `leg_timeout`. When nobody answers, one cause is reported for the whole
 * bridge (see `overallCause`).
 */
import type { BridgeAttempt, BridgeRequest } from '../../call/call.js';
import { causeFromSipStatus, type HangupCause } from '../../call/hangup-cause.js';
import type { SipResponse } from '../message/index.js';
import { resolveEndpoint, type Fork, type TargetContext } from './bridge-targets.js';
import type { SessionBody } from './inbound-leg.js';
import { OutboundLeg } from './outbound-leg.js';
import type { SipStack } from './sip-stack.js';

/** What the call hears of each fork: for relaying ringing, the phone state and the CDRs. */
export interface ForkObserver {
  started(fork: Fork, leg: OutboundLeg): void;
  progress(fork: Fork, leg: OutboundLeg, response: SipResponse): void;
  /** The fork won: it is the bridged leg from now on. */
  answered(fork: Fork, leg: OutboundLeg): void;
  /** The fork stopped ringing without winning: rejected, timed out, cancelled or lost the race. */
  failed(fork: Fork, leg: OutboundLeg, cause: HangupCause): void;
}

export interface RingRequest {
  stack: SipStack;
  context: TargetContext;
  bridge: BridgeRequest;
  /** The caller's SDP offer for every fork; none for a late-offer INVITE. */
  offer: SessionBody | undefined;
  /** Aborted when the caller goes away: every fork is cancelled. */
  signal: AbortSignal;
  observer: ForkObserver;
  log(message: string): void;
}

export type RingOutcome =
  | { answered: true; leg: OutboundLeg; fork: Fork; response: SipResponse; ringSeconds: number }
  | { answered: false; cause: HangupCause; attempts: BridgeAttempt[] };

export async function ring(request: RingRequest): Promise<RingOutcome> {
  const attempts: BridgeAttempt[] = [];
  const endpoints = request.bridge.endpoints.map((_, index) => index);
  const groups = request.bridge.strategy === 'failover' ? endpoints.map((index) => [index]) : [endpoints];
  for (const group of groups) {
    if (request.signal.aborted) break;
    const resolved = await Promise.all(group.map((index) => resolveEndpoint(request.context, request.bridge, index)));
    const forks: Fork[] = [];
    for (const endpoint of resolved) {
      if ('forks' in endpoint) forks.push(...endpoint.forks);
      else {
        request.log(`endpoints[${endpoint.endpointIndex}]: ${endpoint.reason} (${endpoint.cause})`);
        attempts.push({ endpointIndex: endpoint.endpointIndex, cause: endpoint.cause });
      }
    }
    if (forks.length === 0) continue;
    const outcome = await ringForks(request, forks);
    if ('leg' in outcome) return outcome;
    attempts.push(...outcome.attempts);
  }
  const cause = request.signal.aborted ? 'ORIGINATOR_CANCEL' : overallCause(attempts);
  return { answered: false, cause, attempts };
}

/**
 * When every target failed: someone who rang out their time (NO_ANSWER)
 * says most about the bridge, then busy, then rejected; otherwise the first
 * target's cause.
 */
const CAUSE_PRECEDENCE: readonly HangupCause[] = ['NO_ANSWER', 'USER_BUSY', 'CALL_REJECTED'];

export function overallCause(attempts: readonly BridgeAttempt[]): HangupCause {
  for (const cause of CAUSE_PRECEDENCE) if (attempts.some((attempt) => attempt.cause === cause)) return cause;
  return attempts[0]?.cause ?? 'NO_ROUTE_DESTINATION';
}

type ForksOutcome = Extract<RingOutcome, { answered: true }> | { attempts: BridgeAttempt[] };

function ringForks(request: RingRequest, forks: Fork[]): Promise<ForksOutcome> {
  const { stack, observer, signal } = request;
  const started = Date.now();
  const attempts: BridgeAttempt[] = [];
  const live = new Map<OutboundLeg, { fork: Fork; timer: NodeJS.Timeout }>();
  let settled = false;

  return new Promise((resolve) => {
    const finishFork = (leg: OutboundLeg, cause: HangupCause) => {
      const entry = live.get(leg);
      if (!entry) return;
      clearTimeout(entry.timer);
      live.delete(leg);
      attempts.push({ endpointIndex: entry.fork.endpointIndex, cause });
      observer.failed(entry.fork, leg, cause);
      if (live.size === 0 && !settled) {
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve({ attempts });
      }
    };
    const cancelAll = (cause: HangupCause) => {
      for (const leg of [...live.keys()]) {
        leg.cancel();
        finishFork(leg, cause);
      }
    };
    const onAbort = () => cancelAll('ORIGINATOR_CANCEL');
    signal.addEventListener('abort', onAbort, { once: true });

    for (const fork of forks) {
      const leg = new OutboundLeg(stack, fork.target);
      const timer = setTimeout(() => {
        leg.cancel();
        finishFork(leg, 'NO_ANSWER');
      }, fork.timeoutSeconds * 1000);
      live.set(leg, { fork, timer });
      leg.setup.onProvisional = (response) => {
        if (live.has(leg)) observer.progress(fork, leg, response);
      };
      leg.setup.onFailure = (status) => finishFork(leg, causeFromSipStatus(status));
      leg.setup.onAnswer = (response) => {
        const entry = live.get(leg);
        if (settled || !entry) {
          // Answered after the bridge was decided: acknowledge and hang up at once.
          leg.ack();
          void leg.bye();
          return;
        }
        settled = true;
        clearTimeout(entry.timer);
        live.delete(leg);
        signal.removeEventListener('abort', onAbort);
        cancelAll('LOSE_RACE');
        observer.answered(fork, leg);
        resolve({ answered: true, leg, fork, response, ringSeconds: Math.round((Date.now() - started) / 1000) });
      };
      observer.started(fork, leg);
      leg.start(request.offer);
    }
    if (signal.aborted) onAbort();
  });
}
