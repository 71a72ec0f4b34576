/**
 * The request worker's side of its `_bulk` bodies' preparation thread
 * (./bulk-preparation-worker.ts): each chunk of an upload goes there as it
 * arrives; the `bulk` request that writes the upload takes its prepared
 * actions as they come back (./store.ts writePreparedBulk), writing the
 * first while the thread still reads the last. The thread starts with the
 * first upload; if it dies, the bodies it held fail with it (their requests
 * get the error) and the next upload starts another.
 */
import type { Worker } from 'node:worker_threads';
import { startWorkerThread } from '../../worker-thread.js';
import type { FromBulkPreparation, PreparedBulkAction, ToBulkPreparation } from './bulk-preparation-protocol.js';
import { ownsItsMemory } from './cdr-bulk-upload.js';
import { failureError } from './cdr-request-protocol.js';
import type { RowPreparation } from './store.js';

/** An upload's prepared actions as they come back, and how its reading ended. */
class PreparingUpload {
  readonly #batches: PreparedBulkAction[][] = [];
  #ended = false;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;

  add(actions: PreparedBulkAction[]): void {
    this.#batches.push(actions);
    this.#wake?.();
  }

  end(failure?: Error): void {
    this.#ended = true;
    this.#failure = failure;
    this.#wake?.();
  }

  async *batches(): AsyncGenerator<PreparedBulkAction[]> {
    for (;;) {
      const batch = this.#batches.shift();
      if (batch) {
        yield batch;
        continue;
      }
      if (this.#ended) break;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
    if (this.#failure) throw this.#failure;
  }
}

export class BulkPreparation {
  #thread: Worker | undefined;
  readonly #uploads = new Map<number, PreparingUpload>();

  constructor(
    private readonly preparation: () => RowPreparation,
    private readonly maxActions: number,
  ) {}

  /** Uploads open or waiting for their request. */
  get size(): number {
    return this.#uploads.size;
  }

  open(upload: number, index: string | undefined): void {
    this.#uploads.set(upload, new PreparingUpload());
    this.#send({ type: 'open', upload, index, maxActions: this.maxActions, preparation: this.preparation() });
  }

  push(upload: number, chunk: Uint8Array): void {
    if (!this.#uploads.has(upload)) return;
    // Arrived moved here, it moves on: never copied.
    this.#send({ type: 'chunk', upload, chunk }, ownsItsMemory(chunk) ? [chunk.buffer as ArrayBuffer] : []);
  }

  discard(upload: number): void {
    if (this.#uploads.delete(upload)) this.#send({ type: 'discard', upload });
  }

  /** The upload's actions as the thread prepares them (its body has all arrived); ends with the body's refusal, if any. Undefined for an upload not open here. */
  take(upload: number): AsyncGenerator<PreparedBulkAction[]> | undefined {
    const preparing = this.#uploads.get(upload);
    if (!preparing) return undefined;
    this.#send({ type: 'end', upload });
    return preparing.batches();
  }

  close(): Promise<number> | undefined {
    return this.#thread?.terminate();
  }

  #send(message: ToBulkPreparation, transfer: ArrayBuffer[] = []): void {
    (this.#thread ??= this.#start()).postMessage(message, transfer);
  }

  #start(): Worker {
    const thread = startWorkerThread(import.meta.url, 'bulk-preparation-worker', { name: 'cdr-bulk-read', background: true });
    thread.unref();
    thread.on('message', (message: FromBulkPreparation) => {
      const upload = this.#uploads.get(message.upload);
      if (!upload) return;
      if (message.type === 'actions') {
        upload.add(message.actions);
        return;
      }
      this.#uploads.delete(message.upload);
      upload.end(message.failure && failureError(message.failure));
    });
    let failure: Error | undefined;
    thread.on('error', (error) => (failure = error));
    thread.on('exit', (code) => {
      if (this.#thread === thread) this.#thread = undefined;
      const lost = failure ?? new Error(`the CDR bulk reading thread exited (code ${code})`);
      for (const upload of this.#uploads.values()) upload.end(lost);
      this.#uploads.clear();
    });
    return thread;
  }
}
