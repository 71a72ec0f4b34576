/**
 * A 16-bit PCM WAV at 8 kHz written as it is recorded: the header first with
 * a length of 0, frames appended in batches, and the real lengths written
 * into the header when it ends — so a recording of any length never sits in
 * memory, and a crash leaves a file whose audio is all there.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { SAMPLE_RATE } from '../codec.js';

const WAV_HEADER_BYTES = 44;
/** Frames buffered before they are handed to the file (one second of 20 ms frames). */
const FLUSH_FRAMES = 50;

export class WavStreamWriter {
  readonly #file: WriteStream;
  readonly #opened: Promise<void>;
  #pending: Buffer[] = [];
  #dataBytes = 0;
  #failure: Error | undefined;

  constructor(
    readonly path: string,
    readonly channels: 1 | 2,
  ) {
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

  /** Interleaved 16-bit little-endian samples (one frame of every channel). */
  append(interleaved: Buffer): void {
    this.#pending.push(interleaved);
    this.#dataBytes += interleaved.length;
    if (this.#pending.length >= FLUSH_FRAMES) this.#flush();
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
    if (this.#pending.length === 0) return;
    this.#file.write(Buffer.concat(this.#pending));
    this.#pending = [];
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
