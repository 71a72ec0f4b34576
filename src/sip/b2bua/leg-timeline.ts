/**
 * The moments of one leg that its CDR reports — start, progress, answer,
 * bridge, end — kept as they happen and turned into a CallLegRecord when
 * the leg ends.
 */
import type { HangupCause } from '../../call/hangup-cause.js';
import type { CallLegRecord } from '../../call/leg-record.js';

export type LegIdentity = Omit<CallLegRecord, 'startTime' | 'progressTime' | 'progressMediaTime' | 'answerTime' | 'bridgeTime' | 'endTime' | 'hangupCause'>;

export class LegTimeline {
  readonly startTime = new Date();
  #progress: Date | undefined;
  #progressMedia: Date | undefined;
  #answer: Date | undefined;
  #bridge: Date | undefined;

  progress(withMedia: boolean): void {
    this.#progress ??= new Date();
    if (withMedia) this.#progressMedia ??= new Date();
  }

  answer(): void {
    this.#answer ??= new Date();
  }

  bridge(): void {
    this.#bridge ??= new Date();
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
      endTime: new Date(),
      hangupCause,
    };
  }
}
