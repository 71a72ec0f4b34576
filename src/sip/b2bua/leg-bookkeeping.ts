/**
 * The per-leg records of one call on the SIP server: each leg's CDR timeline
 * (the caller's and every fork's) and the phone state of the users on them —
 * the caller busy for the whole call, a rung user ringing, then busy once
 * they answer. Each leg's CDR is handed over when that leg ends.
 */
import type { HangupCause } from '../../call/hangup-cause.js';
import type { CallLegRecord } from '../../call/leg-record.js';
import type { CallOrigin } from '../../call/origin.js';
import type { Clock } from '../../clock.js';
import type { PhoneStateTracker } from '../../directory/directory.js';
import type { SipResponse } from '../message/index.js';
import type { Fork } from './bridge-targets.js';
import { sessionBody } from './session-body.js';
import type { LegJournal } from './leg-journal.js';
import { LegTimeline, type LegIdentity } from './leg-timeline.js';
import type { OutboundLeg } from './outbound-leg.js';
import type { ForkObserver } from './ring-group.js';

export interface LegBookkeepingOptions {
  /** The caller's leg, which is the call's. */
  uuid: string;
  origin: CallOrigin;
  phoneState: PhoneStateTracker;
  clock: Clock;
  recordLeg(leg: CallLegRecord): void;
  /** Legs in progress are written here until their CDRs are handed over, so a crash does not lose them. */
  journal?: LegJournal;
  /** The call's channel variables, which the caller's leg record carries. */
  channel: ReadonlyMap<string, string>;
}

/** What a fork's CDR reads of it: the fork itself (its plan leg, its target) is let go once it rang. */
type ForkCdr = Pick<Fork, 'kind' | 'domain' | 'userId' | 'destinationNumber' | 'callerIdNumber' | 'callerIdName' | 'variables'>;

function forkCdrOf(fork: Fork): ForkCdr {
  const { kind, domain, userId, destinationNumber, callerIdNumber, callerIdName, variables } = fork;
  return { kind, domain, userId, destinationNumber, callerIdNumber, callerIdName, variables };
}

interface ForkEntry {
  timeline: LegTimeline;
  release?: () => void;
  cdr: ForkCdr;
}

export class LegBookkeeping {
  /** The caller's leg. */
  readonly caller: LegTimeline;
  readonly #options: LegBookkeepingOptions;
  readonly #releaseCaller: (() => void) | undefined;
  #usedGateway = false;

  constructor(options: LegBookkeepingOptions) {
    this.#options = options;
    this.caller = new LegTimeline(options.clock);
    const { origin } = options;
    this.#releaseCaller = origin.kind === 'user' ? options.phoneState.beginCall(origin.domain, origin.userId) : undefined;
    this.caller.journalTo(options.journal, options.uuid, () => this.#callerIdentity());
  }

  /**
   * Watches the forks of a bridge: their timelines and phone states, and each
   * one's CDR when it ends. `onProgress` hears their 180/183 (for relaying to
   * the caller); `hangupCause` is the one an answered fork's CDR ends with (the call's, unless that leg transferred it).
   */
  forkObserver(onProgress: (fork: Fork, response: SipResponse) => void, hangupCause: (leg: OutboundLeg) => HangupCause | undefined): ForkObserver {
    const timelines = new Map<OutboundLeg, ForkEntry>();
    const finish = (leg: OutboundLeg, cause: HangupCause) => {
      const entry = timelines.get(leg);
      if (!entry) return;
      timelines.delete(leg);
      this.#recordFork(entry, leg, cause);
    };
    const { phoneState, clock } = this.#options;
    return {
      started: (fork, leg) => {
        if (fork.kind !== 'user') this.#usedGateway = true;
        const release = fork.userId === undefined ? undefined : phoneState.beginRinging(fork.domain, fork.userId);
        const timeline = new LegTimeline(clock);
        const cdr = forkCdrOf(fork);
        timeline.journalTo(this.#options.journal, leg.uuid, this.#forkIdentityReader(cdr, leg));
        timelines.set(leg, { timeline, release, cdr });
      },
      answered: (fork, leg) => {
        const entry = timelines.get(leg);
        if (!entry) return;
        // From here the leg's end records it: what the ringing kept (these functions, the other forks) is let go.
        timelines.delete(leg);
        // The call is counted before the ringing ends, so watchers (BLF, the console) see ringing → isbusy, no onhook between.
        const endRinging = entry.release;
        entry.release = fork.userId === undefined ? undefined : phoneState.beginCall(fork.domain, fork.userId);
        endRinging?.();
        entry.timeline.answer();
        entry.timeline.bridge();
        leg.onEnded(this.#recordWhenEnded(entry, leg, hangupCause));
      },
      progress: (fork, leg, response) => {
        // A 100 Trying says the INVITE arrived, not that the target rings: FreeSWITCH's progress_stamp comes with 180/183.
        if (response.status > 100) timelines.get(leg)?.timeline.progress(sessionBody(response) !== undefined);
        onProgress(fork, response);
      },
      failed: (_fork, leg, cause) => finish(leg, cause),
    };
  }

  /** Methods rather than closures inside forkObserver: those would keep the whole ringing's scope for the call's length. */
  #forkIdentityReader(cdr: ForkCdr, leg: OutboundLeg): () => LegIdentity {
    return () => this.#forkIdentity(cdr, leg);
  }

  #recordWhenEnded(entry: ForkEntry, leg: OutboundLeg, hangupCause: (leg: OutboundLeg) => HangupCause | undefined): () => void {
    return () => this.#recordFork(entry, leg, hangupCause(leg) ?? 'NORMAL_CLEARING');
  }

  #recordFork(entry: ForkEntry, leg: OutboundLeg, cause: HangupCause): void {
    entry.release?.();
    this.#options.recordLeg(entry.timeline.record(this.#forkIdentity(entry.cdr, leg), cause));
  }

  /** The caller's leg ended: its phone is free again and its CDR is written; sets `webitel_direction` on the channel first. */
  callerEnded(cause: HangupCause, channel: Map<string, string>): void {
    this.#releaseCaller?.();
    channel.set('webitel_direction', this.#callerDirection());
    this.#options.recordLeg(this.caller.record(this.#callerIdentity(), cause));
  }

  #forkIdentity(fork: ForkCdr, leg: OutboundLeg): LegIdentity {
    const { origin, uuid } = this.#options;
    const direction = origin.kind === 'user' ? (fork.kind === 'user' ? 'internal' : 'outbound') : 'inbound';
    return {
      uuid: leg.uuid,
      direction,
      domain: fork.domain,
      callerIdNumber: fork.callerIdNumber,
      callerIdName: fork.callerIdName,
      destinationNumber: fork.destinationNumber,
      // A user's call out through a gateway belongs to that user (FreeSWITCH copies presence_id to the B-leg).
      userId: fork.userId ?? (origin.kind === 'user' ? origin.userId : undefined),
      dialedUser: fork.userId,
      networkAddress: leg.destination.address,
      variables: { ...fork.variables, originating_leg_uuid: uuid, sip_call_id: leg.callId },
    };
  }

  #callerDirection(): LegIdentity['direction'] {
    return this.#options.origin.kind !== 'user' ? 'inbound' : this.#usedGateway ? 'outbound' : 'internal';
  }

  #callerIdentity(): LegIdentity {
    const { origin, uuid, channel } = this.#options;
    return {
      uuid,
      direction: this.#callerDirection(),
      domain: channel.get('domain_name') ?? '',
      callerIdNumber: channel.get('caller_id_number') ?? '',
      callerIdName: channel.get('caller_id_name'),
      destinationNumber: channel.get('destination_number') ?? '',
      userId: origin.kind === 'user' ? origin.userId : undefined,
      networkAddress: channel.get('sip_network_ip'),
      variables: variablesObject(channel),
    };
  }
}

/**
 * The channel as Object.fromEntries makes it — every variable an own property,
 * in order, a `__proto__` too — without the entry array and iterator result
 * per variable that it costs (a caller's leg is read at each journal commit and for its CDR).
 */
function variablesObject(channel: ReadonlyMap<string, string>): Record<string, string> {
  const variables: Record<string, string> = {};
  channel.forEach((value, name) => {
    if (name === '__proto__') Object.defineProperty(variables, name, { value, enumerable: true, writable: true, configurable: true });
    else variables[name] = value;
  });
  return variables;
}
