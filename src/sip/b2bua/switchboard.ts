/**
 * The built-in server's calls as applications reach them beyond their own
 * (src/call/switchboard.ts): found by uuid, connected to each other by
 * relaying their media through the router's media engine — both calls are
 * answered with it, so neither needs to hear of the other in SIP — and new
 * calls placed with our media (`originate`).
 */
import type { Logger } from 'pino';
import { bridgeFailureCause } from '../../call/bridge-policy.js';
import type { Call } from '../../call/call.js';
import type { OriginateRequest, Switchboard } from '../../call/switchboard.js';
import type { MediaEngine, MediaSession } from '../../media/media-engine.js';
import { limitCallDuration } from './call-duration-limit.js';
import { OriginatedCall } from './originated-call.js';
import type { LegMedia } from './leg-media.js';
import type { OutboundLeg } from './outbound-leg.js';
import { placeLeg } from './place-leg.js';
import { SipCall } from './sip-call.js';
import type { SipStack } from './sip-stack.js';

type Connection = Awaited<ReturnType<Switchboard['connect']>>;

/** A call the switchboard can connect: it hands over its media session and hears whom it was connected to. */
type Connectable = SipCall | OriginatedCall;

export interface SipSwitchboardOptions {
  stack: SipStack;
  /** The calls that came in. */
  calls(): Iterable<SipCall>;
  media(): MediaEngine;
  recordingsDir: string;
  /** Placed calls too are ended (ALLOTTED_TIMEOUT) this long after they answered. */
  maxCallDurationMs: number;
  logger: Logger;
}

export class SipSwitchboard implements Switchboard {
  readonly #options: SipSwitchboardOptions;
  /** Calls placed by `originate`, while they last. */
  readonly #originated = new Set<OriginatedCall>();
  /** Aborted at shutdown: originate legs still ringing are cancelled. */
  readonly #closing = new AbortController();

  constructor(options: SipSwitchboardOptions) {
    this.#options = options;
  }

  find(uuid: string): Call | undefined {
    for (const call of [...this.#options.calls(), ...this.#originated]) if (call.uuid === uuid && call.state !== 'ended') return call;
    return undefined;
  }

  async connect(a: Call, b: Call): Promise<Connection> {
    if (!isConnectable(a) || !isConnectable(b)) return { connected: false, reason: 'not a call of this SIP server' };
    if (a === b) return { connected: false, reason: 'a call cannot be connected to itself' };
    const [mediaA, mediaB] = await Promise.all([a.mediaForConnection(), b.mediaForConnection()]);
    if (typeof mediaA === 'string') return { connected: false, reason: `call ${a.uuid}: ${mediaA}` };
    if (typeof mediaB === 'string') return { connected: false, reason: `call ${b.uuid}: ${mediaB}` };
    const relayed = await this.#relay(mediaA, mediaB);
    if (relayed) return { connected: false, reason: relayed };
    a.connectedTo(b.uuid);
    b.connectedTo(a.uuid);
    // As after a bridge: when one side hangs up, so does the other.
    hangUpWhenEnded(a, b);
    hangUpWhenEnded(b, a);
    return { connected: true };
  }

  originate(from: Call, request: OriginateRequest): { placed: true } | { placed: false; reason: string } {
    if (!(from instanceof SipCall)) return { placed: false, reason: 'not a call of this SIP server' };
    if (this.#closing.signal.aborted) return { placed: false, reason: 'the server is stopping' };
    const logger = this.#options.logger.child({ uuid: request.uuid, originatedBy: from.uuid });
    this.#place(from, request, logger).catch((error: unknown) => {
      logger.error({ err: error }, 'originated call failed');
      request.failed('NORMAL_TEMPORARY_FAILURE');
    });
    return { placed: true };
  }

  /**
   * A party the caller of `from` transferred (SIP REFER): its leg, on our
   * media, becomes a call of its own, kept here as a placed one is, whose
   * flow `route` runs; its legs' CDRs are forks of `from`.
   */
  adoptTransferred(from: SipCall, leg: OutboundLeg, media: LegMedia, variables: Record<string, string>, route: (call: Call) => void): OriginatedCall {
    const { stack } = this.#options;
    const behalf = from.onBehalf();
    const logger = this.#options.logger.child({ uuid: leg.uuid, transferredBy: from.uuid });
    const call: OriginatedCall = new OriginatedCall({
      uuid: leg.uuid,
      stack,
      leg,
      media,
      variables,
      engine: this.#options.media,
      // The transferred party calls: the new targets see its number, not the transferor's.
      targets: () => ({ ...behalf.targets(), callerIdNumber: call.getVariable('caller_id_number') ?? '', callerIdName: call.getVariable('caller_id_name') }),
      forkObserver: () => behalf.forkObserver(() => call.hangupCause),
      recordingsDir: this.#options.recordingsDir,
      logger,
    });
    this.#originated.add(call);
    limitCallDuration(call, call.signal, this.#options.maxCallDurationMs, stack.clock, () => logger.warn('transferred call reached its maximum duration: ending it'));
    call.signal.addEventListener('abort', () => this.#originated.delete(call), { once: true });
    route(call);
    return call;
  }

  /** Ends the calls placed by originate and cancels those still ringing. */
  async hangupAll(cause: 'SYSTEM_SHUTDOWN' | 'MANAGER_REQUEST'): Promise<void> {
    this.#closing.abort();
    await Promise.all([...this.#originated].map((call) => call.hangup(cause)));
  }

  async #place(from: SipCall, request: OriginateRequest, logger: Logger): Promise<void> {
    const { stack } = this.#options;
    await stack.clock.sleep(request.delaySeconds * 1000, this.#closing.signal);
    const behalf = from.onBehalf();
    let call: OriginatedCall | undefined;
    const placed = await placeLeg({
      stack,
      context: behalf.targets(),
      plan: request.plan,
      media: this.#options.media(),
      signal: this.#closing.signal,
      observer: behalf.forkObserver(() => call?.hangupCause),
      logger,
    });
    if (!placed.answered) {
      const cause = bridgeFailureCause(placed.attempts);
      logger.info({ cause }, 'originated call not answered');
      return request.failed(cause);
    }
    call = new OriginatedCall({
      uuid: request.uuid,
      stack,
      leg: placed.leg,
      media: placed.media,
      variables: request.variables,
      engine: this.#options.media,
      targets: behalf.targets,
      forkObserver: () => behalf.forkObserver(() => call?.hangupCause),
      recordingsDir: this.#options.recordingsDir,
      logger,
    });
    this.#originated.add(call);
    limitCallDuration(call, call.signal, this.#options.maxCallDurationMs, stack.clock, () => logger.warn('originated call reached its maximum duration: ending it'));
    logger.info('originated call answered');
    try {
      await request.answered(call);
    } finally {
      if (call.state !== 'ended') await call.hangup('NORMAL_CLEARING');
      this.#originated.delete(call);
    }
  }

  /** Why the two sessions could not be relayed; undefined once they are. */
  async #relay(a: MediaSession, b: MediaSession): Promise<string | undefined> {
    try {
      await this.#options.media().relay(a, b);
      return undefined;
    } catch (error) {
      return `the media could not be relayed: ${(error as Error).message}`;
    }
  }
}

function isConnectable(call: Call): call is Connectable {
  return call instanceof SipCall || call instanceof OriginatedCall;
}

function hangUpWhenEnded(call: Connectable, other: Connectable): void {
  const end = () => void other.hangup('NORMAL_CLEARING');
  if (call.signal.aborted) end();
  else call.signal.addEventListener('abort', end, { once: true });
}
