/**
 * Who hears of a call recording's end: the schema that started it (to
 * e-mail it, say) is told once, whether the schema stops it or the call's
 * end does. The media engine finishes a recording when it closes a session,
 * without a word; so a call with someone waiting stops the recording itself
 * first.
 */
import type { CallRecordingOptions, RecordingSummary } from '../../call/call.js';
import type { MediaSession } from '../../media/media-engine.js';

export class RecordingHandoff {
  #finished: CallRecordingOptions['finished'];
  #followsTransfer = false;

  /** A recording starts: what goes to the media engine, with `finished` and `followTransfer` kept here (a function cannot cross to its thread). */
  started({ finished, followTransfer, ...options }: CallRecordingOptions = {}): Omit<CallRecordingOptions, 'finished' | 'followTransfer'> {
    this.#finished = finished;
    this.#followsTransfer = followTransfer ?? false;
    return options;
  }

  /** The recording goes on when the call is transferred (FreeSWITCH's recording_follow_transfer); else the transfer stops it. */
  get followsTransfer(): boolean {
    return this.#followsTransfer;
  }

  /** The schema stops the recording. */
  async stop(session: MediaSession | undefined): Promise<RecordingSummary | undefined> {
    const summary = await session?.stopRecording();
    this.#tell(summary);
    return summary;
  }

  /** The call ends: before its session closes, a recording someone waits for is stopped and handed over. */
  async beforeClose(session: MediaSession | undefined): Promise<void> {
    if (this.#finished) await this.stop(session).catch(() => this.#tell(undefined));
  }

  #tell(summary: RecordingSummary | undefined): void {
    const finished = this.#finished;
    this.#finished = undefined;
    if (summary) finished?.(summary);
  }
}
