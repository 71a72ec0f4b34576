/**
 * The moments of one leg that its CDR reports — start, progress, answer,
 * bridge, end — kept as they happen and turned into a CallLegRecord when
 * the leg ends. With a journal, every moment is also written there, so the
 * leg can still get its CDR after a crash.
 */
import type { HangupCause } from '../../call/hangup-cause.js';
import type { Clock } from '../../clock.js';
import type { CallLegRecord } from '../../call/leg-record.js';
import type { LegJournal, OpenLeg } from './leg-journal.js';

export type LegIdentity = Omit<CallLegRecord, 'startTime' | 'progressTime' | 'progressMediaTime' | 'answerTime' | 'bridgeTime' | 'endTime' | 'hangupCause'>;

export class LegTimeline {
  readonly startTime: Date;
  #progress: Date | undefined;
  #progressMedia: Date | undefined;
  #answer: Date | undefined;
  #bridge: Date | undefined;
  #journal: { journal: LegJournal; uuid: string; read: () => OpenLeg } | undefined;

  constructor(private readonly clock: Clock) {
    this.startTime = clock.now();
  }

  /** Writes the leg to the journal now and at every moment from here on, until `record`. */
  journalTo(journal: LegJournal | undefined, uuid: string, identity: () => LegIdentity): void {
    if (!journal) return;
    this.#journal = { journal, uuid, read: () => this.#moments(identity()) };
    this.#journalMoment();
  }

  progress(withMedia: boolean): void {
    const before = this.#progressMedia ?? this.#progress;
    this.#progress ??= this.clock.now();
    if (withMedia) this.#progressMedia ??= this.clock.now();
    if ((this.#progressMedia ?? this.#progress) !== before) this.#journalMoment();
  }

  answer(): void {
    if (this.#answer) return;
    this.#answer = this.clock.now();
    this.#journalMoment();
  }

  bridge(): void {
    if (this.#bridge) return;
    this.#bridge = this.clock.now();
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
      startTime: this.startTime,
      progressTime: this.#progress,
      progressMediaTime: this.#progressMedia,
      answerTime: this.#answer,
      bridgeTime: this.#bridge,
    };
  }

  #journalMoment(): void {
    if (this.#journal) this.#journal.journal.write(this.#journal.uuid, this.#journal.read);
  }
}
