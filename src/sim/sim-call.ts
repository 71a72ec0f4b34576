import { randomUUID } from 'node:crypto';
import { ChannelVariables } from '../call/channel-variables.js';
import type { SimulatedClock } from '../clock.js';
import {
  CallEndedError,
  callEndedReason,
  type BridgeAttempt,
  type BridgeEndpoint,
  type BridgeRequest,
  type BridgeResult,
  type Call,
  type CallState,
  type DigitsRequest,
} from '../call/call.js';
import type { HangupCause } from '../call/hangup-cause.js';
import type { SimScenario, SimTargetOutcome } from './sim-scenario.js';

export interface SimCallOptions {
  clock: SimulatedClock;
  scenario: SimScenario;
  /** What a target does when the scenario does not say (e.g. from the directory's phone state). */
  defaultOutcome?: (endpoint: BridgeEndpoint) => SimTargetOutcome;
  /** Receives one line per call event (ringing, answered, hung up), for traces. */
  narrate?: (message: string) => void;
}

const DEFAULT_LEG_TIMEOUT_S = 60;
const DEFAULT_TALK_S = 60;
const FAILURE_CAUSE: Record<Exclude<SimTargetOutcome['result'], 'answer'>, HangupCause> = {
  'no-answer': 'NO_ANSWER',
  busy: 'USER_BUSY',
  'not-registered': 'USER_NOT_REGISTERED',
  reject: 'CALL_REJECTED',
  fail: 'NORMAL_TEMPORARY_FAILURE',
};

/** One target's simulated fate, in seconds from when it started ringing. */
type LegFate = { answered: true; at: number; talk: number } | { answered: false; at: number; cause: HangupCause };

/**
 * A call whose world is scripted: bridge targets, digits and the caller's
 * patience come from a scenario, and time is simulated, so a 15 s leg_timeout
 * costs nothing to run.
 */
export class SimCall extends ChannelVariables implements Call {
  readonly uuid: string;
  #abort: AbortController | undefined;
  readonly #clock: SimulatedClock;
  readonly #scenario: SimScenario;
  readonly #options: SimCallOptions;
  readonly #startMs: number;
  #state: CallState = 'ringing';
  #hangupCause: HangupCause | undefined;
  #dtmfIndex = 0;

  constructor(options: SimCallOptions) {
    super();
    this.#options = options;
    this.#clock = options.clock;
    this.#scenario = options.scenario;
    this.#startMs = options.clock.now().getTime();
    this.uuid = options.scenario.variables.uuid ?? randomUUID();
    this.channel.set('uuid', this.uuid);
    this.channel.set('direction', 'inbound');
    for (const [name, value] of Object.entries(options.scenario.variables)) this.channel.set(name, value);
  }

  /**
   * Made on first use: most flows never wait on the signal, and aborting one
   * costs an Error with its stack trace. A signal asked for after the call ended
   * is already aborted, exactly as if it had been made at the start.
   */
  get signal(): AbortSignal {
    if (!this.#abort) {
      this.#abort = new AbortController();
      if (this.#state === 'ended') this.#abort.abort(callEndedReason(this.#hangupCause ?? 'NORMAL_CLEARING'));
    }
    return this.#abort.signal;
  }

  get state(): CallState {
    return this.#state;
  }

  get hangupCause(): HangupCause | undefined {
    return this.#hangupCause;
  }

  async answer(): Promise<void> {
    this.#ensureUp();
    if (this.#state !== 'answered') this.#narrate('answered');
    this.#state = 'answered';
  }

  async preAnswer(): Promise<void> {
    this.#ensureUp();
    if (this.#state === 'ringing') {
      this.#state = 'early';
      this.#narrate('183 Session Progress (early media)');
    }
  }

  async ringReady(): Promise<void> {
    this.#ensureUp();
    if (this.#state === 'ringing') this.#narrate('180 Ringing');
  }

  async hangup(cause: HangupCause): Promise<void> {
    if (this.#state === 'ended') return;
    this.#end(cause, `hung up: ${cause}`);
  }

  async bridge(request: BridgeRequest): Promise<BridgeResult> {
    this.#ensureUp();
    if (request.endpoints.length === 0) return { answered: false, cause: 'NO_ROUTE_DESTINATION', attempts: [] };
    const fates = request.endpoints.map((endpoint) => this.#fate(endpoint, request));
    return request.strategy === 'failover' ? this.#ringOneByOne(request, fates) : this.#ringAll(request, fates);
  }

  async collectDigits(request: DigitsRequest): Promise<string> {
    this.#ensureUp();
    const pressed = this.#scenario.dtmf[this.#dtmfIndex++];
    if (pressed === undefined) {
      this.#clock.advance(request.timeoutMs);
      this.#narrate(`no digits within ${request.timeoutMs} ms`);
      return '';
    }
    let digits = '';
    for (const digit of pressed) {
      if (request.terminators.includes(digit)) break;
      digits += digit;
      if (digits.length >= request.max) break;
    }
    this.#narrate(`caller pressed ${JSON.stringify(pressed)}`);
    return digits;
  }

  async #ringAll(request: BridgeRequest, fates: LegFate[]): Promise<BridgeResult> {
    request.endpoints.forEach((endpoint, index) => this.#narrate(`ringing ${targetKey(endpoint)} (leg_timeout ${legTimeout(endpoint, request)} s)`));
    const winner = fates
      .map((fate, index) => ({ fate, index }))
      .filter((leg) => leg.fate.answered)
      .sort((a, b) => a.fate.at - b.fate.at)[0];
    const settleAt = winner ? winner.fate.at : Math.max(...fates.map((fate) => fate.at));
    if (this.#callerGoneBy(settleAt)) return this.#cancelledByCaller(fates.map((_, index) => index));

    if (winner && winner.fate.answered) {
      for (const [index, fate] of fates.entries()) {
        if (index !== winner.index && fate.at >= winner.fate.at) this.#narrate(`${targetKey(request.endpoints[index])}: cancelled, ${targetKey(request.endpoints[winner.index])} answered first`);
      }
      return this.#converse(request.endpoints[winner.index], winner.index, winner.fate.at, winner.fate.talk);
    }
    this.#clock.advance(settleAt * 1000);
    return this.#failed(request, fates.map((fate, index) => ({ fate, index })));
  }

  async #ringOneByOne(request: BridgeRequest, fates: LegFate[]): Promise<BridgeResult> {
    const tried: { fate: LegFate; index: number }[] = [];
    for (const [index, fate] of fates.entries()) {
      const endpoint = request.endpoints[index];
      this.#narrate(`ringing ${targetKey(endpoint)} (leg_timeout ${legTimeout(endpoint, request)} s)`);
      if (this.#callerGoneBy(fate.at)) return this.#cancelledByCaller([index]);
      if (fate.answered) return this.#converse(endpoint, index, fate.at, fate.talk);
      this.#clock.advance(fate.at * 1000);
      this.#narrate(`${targetKey(endpoint)}: ${fate.cause} after ${fate.at} s`);
      tried.push({ fate, index });
    }
    return this.#failed(request, tried, false);
  }

  #converse(endpoint: BridgeEndpoint, index: number, ringSeconds: number, talk: number): BridgeResult {
    this.#clock.advance(ringSeconds * 1000);
    this.#state = 'answered';
    this.#narrate(`${targetKey(endpoint)}: answered after ${ringSeconds} s, bridged`);
    const callerLeavesAfter = this.#secondsUntilCallerHangsUp();
    if (callerLeavesAfter !== undefined && callerLeavesAfter < talk) {
      this.#clock.advance(callerLeavesAfter * 1000);
      this.#end('NORMAL_CLEARING', `caller hung up after ${callerLeavesAfter} s of conversation`);
    } else {
      this.#clock.advance(talk * 1000);
      this.#end('NORMAL_CLEARING', `${targetKey(endpoint)} hung up after ${talk} s of conversation`);
    }
    return { answered: true, endpointIndex: index, hangupCause: 'NORMAL_CLEARING', ringSeconds };
  }

  #failed(request: BridgeRequest, legs: { fate: LegFate; index: number }[], narrate = true): BridgeResult {
    const attempts: BridgeAttempt[] = legs.map(({ fate, index }) => ({
      endpointIndex: index,
      cause: fate.answered ? 'NO_ANSWER' : fate.cause,
    }));
    if (narrate) for (const attempt of attempts) this.#narrate(`${targetKey(request.endpoints[attempt.endpointIndex])}: ${attempt.cause}`);
    // As FreeSWITCH reports it: the cause of the leg that gave up last.
    const last = legs.reduce((latest, leg) => (leg.fate.at >= latest.fate.at ? leg : latest));
    return { answered: false, cause: attempts[legs.indexOf(last)].cause, attempts };
  }

  #cancelledByCaller(indexes: number[]): BridgeResult {
    const after = this.#secondsUntilCallerHangsUp() ?? 0;
    this.#clock.advance(after * 1000);
    this.#end('ORIGINATOR_CANCEL', 'caller hung up while the bridge was ringing');
    return { answered: false, cause: 'ORIGINATOR_CANCEL', attempts: indexes.map((index) => ({ endpointIndex: index, cause: 'ORIGINATOR_CANCEL' })) };
  }

  #fate(endpoint: BridgeEndpoint, request: BridgeRequest): LegFate {
    const timeout = legTimeout(endpoint, request);
    const outcome =
      this.#scenario.targets[targetKey(endpoint)] ?? this.#options.defaultOutcome?.(endpoint) ?? { result: 'no-answer' };
    if (outcome.result === 'answer') {
      const at = outcome.after ?? 3;
      return at < timeout
        ? { answered: true, at, talk: outcome.talk ?? DEFAULT_TALK_S }
        : { answered: false, at: timeout, cause: 'NO_ANSWER' };
    }
    if (outcome.result === 'no-answer') return { answered: false, at: timeout, cause: 'NO_ANSWER' };
    const at = Math.min(outcome.after ?? (outcome.result === 'not-registered' ? 0 : 1), timeout);
    return { answered: false, at, cause: FAILURE_CAUSE[outcome.result] };
  }

  #secondsUntilCallerHangsUp(): number | undefined {
    const after = this.#scenario.callerHangsUpAfter;
    if (after === undefined) return undefined;
    return Math.max(0, (this.#startMs + after * 1000 - this.#clock.now().getTime()) / 1000);
  }

  #callerGoneBy(secondsFromNow: number): boolean {
    const left = this.#secondsUntilCallerHangsUp();
    return left !== undefined && left < secondsFromNow;
  }

  #ensureUp(): void {
    if (this.#state === 'ended') throw new CallEndedError(this.#hangupCause ?? 'NORMAL_CLEARING');
  }

  #end(cause: HangupCause, message: string): void {
    this.#state = 'ended';
    this.#hangupCause = cause;
    this.#narrate(message);
    this.#abort?.abort(callEndedReason(cause));
  }

  #narrate(message: string): void {
    this.#options.narrate?.(message);
  }
}

/** How a scenario names a bridge target: `user/101`, `gateway/carrier`, `sipUri/…`. */
export function targetKey(endpoint: BridgeEndpoint): string {
  return `${endpoint.type}/${endpoint.name || endpoint.dialString || ''}`;
}

function legTimeout(endpoint: BridgeEndpoint, request: BridgeRequest): number {
  const value = Number(endpoint.parameters.leg_timeout ?? request.parameters.leg_timeout ?? request.parameters.call_timeout);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_LEG_TIMEOUT_S;
}
