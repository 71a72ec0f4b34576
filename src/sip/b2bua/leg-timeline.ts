/**
 * The moments of one leg that its CDR reports — start, progress, answer,
 * bridge, end — kept as they happen and turned into a CallLegRecord when
 * the leg ends.
 */
import type { HangupCause } from '../../call/hangup-cause.js';
import type { Clock } from '../../clock.js';
import type { CallLegRecord } from '../../call/leg-record.js';

export type LegIdentity = Omit<CallLegRecord, 'startTime' | 'progressTime' | 'progressMediaTime' | 'answerTime' | 'bridgeTime' | 'endTime' | 'hangupCause'>;

export class LegTimeline {
  readonly startTime: Date;
  #progress: Date | undefined;
  #progressMedia: Date | undefined;
  #answer: Date | undefined;
  #bridge: Date | undefined;

  constructor(private readonly clock: Clock) {
    this.startTime = clock.now();
  }

  progress(withMedia: boolean): void {
    this.#progress ??= this.clock.now();
    if (withMedia) this.#progressMedia ??= this.clock.now();
  }

  answer(): void {
    this.#answer ??= this.clock.now();
  }

  bridge(): void {
    this.#bridge ??= this.clock.now();
  }

  get answered(): boolean {
    return this.#answer !== undefined;
  }

  record(identity: LegIdentity, hangupCause: HangupCause): CallLegRecord {
    return {
      ...identity,
      startTime: this.startTime,
      progressTime: this.#progress,
      progressMediaTime: this.#progressMedia,
      answerTime: this.#answer,
      bridgeTime: this.#bridge,
      endTime: this.clock.now(),
      hangupCause,
    };
  }
}
