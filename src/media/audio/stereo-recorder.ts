/**
 * A call recording: a stereo 16-bit WAV at 8 kHz, the caller on the left and
 * whatever the caller hears (the other party, prompts) on the right, on one
 * timeline. Every 20 ms slot writes exactly one frame to each channel — the
 * frame that arrived for it, or silence — so both channels stay in step and
 * the file is as long as the recording ran, whatever was lost on the wire.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { SAMPLE_RATE, SAMPLES_PER_FRAME } from '../codec.js';

/** Frames waiting per channel; more means a source sends faster than real time, and the oldest go. */
const MAX_QUEUED_FRAMES = 10;
const WAV_HEADER_BYTES = 44;
const FLUSH_FRAMES = 50;

export interface RecordingSummary {
  path: string;
  durationMs: number;
  /** Frames dropped because a channel's source ran ahead of the clock. */
  overrunFrames: number;
}

export type Channel = 'left' | 'right';

export class StereoRecorder {
  readonly #queues: Record<Channel, Int16Array[]> = { left: [], right: [] };
  readonly #file: WriteStream;
  readonly #opened: Promise<void>;
  #pending: Buffer[] = [];
  #frames = 0;
  #overrun = 0;
  #failure: Error | undefined;

  constructor(readonly path: string) {
    this.#file = createWriteStream(path);
    this.#opened = new Promise((resolve, reject) => {
      this.#file.once('open', () => resolve());
      this.#file.once('error', reject);
    });
    this.#opened.catch(() => undefined);
    this.#file.on('error', (error) => (this.#failure ??= error));
    this.#file.write(wavHeader(0));
  }

  /** Resolves once the file is open; rejects when it cannot be created. */
  opened(): Promise<void> {
    return this.#opened;
  }

  /** A decoded 20 ms frame for a channel, in arrival order. */
  push(channel: Channel, frame: Int16Array): void {
    const queue = this.#queues[channel];
    queue.push(frame);
    if (queue.length > MAX_QUEUED_FRAMES) {
      queue.shift();
      this.#overrun += 1;
    }
  }

  /** One slot of the timeline: a frame per channel, silence where none came. */
  slot(): void {
    const left = this.#queues.left.shift();
    const right = this.#queues.right.shift();
    const interleaved = Buffer.alloc(SAMPLES_PER_FRAME * 4);
    for (let n = 0; n < SAMPLES_PER_FRAME; n++) {
      interleaved.writeInt16LE(left?.[n] ?? 0, n * 4);
      interleaved.writeInt16LE(right?.[n] ?? 0, n * 4 + 2);
    }
    this.#pending.push(interleaved);
    this.#frames += 1;
    if (this.#pending.length >= FLUSH_FRAMES) this.#flush();
  }

  /** Writes what is left and the final sizes into the header. */
  async stop(): Promise<RecordingSummary> {
    this.#flush();
    await new Promise<void>((resolve) => this.#file.end(resolve));
    if (this.#failure) throw this.#failure;
    const dataBytes = this.#frames * SAMPLES_PER_FRAME * 4;
    const handle = await open(this.path, 'r+');
    try {
      await handle.write(wavHeader(dataBytes), 0, WAV_HEADER_BYTES, 0);
    } finally {
      await handle.close();
    }
    return { path: this.path, durationMs: (this.#frames * SAMPLES_PER_FRAME * 1000) / SAMPLE_RATE, overrunFrames: this.#overrun };
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    this.#file.write(Buffer.concat(this.#pending));
    this.#pending = [];
  }
}

/** The canonical 44-byte header; written by hand because the file is streamed, not built in memory. */
function wavHeader(dataBytes: number): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(2, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
