/**
 * A recording on a simulated call: nothing is written, the trace tells what
 * the file would hold — its length (the bridged time alone when it records
 * only while bridged) and whether it is kept.
 */
import type { CallRecordingOptions, RecordingSummary } from '../call/call.js';

export class SimRecording {
  readonly #startMs: number;
  readonly #minDurationMs: number;
  readonly #onlyWhileBridged: boolean;
  readonly #finished: CallRecordingOptions['finished'];
  /** The recording goes on when the call is transferred (else the transfer stops it). */
  readonly followsTransfer: boolean;
  #bridgedMs = 0;

  constructor(
    readonly path: string,
    startMs: number,
    { stereo = true, minDurationMs = 0, onlyWhileBridged = false, followTransfer = false, finished }: CallRecordingOptions,
  ) {
    this.#finished = finished;
    this.followsTransfer = followTransfer;
    this.#startMs = startMs;
    this.#minDurationMs = minDurationMs;
    this.#onlyWhileBridged = onlyWhileBridged;
    const only = onlyWhileBridged ? ' while bridged' : '';
    this.description = `recording to ${path}${stereo ? '' : ' (mono)'}${only}${minDurationMs > 0 ? `, kept if at least ${minDurationMs} ms long` : ''}`;
  }

  /** What the trace says when it starts. */
  readonly description: string;

  /** The call talked bridged this long while recording. */
  bridged(ms: number): void {
    this.#bridgedMs += ms;
  }

  /** The summary at `nowMs`, and the trace's line for it after `what`; whoever waits for it is told. */
  finish(nowMs: number, what: string): { summary: RecordingSummary; narration: string } {
    const durationMs = this.#onlyWhileBridged ? this.#bridgedMs : nowMs - this.#startMs;
    const discarded = durationMs < this.#minDurationMs;
    const summary: RecordingSummary = { path: this.path, durationMs, overrunFrames: 0, ...(discarded ? { discarded: true } : {}) };
    this.#finished?.(summary);
    return { summary, narration: `${what}: ${durationMs} ms recorded${discarded ? ', shorter than its minimum: deleted' : ''}` };
  }
}
