/**
 * One fork's CDR while its leg lasts: the leg's timeline, the phone state its
 * user is in, and what its record names of the fork — the fork itself (its
 * plan leg, its target) is let go once it rang. One object that the journal
 * reads and the answered leg's end calls: closures for each would keep a
 * context apiece, and the ringing's scope, for the whole conversation.
 */
import type { HangupCause } from '../../call/hangup-cause.js';
import type { CallLegRecord } from '../../call/leg-record.js';
import type { CallOrigin } from '../../call/origin.js';
import type { Clock } from '../../clock.js';
import type { PhoneStateTracker } from '../../directory/directory.js';
import type { Fork } from './bridge-targets.js';
import type { LegJournal } from './leg-journal.js';
import { LegTimeline, type LegIdentity, type LegIdentitySource } from './leg-timeline.js';
import type { OutboundLeg } from './outbound-leg.js';

/** What the records of a call's legs share. */
export interface CallOfLegs {
  /** The caller's leg, which is the call's. */
  uuid: string;
  origin: CallOrigin;
  phoneState: PhoneStateTracker;
  clock: Clock;
  recordLeg(leg: CallLegRecord): void;
  /** Legs in progress are written here until their CDRs are handed over, so a crash does not lose them. */
  journal?: LegJournal;
}

/** Where an answered fork's CDR takes the cause its leg ended with (the call's, unless that leg transferred it): an object that lives as long as the call does (its bridge), not a closure for each fork. */
export interface LegCauses {
  legCause(leg: OutboundLeg): HangupCause | undefined;
}

export class ForkRecord implements LegIdentitySource {
  readonly timeline: LegTimeline;
  /** Ends the phone state the fork's user is in (ringing, then busy once answered). */
  release: (() => void) | undefined;
  readonly #options: CallOfLegs;
  readonly #leg: OutboundLeg;
  readonly #kind: Fork['kind'];
  readonly #domain: string;
  readonly #userId: string | undefined;
  readonly #destinationNumber: string;
  readonly #callerIdNumber: string;
  readonly #callerIdName: string | undefined;
  readonly #variables: Record<string, string>;
  /** Set when the fork answered: its leg's end writes the CDR with it. */
  #causes: LegCauses | undefined;

  constructor(options: CallOfLegs, fork: Fork, leg: OutboundLeg) {
    this.#options = options;
    this.#leg = leg;
    this.#kind = fork.kind;
    this.#domain = fork.domain;
    this.#userId = fork.userId;
    this.#destinationNumber = fork.destinationNumber;
    this.#callerIdNumber = fork.callerIdNumber;
    this.#callerIdName = fork.callerIdName;
    this.#variables = fork.variables;
    this.release = fork.userId === undefined ? undefined : options.phoneState.beginRinging(fork.domain, fork.userId);
    this.timeline = new LegTimeline(options.clock);
    this.timeline.journalTo(options.journal, leg.uuid, this);
  }

  /** The fork answered: its user is busy (counted before the ringing ends, so watchers never see onhook between), and its leg's end writes its CDR. */
  answered(causes: LegCauses): void {
    const endRinging = this.release;
    this.release = this.#userId === undefined ? undefined : this.#options.phoneState.beginCall(this.#domain, this.#userId);
    endRinging?.();
    this.timeline.answer();
    this.timeline.bridge();
    this.#causes = causes;
    this.#leg.onEnded(this);
  }

  /** The answered leg ended. */
  legEnded(): void {
    this.record(this.#causes?.legCause(this.#leg) ?? 'NORMAL_CLEARING');
  }

  record(cause: HangupCause): void {
    this.release?.();
    this.#options.recordLeg(this.timeline.record(this.legIdentity(), cause));
  }

  legIdentity(): LegIdentity {
    const { origin, uuid } = this.#options;
    const leg = this.#leg;
    return {
      uuid: leg.uuid,
      direction: origin.kind === 'user' ? (this.#kind === 'user' ? 'internal' : 'outbound') : 'inbound',
      domain: this.#domain,
      callerIdNumber: this.#callerIdNumber,
      callerIdName: this.#callerIdName,
      destinationNumber: this.#destinationNumber,
      // A user's call out through a gateway belongs to that user (FreeSWITCH copies presence_id to the B-leg).
      userId: this.#userId ?? (origin.kind === 'user' ? origin.userId : undefined),
      dialedUser: this.#userId,
      networkAddress: leg.destination.address,
      variables: { ...this.#variables, originating_leg_uuid: uuid, sip_call_id: leg.callId },
    };
  }
}
