/**
 * A caller's message (recordFile, voicemail): a mono 16-bit WAV at 8 kHz of
 * what the caller says, one frame per 20 ms slot (silence where none came),
 * that ends by itself at its maximum length, after enough silence in a row,
 * or on a terminator digit — FreeSWITCH `record`'s rules: a frame is silent
 * when its mean absolute amplitude is under the threshold.
 */
import { SAMPLES_PER_FRAME, PTIME_MS } from '../codec.js';
import { SampleQueue } from './sample-queue.js';
import { WavStreamWriter } from './wav-stream.js';

export interface MessageOptions {
  /** The longest message (ms). */
  maxMs: number;
  /** Digits that end the message (they are not recorded as audio). */
  terminators: string;
  /** Mean absolute 16-bit amplitude under which a frame counts as silence (FreeSWITCH's silence_thresh, e.g. 200). */
  silenceThreshold: number;
  /** Ends the message after this much silence in a row (ms); 0: silence never ends it. */
  silenceMs: number;
}

export type MessageEnd = 'max' | 'silence' | 'terminator' | 'stopped';

export interface MessageRecording {
  path: string;
  durationMs: number;
  /** Why it ended; `stopped`: the session closed (the caller hung up) or it was stopped. */
  reason: MessageEnd;
  /** The terminator pressed. */
  digit?: string;
}

/** Audio waiting (200 ms); more means the caller sends faster than real time, and the oldest goes. */
const MAX_QUEUED_SAMPLES = 10 * SAMPLES_PER_FRAME;

export class MessageRecorder {
  readonly #wav: WavStreamWriter;
  readonly #queue = new SampleQueue(MAX_QUEUED_SAMPLES);
  readonly #frame = new Int16Array(SAMPLES_PER_FRAME);
  #silentMs = 0;
  #ended: Promise<MessageRecording> | undefined;
  #resolve!: (recording: MessageRecording) => void;
  #reject!: (error: Error) => void;
  /** Resolves once the message has ended and its file is complete. */
  readonly done: Promise<MessageRecording>;

  constructor(
    readonly path: string,
    private readonly options: MessageOptions,
  ) {
    this.#wav = new WavStreamWriter(path, 1);
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    this.done.catch(() => undefined);
  }

  opened(): Promise<void> {
    return this.#wav.opened();
  }

  get ended(): boolean {
    return this.#ended !== undefined;
  }

  /** Decoded audio of the caller (a packet's worth, whatever its length), in arrival order. */
  push(samples: Int16Array): void {
    if (!this.ended) this.#queue.push(samples);
  }

  /** One slot of the timeline; true once the message has ended (by length or silence). */
  slot(): boolean {
    if (this.ended) return true;
    const frame = this.#frame;
    this.#queue.take(frame);
    const offset = this.#wav.nextFrame();
    const view = this.#wav.frameView;
    let level = 0;
    for (let n = 0; n < SAMPLES_PER_FRAME; n++) {
      const sample = frame[n];
      view.setInt16(offset + n * 2, sample, true);
      level += Math.abs(sample);
    }
    const silent = level / SAMPLES_PER_FRAME < this.options.silenceThreshold;
    this.#silentMs = silent ? this.#silentMs + PTIME_MS : 0;
    if (this.#wav.durationMs >= this.options.maxMs) this.end('max');
    else if (this.options.silenceMs > 0 && this.#silentMs >= this.options.silenceMs) this.end('silence');
    return this.ended;
  }

  /** A digit the caller pressed; true when it was a terminator and ended the message. */
  digit(digit: string): boolean {
    if (this.ended || !this.options.terminators.includes(digit)) return false;
    this.end('terminator', digit);
    return true;
  }

  /** Ends the message (once) and completes its file; resolves with the recording. */
  end(reason: MessageEnd, digit?: string): Promise<MessageRecording> {
    this.#ended ??= this.#wav.finish().then(
      () => {
        const recording: MessageRecording = { path: this.path, durationMs: this.#wav.durationMs, reason, ...(digit ? { digit } : {}) };
        this.#resolve(recording);
        return recording;
      },
      (error: Error) => {
        this.#reject(error);
        throw error;
      },
    );
    return this.#ended;
  }
}
