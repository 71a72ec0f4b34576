import { randomUUID } from 'node:crypto';
import { CallLifecycle } from '../call/call-lifecycle.js';
import type { SimulatedClock } from '../clock.js';
import {
  CallEndedError,
  type BridgeAttempt,
  type BridgeEndpoint,
  type BridgeLeg,
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
} from '../call/call.js';
import { recordingPath } from '../call/recording-path.js';
import type { CallEndedBy } from '../call/call-end.js';
import type { HangupCause } from '../call/hangup-cause.js';
import { describePlayItem, namesPrompts, ringbackPrompt } from '../call/channel-prompts.js';
import { playDurationMs } from './play-duration.js';
import type { SimScenario, SimTargetOutcome } from './sim-scenario.js';
import { SimRecording } from './sim-recording.js';
import { transferHistory } from '../call/transfer-history.js';
import { settle, type Continuation } from '../call/continuation.js';

export interface SimCallOptions {
  clock: SimulatedClock;
  scenario: SimScenario;
  /** What a target does when the scenario does not say (e.g. from the directory's phone state). */
  defaultOutcome?: (endpoint: BridgeEndpoint) => SimTargetOutcome;
  /** Receives one line per call event (ringing, answered, hung up), for traces. */
  narrate?: (message: string) => void;
}

const DEFAULT_TALK_S = 60;
const FAILURE_CAUSE: Record<Exclude<SimTargetOutcome['result'], 'answer'>, HangupCause> = {
  'no-answer': 'NO_ANSWER',
  busy: 'USER_BUSY',
  'not-registered': 'USER_NOT_REGISTERED',
  reject: 'CALL_REJECTED',
  fail: 'NORMAL_TEMPORARY_FAILURE',
};

/** One target's simulated fate, in seconds from when it started ringing. */
type LegFate = { answered: true; at: number; talk: number; transfer?: string } | { answered: false; at: number; cause: HangupCause };

/**
 * A call whose world is scripted: bridge targets, digits and the caller's
 * patience come from a scenario, and time is simulated, so a 15 s leg_timeout
 * costs nothing to run.
 */
export class SimCall extends CallLifecycle implements Call {
  readonly uuid: string;
  readonly #clock: SimulatedClock;
  readonly #scenario: SimScenario;
  readonly #options: SimCallOptions;
  readonly #startMs: number;
  #dtmfIndex = 0;
  /** The route uses media apps: bridges play ringback to the caller (see SipCall). */
  #mediaExpected = false;
  #recording: SimRecording | undefined;

  constructor(options: SimCallOptions) {
    super('ringing');
    this.#options = options;
    this.#clock = options.clock;
    this.#scenario = options.scenario;
    this.#startMs = options.clock.now().getTime();
    this.uuid = options.scenario.variables.uuid ?? randomUUID();
    this.channel.set('uuid', this.uuid);
    this.channel.set('direction', 'inbound');
    for (const [name, value] of Object.entries(options.scenario.variables)) this.channel.set(name, value);
  }

  async answer(): Promise<void> {
    this.#ensureUp();
    if (this.state !== 'answered') this.#narrate('answered');
    this.enterState('answered');
  }

  async preAnswer(): Promise<void> {
    this.#ensureUp();
    if (this.state === 'ringing') {
      this.enterState('early');
      this.#narrate('183 Session Progress (early media)');
    }
  }

  async ringReady(): Promise<void> {
    this.#ensureUp();
    if (this.state === 'ringing') this.#narrate('180 Ringing');
  }

  async hangup(cause: HangupCause): Promise<void> {
    if (this.state === 'ended') return;
    this.#end(cause, 'router', `hung up: ${cause}`);
  }

  bridge(plan: BridgePlan, to: Continuation<BridgeResult>): void {
    settle(this.#bridge(plan), to);
  }

  async #bridge(plan: BridgePlan): Promise<BridgeResult> {
    this.#ensureUp();
    // As on the SIP server: a caller whose media is ours hears ringback while the targets ring.
    const variable = (name: string) => this.channel.get(name);
    if (this.#mediaExpected && (this.state !== 'ringing' || namesPrompts(variable))) {
      this.#narrate(`caller hears ringback: ${describePlayItem(ringbackPrompt(variable, this.state === 'answered'))}`);
    }
    const attempts: BridgeAttempt[] = [];
    for (const group of plan.groups) {
      const outcome = this.#ringGroup(group);
      if (outcome.answered) return outcome;
      attempts.push(...outcome.attempts);
      if (this.state === 'ended') break;
    }
    return { answered: false, attempts };
  }

  /** The media of a simulated call is always at hand; a route that uses it hears ringback in bridges. */
  expectMedia(): void {
    this.#mediaExpected = true;
  }

  /** Takes the prompts' length in simulated time (early media on a call not yet answered), or until the scenario's caller hangs up; digits come from the scenario, whenever they are collected. */
  async play(request: PlayRequest): Promise<PlayOutcome> {
    this.#ensureUp();
    await this.preAnswer();
    for (const item of request.items) {
      let ms: number;
      try {
        ms = playDurationMs(item);
      } catch (error) {
        this.#narrate(`cannot play ${describePlayItem(item)}: ${(error as Error).message}`);
        return { reason: 'failed', error: (error as Error).message };
      }
      const left = this.#secondsUntilCallerHangsUp();
      if (left !== undefined && left * 1000 < ms) {
        this.#clock.advance(Math.round(left * 1000));
        this.#end('NORMAL_CLEARING', 'caller', `caller hung up while hearing ${describePlayItem(item)}`);
        return { reason: 'stopped' };
      }
      this.#clock.advance(ms);
      this.#narrate(`played ${describePlayItem(item)} (${ms} ms)`);
    }
    return { reason: 'finished' };
  }

  /** Nothing is written: the trace tells where the file would be, relative to the data directory. */
  async startRecording(name: string, options: CallRecordingOptions = {}): Promise<string> {
    this.#ensureUp();
    await this.preAnswer();
    const path = recordingPath('recordings', this.channel.get('domain_name') ?? '', this.uuid, name);
    this.#recording = new SimRecording(path, this.#clock.now().getTime(), options);
    this.#narrate(this.#recording.description);
    return path;
  }

  async stopRecording(): Promise<RecordingSummary | undefined> {
    const recording = this.#recording;
    if (!recording) return undefined;
    this.#recording = undefined;
    return this.#finishRecording(recording, 'recording stopped');
  }

  #finishRecording(recording: SimRecording, what: string): RecordingSummary {
    const { summary, narration } = recording.finish(this.#clock.now().getTime(), what);
    this.#narrate(narration);
    return summary;
  }

  /** Echo lasts until the caller hangs up: the scenario's `callerHangsUpAfter`, else the call ends here. */
  async echo(delayMs: number): Promise<void> {
    this.#ensureUp();
    await this.preAnswer();
    if (delayMs > 0) this.#narrate(`echo ${delayMs} ms later`);
    const after = this.#secondsUntilCallerHangsUp();
    if (after === undefined) return this.#end('NORMAL_CLEARING', 'caller', 'echo until the caller hangs up (the scenario sets no callerHangsUpAfter): the call ends here');
    this.#clock.advance(after * 1000);
    this.#end('NORMAL_CLEARING', 'caller', `caller hung up after ${after} s of echo`);
  }

  async detectInbandDigits(mode: InbandDetection): Promise<void> {
    this.#ensureUp();
    this.#narrate(`in-band DTMF detection ${mode}`);
  }

  /** Nothing is written: the caller speaks until the message's maximum length, or hangs up first (the scenario's callerHangsUpAfter). */
  async recordMessage(request: MessageRequest): Promise<MessageRecording> {
    this.#ensureUp();
    if (this.state !== 'answered') await this.answer();
    const path = request.path ?? recordingPath('recordings', this.channel.get('domain_name') ?? '', this.uuid, request.name);
    const leftMs = this.#secondsUntilCallerHangsUp();
    const hangsUp = leftMs !== undefined && leftMs * 1000 < request.maxMs;
    const durationMs = hangsUp ? Math.round(leftMs * 1000) : request.maxMs;
    this.#clock.advance(durationMs);
    this.#narrate(`recorded a message to ${path} (${durationMs} ms)`);
    if (hangsUp) this.#end('NORMAL_CLEARING', 'caller', 'caller hung up after leaving the message');
    return { path, durationMs, reason: hangsUp ? 'stopped' : 'max' };
  }

  /** A phone takes the redirect: 302 before the answer, an accepted REFER after it. */
  async redirect(contacts: readonly string[]): Promise<RedirectOutcome> {
    this.#ensureUp();
    if (contacts.length === 0) return { kind: 'refused', reason: 'no target to redirect to' };
    if (this.state !== 'answered') {
      this.#end('REDIRECTION_TO_NEW_DESTINATION', 'router', `302 Moved Temporarily to ${contacts.join(', ')}`);
      return { kind: 'redirected' };
    }
    this.#end('BLIND_TRANSFER', 'router', `REFER to ${contacts[0]} accepted: the caller was deflected`);
    return { kind: 'deflected' };
  }

  /** Nobody else is on a simulated switchboard: the held caller waits until the scenario makes it hang up. */
  async hold(music: PlayItem | undefined, release: AbortSignal): Promise<'released' | 'ended'> {
    this.#ensureUp();
    if (this.state !== 'answered') await this.answer();
    if (release.aborted) return 'released';
    this.#narrate(`held, hearing ${music ? describePlayItem(music) : 'silence'}`);
    const after = this.#secondsUntilCallerHangsUp();
    if (after === undefined) {
      this.#end('NORMAL_CLEARING', 'caller', 'nobody takes a held call in a trace: the caller is taken to hang up');
    } else {
      this.#clock.advance(after * 1000);
      this.#end('NORMAL_CLEARING', 'caller', `caller hung up after ${after} s on hold`);
    }
    return 'ended';
  }

  /** A call connected to another talks until the scenario's caller hangs up, else as long as a bridged target would. */
  async ended(): Promise<void> {
    if (this.state === 'ended') return;
    const after = this.#secondsUntilCallerHangsUp();
    this.#clock.advance((after ?? DEFAULT_TALK_S) * 1000);
    this.#end('NORMAL_CLEARING', after === undefined ? 'callee' : 'caller', after === undefined ? `the other side hung up after ${DEFAULT_TALK_S} s` : `caller hung up after ${after} s`);
  }

  /** Each collection takes the scenario's next digit string: there is nothing pressed in between to drop. */
  flushDigits(): void {}

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

  /** Rings the legs of one group together: the first to answer wins, else each gives up in its time. */
  #ringGroup(group: readonly BridgeLeg[]): BridgeResult {
    for (const leg of group) {
      const delay = leg.delaySeconds > 0 ? `, after ${leg.delaySeconds} s` : '';
      this.#narrate(`ringing ${targetKey(leg.endpoint)} (leg_timeout ${leg.timeoutSeconds} s${delay})`);
    }
    const fates = group.map((leg) => this.#fate(leg));
    const winner = fates
      .map((fate, index) => ({ fate, index }))
      .filter((entry) => entry.fate.answered)
      .sort((a, b) => a.fate.at - b.fate.at)[0];
    const settleAt = winner ? winner.fate.at : Math.max(...fates.map((fate) => fate.at));
    if (this.#callerGoneBy(settleAt)) return this.#cancelledByCaller(group);

    if (winner && winner.fate.answered) {
      const winnerKey = targetKey(group[winner.index].endpoint);
      fates.forEach((fate, index) => {
        if (index !== winner.index && fate.at >= winner.fate.at) this.#narrate(`${targetKey(group[index].endpoint)}: cancelled, ${winnerKey} answered first`);
      });
      return this.#converse(group[winner.index], winner.fate);
    }
    this.#clock.advance(settleAt * 1000);
    const attempts = fates.map((fate, index): BridgeAttempt => {
      const cause = fate.answered ? 'NO_ANSWER' : fate.cause;
      this.#narrate(`${targetKey(group[index].endpoint)}: ${cause} after ${fate.at} s`);
      return { endpointIndex: group[index].endpointIndex, cause };
    });
    return { answered: false, attempts };
  }

  #converse(leg: BridgeLeg, { at: ringSeconds, talk, transfer }: Extract<LegFate, { answered: true }>): BridgeResult {
    const endpoint = leg.endpoint;
    this.#clock.advance(ringSeconds * 1000);
    this.enterState('answered');
    this.#narrate(`${targetKey(endpoint)}: answered after ${ringSeconds} s, bridged`);
    const callerLeavesAfter = this.#secondsUntilCallerHangsUp();
    this.#recording?.bridged(Math.min(talk, callerLeavesAfter ?? talk) * 1000);
    const bridged = { answered: true as const, endpointIndex: leg.endpointIndex, ringSeconds, legUuid: randomUUID() };
    if (callerLeavesAfter !== undefined && callerLeavesAfter < talk) {
      this.#clock.advance(callerLeavesAfter * 1000);
      this.#end('NORMAL_CLEARING', 'caller', `caller hung up after ${callerLeavesAfter} s of conversation`);
    } else if (transfer !== undefined) {
      this.#clock.advance(talk * 1000);
      this.#transferred(targetKey(endpoint), talk, transfer);
      return { ...bridged, hangupCause: 'BLIND_TRANSFER', transferredTo: transfer };
    } else {
      this.#clock.advance(talk * 1000);
      this.#end('NORMAL_CLEARING', 'callee', `${targetKey(endpoint)} hung up after ${talk} s of conversation`);
    }
    return { ...bridged, hangupCause: 'NORMAL_CLEARING' };
  }

  /** As SipCall on a blind transfer: the transfer's variables, and a recording not told to follow it stops. */
  #transferred(by: string, talk: number, destination: string): void {
    this.#narrate(`${by} transferred the caller to ${destination} after ${talk} s of conversation`);
    const history = transferHistory({ blind: destination }, this.uuid, this.#clock.now(), this.channel.get('transfer_history'));
    for (const [name, value] of Object.entries(history)) this.channel.set(name, value);
    const recording = this.#recording;
    if (recording && !recording.followsTransfer) {
      this.#recording = undefined;
      this.#finishRecording(recording, 'the transfer stopped the recording');
    }
  }

  #cancelledByCaller(group: readonly BridgeLeg[]): BridgeResult {
    const after = this.#secondsUntilCallerHangsUp() ?? 0;
    this.#clock.advance(after * 1000);
    this.#end('ORIGINATOR_CANCEL', 'caller', 'caller hung up while the bridge was ringing');
    return { answered: false, attempts: group.map((leg) => ({ endpointIndex: leg.endpointIndex, cause: 'ORIGINATOR_CANCEL' })) };
  }

  /** When the leg answers or gives up, in seconds from the start of its group (its delay included). */
  #fate(leg: BridgeLeg): LegFate {
    const { timeoutSeconds: timeout, delaySeconds: delay, endpoint } = leg;
    const outcome =
      this.#scenario.targets[targetKey(endpoint)] ?? this.#options.defaultOutcome?.(endpoint) ?? { result: 'no-answer' };
    if (outcome.result === 'answer') {
      const after = outcome.after ?? 3;
      return after < timeout
        ? { answered: true, at: delay + after, talk: outcome.talk ?? DEFAULT_TALK_S, transfer: outcome.transfer }
        : { answered: false, at: delay + timeout, cause: 'NO_ANSWER' };
    }
    if (outcome.result === 'no-answer') return { answered: false, at: delay + timeout, cause: 'NO_ANSWER' };
    const after = Math.min(outcome.after ?? (outcome.result === 'not-registered' ? 0 : 1), timeout);
    return { answered: false, at: delay + after, cause: FAILURE_CAUSE[outcome.result] };
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
    if (this.state === 'ended') throw new CallEndedError(this.hangupCause ?? 'NORMAL_CLEARING');
  }

  #end(cause: HangupCause, by: CallEndedBy, message: string): void {
    if (!this.markEnded(cause, by)) return;
    this.#narrate(message);
    const recording = this.#recording;
    this.#recording = undefined;
    if (recording) this.#finishRecording(recording, "the call's end finished the recording");
    this.abortWaiters();
  }

  #narrate(message: string): void {
    this.#options.narrate?.(message);
  }
}

/** How a scenario names a bridge target: `user/101`, `gateway/carrier`, `sipUri/…`. */
export function targetKey(endpoint: BridgeEndpoint): string {
  return `${endpoint.type}/${endpoint.name || endpoint.dialString || ''}`;
}
