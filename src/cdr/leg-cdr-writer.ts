/**
 * Writes one CDR per finished call leg, off the call path: `record` builds
 * the document and queues it; legs recorded within a short window go to the
 * store in one `index` call (one transaction, one fsync). A failed write is
 * logged with the legs' uuids and retried once, document by document, so one
 * bad document cannot take its batch with it; a leg whose CDR still cannot be
 * written is logged at error level with the whole document, never dropped
 * silently.
 */
import { cdrFromLeg, type CallLegRecord } from './document/leg-record.js';
import type { CdrStore, IndexedDocument } from './store.js';

export interface LegCdrWriterOptions {
  store: CdrStore;
  /** The zone of a domain's local-time stamps. */
  timeZoneOf(domain: string): string;
  logger: { warn(o: object, m?: string): void; error(o: object, m?: string): void };
  /** How long the first leg of a batch waits for others (ms). Default 5; 0 = the same tick only. */
  batchWindowMs?: number;
  /** A batch this large is written at once. Default 1,000. */
  maxBatch?: number;
  /** Wait before the retry of a failed write (ms). Default 100. */
  retryDelayMs?: number;
}

const DEFAULT_BATCH_WINDOW_MS = 5;
const DEFAULT_MAX_BATCH = 1000;
const DEFAULT_RETRY_DELAY_MS = 100;

export class LegCdrWriter {
  /** Legs recorded, written, failed — for metrics. */
  readonly stats = { recorded: 0, written: 0, failed: 0 };
  readonly #store: CdrStore;
  readonly #timeZoneOf: (domain: string) => string;
  readonly #logger: LegCdrWriterOptions['logger'];
  readonly #batchWindowMs: number;
  readonly #maxBatch: number;
  readonly #retryDelayMs: number;
  #queue: IndexedDocument[] = [];
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: LegCdrWriterOptions) {
    this.#store = options.store;
    this.#timeZoneOf = (domain) => options.timeZoneOf(domain);
    this.#logger = options.logger;
    this.#batchWindowMs = options.batchWindowMs ?? DEFAULT_BATCH_WINDOW_MS;
    this.#maxBatch = Math.max(1, options.maxBatch ?? DEFAULT_MAX_BATCH);
    this.#retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  }

  /** Never throws, returns at once: the leg's CDR is built and queued for the next batch. */
  record(leg: CallLegRecord): void {
    this.stats.recorded++;
    let document;
    try {
      document = cdrFromLeg(leg, this.#timeZoneOf(leg.domain));
    } catch (error) {
      this.stats.failed++;
      this.#log('error', { err: error, uuid: leg?.uuid, leg }, 'cannot build the CDR of a call leg');
      return;
    }
    this.#queue.push({ id: leg.uuid, document });
    if (this.#queue.length >= this.#maxBatch) this.#writeQueued();
    else this.#schedule();
  }

  /** Resolves when everything recorded so far is durable (or has been logged as failed). */
  async flush(): Promise<void> {
    this.#writeQueued();
    await Promise.all([...this.#inFlight]);
  }

  #schedule(): void {
    if (this.#timer !== undefined || this.#immediate !== undefined) return;
    if (this.#batchWindowMs > 0) this.#timer = setTimeout(() => this.#writeQueued(), this.#batchWindowMs);
    else this.#immediate = setImmediate(() => this.#writeQueued());
  }

  #writeQueued(): void {
    clearTimeout(this.#timer);
    clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    const write = this.#write(batch).finally(() => this.#inFlight.delete(write));
    this.#inFlight.add(write);
  }

  /** Never rejects: every document ends up written or counted and logged as failed. */
  async #write(batch: IndexedDocument[]): Promise<void> {
    try {
      await this.#store.index(batch);
      this.stats.written += batch.length;
      return;
    } catch (error) {
      this.#log('warn', { err: error, uuids: batch.map((item) => item.id) }, 'CDR write failed; retrying');
    }
    await new Promise((resolve) => setTimeout(resolve, this.#retryDelayMs));
    // One by one (the store still commits them together): a document the store refuses fails alone.
    const results = await Promise.allSettled(batch.map((item) => this.#store.index([item])));
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') {
        this.stats.written++;
        return;
      }
      this.stats.failed++;
      const item = batch[index];
      this.#log('error', { err: result.reason, uuid: item.id, cdr: item.document }, 'CDR not written');
    });
  }

  #log(level: 'warn' | 'error', fields: object, message: string): void {
    try {
      this.#logger[level](fields, message);
    } catch {
      // A broken logger must not break the call path.
    }
  }
}
