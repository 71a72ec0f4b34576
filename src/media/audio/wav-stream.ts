/**
 * A 16-bit PCM WAV at 8 kHz written as it is recorded: the header first with
 * a length of 0, frames appended in batches, and the real lengths written
 * into the header when it ends — so a recording of any length never sits in
 * memory, and a crash leaves a file whose audio is all there.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { SAMPLE_RATE, SAMPLES_PER_FRAME } from '../codec.js';

const WAV_HEADER_BYTES = 44;
/** Frames written into one buffer before it is handed to the file (one second of 20 ms frames). */
const FLUSH_FRAMES = 50;

export class WavStreamWriter {
  readonly #file: WriteStream;
  readonly #opened: Promise<void>;
  readonly #frameBytes: number;
  #chunk: Buffer;
  #view: DataView;
  #used = 0;
  /**
   * Bytes of the current buffer after which it is written. The first buffer
   * holds a random share of a second: recordings started together (a busy
   * hour, a bench) then hand their buffers over in different slots, not
   * hundreds in one slot of the media clock.
   */
  #flushAt: number;
  #dataBytes = 0;
  #failure: Error | undefined;

  constructor(
    readonly path: string,
    readonly channels: 1 | 2,
  ) {
    this.#frameBytes = SAMPLES_PER_FRAME * 2 * channels;
    [this.#chunk, this.#view] = this.#newChunk();
    this.#flushAt = (1 + Math.floor(Math.random() * FLUSH_FRAMES)) * this.#frameBytes;
    this.#file = createWriteStream(path);
    this.#opened = new Promise((resolve, reject) => {
      this.#file.once('open', () => resolve());
      this.#file.once('error', reject);
    });
    this.#opened.catch(() => undefined);
    this.#file.on('error', (error) => (this.#failure ??= error));
    this.#file.write(wavHeader(channels, 0));
  }

  /** Resolves once the file is open; rejects when it cannot be created. */
  opened(): Promise<void> {
    return this.#opened;
  }

  /** Milliseconds of audio written so far. */
  get durationMs(): number {
    return (this.#dataBytes / (2 * this.channels) / SAMPLE_RATE) * 1000;
  }

  /**
   * Room for the next 20 ms frame: its byte offset in `frameView`, where the
   * caller writes it at once (each sample time's channels in turn, 16-bit little-endian).
   */
  nextFrame(): number {
    if (this.#used + this.#frameBytes > this.#flushAt) this.#flush();
    const offset = this.#used;
    this.#used += this.#frameBytes;
    this.#dataBytes += this.#frameBytes;
    return offset;
  }

  /** Where nextFrame's room is; read it after calling nextFrame (it changes as buffers fill). */
  get frameView(): DataView {
    return this.#view;
  }

  /** Writes what is left and the final lengths into the header. */
  async finish(): Promise<void> {
    this.#flush();
    await new Promise<void>((resolve) => this.#file.end(resolve));
    if (this.#failure) throw this.#failure;
    const handle = await open(this.path, 'r+');
    try {
      await handle.write(wavHeader(this.channels, this.#dataBytes), 0, WAV_HEADER_BYTES, 0);
    } finally {
      await handle.close();
    }
  }

  #flush(): void {
    if (this.#used === 0) return;
    // The file stream keeps the buffer it is given; the next frames go to a new one.
    this.#file.write(this.#chunk.subarray(0, this.#used));
    [this.#chunk, this.#view] = this.#newChunk();
    this.#flushAt = this.#chunk.length;
    this.#used = 0;
  }

  #newChunk(): [Buffer, DataView] {
    const chunk = Buffer.allocUnsafe(FLUSH_FRAMES * this.#frameBytes);
    return [chunk, new DataView(chunk.buffer, chunk.byteOffset, chunk.length)];
  }
}

/** The canonical 44-byte header; written by hand because the file is streamed, not built in memory. */
function wavHeader(channels: number, dataBytes: number): Buffer {
  const header = Buffer.alloc(WAV_HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + dataBytes, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2 * channels, 28);
  header.writeUInt16LE(2 * channels, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(dataBytes, 40);
  return header;
}
