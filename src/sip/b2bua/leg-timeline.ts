/**
 * The moments of one leg that its CDR reports — start, progress, answer,
 * bridge, end — kept as they happen and turned into a CallLegRecord when
 * the leg ends. With a journal, every moment is also written there, so the
 * leg can still get its CDR after a crash. The start is kept as epoch
 * milliseconds, the other moments as milliseconds after it (small integers,
 * where an epoch time is a heap number of its own), made Dates only for the
 * record: a call in progress holds a handful of them on every leg.
 */
import type { HangupCause } from '../../call/hangup-cause.js';
import type { Clock } from '../../clock.js';
import type { CallLegRecord } from '../../call/leg-record.js';
import type { LegJournal, OpenLeg } from './leg-journal.js';

export type LegIdentity = Omit<CallLegRecord, 'startTime' | 'progressTime' | 'progressMediaTime' | 'answerTime' | 'bridgeTime' | 'endTime' | 'hangupCause'>;

/** What names a leg in its journal entries: an object's method, where a closure would keep a context of its own for the leg's length. */
export interface LegIdentitySource {
  /** A new object each time (the moments are added to it). */
  legIdentity(): LegIdentity;
}

export class LegTimeline {
  readonly #start: number;
  #progress: number | undefined;
  #progressMedia: number | undefined;
  #answer: number | undefined;
  #bridge: number | undefined;
  #journal: LegJournal | undefined;
  #uuid = '';
  #identity: LegIdentitySource | undefined;

  constructor(private readonly clock: Clock) {
    this.#start = this.#now();
  }

  /** Writes the leg to the journal now and at every moment from here on, until `record`. */
  journalTo(journal: LegJournal | undefined, uuid: string, identity: LegIdentitySource): void {
    if (!journal) return;
    this.#journal = journal;
    this.#uuid = uuid;
    this.#identity = identity;
    this.#journalMoment();
  }

  progress(withMedia: boolean): void {
    const firstProgress = this.#progress === undefined;
    const firstMedia = withMedia && this.#progressMedia === undefined;
    if (!firstProgress && !firstMedia) return;
    const now = this.#sinceStart();
    this.#progress ??= now;
    if (firstMedia) this.#progressMedia = now;
    this.#journalMoment();
  }

  answer(): void {
    if (this.#answer !== undefined) return;
    this.#answer = this.#sinceStart();
    this.#journalMoment();
  }

  bridge(): void {
    if (this.#bridge !== undefined) return;
    this.#bridge = this.#sinceStart();
    this.#journalMoment();
  }

  get answered(): boolean {
    return this.#answer !== undefined;
  }

  /** `identity` is a new object, which becomes the record. */
  record(identity: LegIdentity, hangupCause: HangupCause): CallLegRecord {
    // No more moments: the journal keeps the leg as last written until its CDR is durable.
    this.#journal = undefined;
    this.#identity = undefined;
    const record = this.#withMoments(identity) as CallLegRecord;
    record.endTime = this.clock.now();
    record.hangupCause = hangupCause;
    return record;
  }

  /**
   * The moments added to `identity` itself, in the order a spread into a new
   * object would give them: that copy of a leg with its variables costs
   * several times the leg's own size (V8 makes it a dictionary), for every
   * journal commit and every CDR.
   */
  #withMoments(identity: LegIdentity): OpenLeg {
    const leg = identity as OpenLeg;
    leg.startTime = new Date(this.#start);
    leg.progressTime = this.#dateOf(this.#progress);
    leg.progressMediaTime = this.#dateOf(this.#progressMedia);
    leg.answerTime = this.#dateOf(this.#answer);
    leg.bridgeTime = this.#dateOf(this.#bridge);
    return leg;
  }

  #now(): number {
    return this.clock.now().getTime();
  }

  #sinceStart(): number {
    return this.#now() - this.#start;
  }

  #dateOf(sinceStart: number | undefined): Date | undefined {
    return sinceStart === undefined ? undefined : new Date(this.#start + sinceStart);
  }

  /** The journal reads the leg when it commits; the function that reads it lives until then, not as long as the leg. */
  #journalMoment(): void {
    const identity = this.#identity;
    if (this.#journal && identity) this.#journal.write(this.#uuid, () => this.#withMoments(identity.legIdentity()));
  }
}
