/**
 * Rings the forks of a bridge plan (FreeSWITCH's originate): group after
 * group; within a group every leg at once and the first 2xx wins, the others
 * get CANCEL. Each fork rings for its leg's time. A target that redirects
 * (3xx, a phone forwarding its calls) to a user of the call's domain has
 * that user rung in its place, as FreeSWITCH follows redirects; a redirect
 * anywhere else is not followed — a phone must not send the router's calls
 * past the routes. What the plan means was decided by the bridge policy
 * (src/call/bridge-policy.ts); this only rings and reports each target's
 * outcome.
 */
import type { BridgeAttempt, BridgePlan } from '../../call/call.js';
import { causeFromSipStatus, type HangupCause } from '../../call/hangup-cause.js';
import type { Clock } from '../../clock.js';
import { formatUri, type SipResponse, type SipUri } from '../message/index.js';
import { resolveEndpoint, type Fork, type TargetContext } from './bridge-targets.js';
import type { SessionBody } from './session-body.js';
import { OutboundLeg } from './outbound-leg.js';
import type { SipStack } from './sip-stack.js';
import type { StopSignal } from './call-ending.js';

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
  plan: BridgePlan;
  /** The caller's SDP offer for every fork; none for a late-offer INVITE. */
  offer: SessionBody | undefined;
  /** Aborted when the caller goes away: every fork is cancelled. */
  signal: StopSignal;
  /** Times each fork's delay and ringing. */
  clock: Clock;
  observer: ForkObserver;
  log(message: string): void;
}

export type RingOutcome =
  | { answered: true; leg: OutboundLeg; fork: Fork; response: SipResponse; ringSeconds: number }
  | { answered: false; attempts: BridgeAttempt[] };

export async function ring(request: RingRequest): Promise<RingOutcome> {
  const attempts: BridgeAttempt[] = [];
  for (const group of request.plan.groups) {
    if (request.signal.aborted) break;
    const resolved = await Promise.all(group.map((leg) => resolveEndpoint(request.context, leg)));
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
  return { answered: false, attempts };
}

type ForksOutcome = Extract<RingOutcome, { answered: true }> | { attempts: BridgeAttempt[] };

/** Redirects followed one after another from one target: a phone forwarding to a phone that forwards… stops here. */
const MAX_REDIRECTS = 3;

/** The user of the call's domain a redirect names (by the domain or by our own address in the URI's host); undefined when it names none. */
function redirectedUser(uri: SipUri, fork: Fork, context: TargetContext): string | undefined {
  const user = uri.user;
  if (!user || !context.directory.user(fork.domain, user)) return undefined;
  const host = uri.host.toLowerCase();
  return host === fork.domain.toLowerCase() || host === context.localHost(fork.target.destination).toLowerCase() ? user : undefined;
}

function ringForks(request: RingRequest, forks: Fork[]): Promise<ForksOutcome> {
  const { stack, observer, signal, clock } = request;
  const started = clock.now().getTime();
  const attempts: BridgeAttempt[] = [];
  const live = new Map<OutboundLeg, { fork: Fork; cancelTimer: () => void }>();
  let settled = false;

  return new Promise((resolve) => {
    const finishFork = (leg: OutboundLeg, cause: HangupCause) => {
      const entry = live.get(leg);
      if (!entry) return;
      entry.cancelTimer();
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

    /** The forks ringing the user a target redirected to take its place in the group (the first Contact naming one of ours). */
    const followRedirect = async (leg: OutboundLeg, fork: Fork, targets: readonly SipUri[], redirects: number) => {
      const user = targets.map((uri) => redirectedUser(uri, fork, request.context)).find((named) => named !== undefined);
      const said = `${fork.destinationNumber} redirected the call to ${targets.map((uri) => formatUri(uri)).join(', ')}`;
      if (user === undefined || redirects >= MAX_REDIRECTS) {
        request.log(`${said}: not followed (${user === undefined ? 'no user of this domain' : `more than ${MAX_REDIRECTS} redirects`})`);
        return finishFork(leg, 'REDIRECTION_TO_NEW_DESTINATION');
      }
      const resolved = await resolveEndpoint(request.context, { ...fork.leg, endpoint: { type: 'user', name: user, domainName: fork.domain, parameters: {} }, delaySeconds: 0 });
      if (!live.has(leg) || settled) return;
      request.log(`${said}: ringing user ${user}${'reason' in resolved ? ` failed: ${resolved.reason}` : ''}`);
      if ('forks' in resolved) for (const next of resolved.forks) ringFork(next, redirects + 1);
      finishFork(leg, 'reason' in resolved ? resolved.cause : 'REDIRECTION_TO_NEW_DESTINATION');
    };

    const ringFork = (fork: Fork, redirects: number) => {
      const leg = new OutboundLeg(stack, fork.target, fork.variables.origination_uuid);
      const ringOut = () => {
        leg.cancel();
        finishFork(leg, 'NO_ANSWER');
      };
      const entry = { fork, cancelTimer: () => {} };
      live.set(leg, entry);
      leg.setup.onProvisional = (response) => {
        if (live.has(leg)) observer.progress(fork, leg, response);
      };
      leg.setup.onFailure = (status, unreachable, redirectTo) => {
        // Heard even after the fork stopped ringing: a leg given up on before any answer times out later.
        if (unreachable !== undefined && fork.userId !== undefined && fork.binding) request.context.contactUnreachable(fork.domain, fork.userId, fork.binding, unreachable);
        if (redirectTo && live.has(leg) && !settled) void followRedirect(leg, fork, redirectTo, redirects);
        else finishFork(leg, causeFromSipStatus(status));
      };
      leg.setup.onAnswer = (response) => {
        const entry = live.get(leg);
        if (settled || !entry) {
          // Answered after the bridge was decided: acknowledge and hang up at once.
          leg.ack();
          void leg.bye();
          return;
        }
        settled = true;
        entry.cancelTimer();
        live.delete(leg);
        signal.removeEventListener('abort', onAbort);
        cancelAll('LOSE_RACE');
        observer.answered(fork, leg);
        resolve({ answered: true, leg, fork, response, ringSeconds: Math.round((clock.now().getTime() - started) / 1000) });
      };
      const startRinging = () => {
        entry.cancelTimer = clock.setTimer(fork.timeoutSeconds * 1000, ringOut);
        observer.started(fork, leg);
        leg.start(request.offer);
      };
      // A leg the bridge gives up on before its delay is over is never sent: finishing it cancels the delay.
      if (fork.delaySeconds > 0) entry.cancelTimer = clock.setTimer(fork.delaySeconds * 1000, startRinging);
      else startRinging();
    };
    for (const fork of forks) ringFork(fork, 0);
    if (signal.aborted) onAbort();
  });
}
