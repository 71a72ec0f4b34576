/**
 * The moments of one leg that its CDR reports — start, progress, answer,
 * bridge, end — kept as they happen and turned into a CallLegRecord when
 * the leg ends. With a journal, every moment is also written there, so the
 * leg can still get its CDR after a crash. Moments are kept as epoch
 * milliseconds, made Dates only for the record: a call in progress holds
 * a handful of them on every leg.
 */
import type { HangupCause } from '../../call/hangup-cause.js';
import type { Clock } from '../../clock.js';
import type { CallLegRecord } from '../../call/leg-record.js';
import type { LegJournal, OpenLeg } from './leg-journal.js';

export type LegIdentity = Omit<CallLegRecord, 'startTime' | 'progressTime' | 'progressMediaTime' | 'answerTime' | 'bridgeTime' | 'endTime' | 'hangupCause'>;

export class LegTimeline {
  readonly #start: number;
  #progress: number | undefined;
  #progressMedia: number | undefined;
  #answer: number | undefined;
  #bridge: number | undefined;
  #journal: { journal: LegJournal; uuid: string; read: () => OpenLeg } | undefined;

  constructor(private readonly clock: Clock) {
    this.#start = this.#now();
  }

  /** Writes the leg to the journal now and at every moment from here on, until `record`. */
  journalTo(journal: LegJournal | undefined, uuid: string, identity: () => LegIdentity): void {
    if (!journal) return;
    this.#journal = { journal, uuid, read: () => this.#moments(identity()) };
    this.#journalMoment();
  }

  progress(withMedia: boolean): void {
    const firstProgress = this.#progress === undefined;
    const firstMedia = withMedia && this.#progressMedia === undefined;
    if (!firstProgress && !firstMedia) return;
    const now = this.#now();
    this.#progress ??= now;
    if (firstMedia) this.#progressMedia = now;
    this.#journalMoment();
  }

  answer(): void {
    if (this.#answer) return;
    this.#answer = this.#now();
    this.#journalMoment();
  }

  bridge(): void {
    if (this.#bridge) return;
    this.#bridge = this.#now();
    this.#journalMoment();
  }

  get answered(): boolean {
    return this.#answer !== undefined;
  }

  record(identity: LegIdentity, hangupCause: HangupCause): CallLegRecord {
    this.#journal?.journal.remove(identity.uuid);
    this.#journal = undefined;
    return { ...this.#moments(identity), endTime: this.clock.now(), hangupCause };
  }

  #moments(identity: LegIdentity): OpenLeg {
    return {
      ...identity,
      startTime: new Date(this.#start),
      progressTime: dateOf(this.#progress),
      progressMediaTime: dateOf(this.#progressMedia),
      answerTime: dateOf(this.#answer),
      bridgeTime: dateOf(this.#bridge),
    };
  }

  #now(): number {
    return this.clock.now().getTime();
  }

  #journalMoment(): void {
    if (this.#journal) this.#journal.journal.write(this.#journal.uuid, this.#journal.read);
  }
}

function dateOf(ms: number | undefined): Date | undefined {
  return ms === undefined ? undefined : new Date(ms);
}
