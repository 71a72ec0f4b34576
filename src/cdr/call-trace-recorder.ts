/**
 * Keeps the trace of every call while its flow runs and stores it, off the
 * call path, once the flow is over: events are collected in memory, each as
 * its JSON appended to one UTF-8 buffer per call (outside the JavaScript heap:
 * a string per event, or a step's objects, lasted as long as the call on
 * the heap the garbage collector walks), up to a number (steps past it are
 * counted, not kept; `end` events always are) — the byte cap is the store's,
 * applied off this thread —, finished traces are handed to the sink
 * together, at most every `batchDelayMs` (one message to the writer thread
 * and one transaction for all of them). A trace the sink cannot store is
 * logged with the call's uuid; the call is never affected. Until it is
 * stored, a trace is readable here, so a call in progress shows its steps so far.
 */
import type { CallTraceRecord, CallTraceSink, SerializedCallTrace } from './call-traces.js';
import { eventTexts, TraceBytes } from './trace-bytes.js';

/** What the recorder reads of an event: its kind (`step` or `end`). */
export interface RecordedEvent {
  type: string;
}

export interface CallTraceRecorderOptions {
  sink: CallTraceSink;
  /** The most events kept in memory per call (the store caps their bytes). */
  maxEvents: number;
  now(): Date;
  logger: { error(fields: object, message: string): void };
  /** How long a finished trace waits for others before they are stored together (ms). Default 100. */
  batchDelayMs?: number;
}

const DEFAULT_BATCH_DELAY_MS = 100;

/** A call's trace while its flow runs: its events' JSON in one buffer. */
class Collecting extends TraceBytes {
  droppedEvents = 0;
  /** Once the flow is over: what is handed to the sink (and read until it is stored). */
  finished: SerializedCallTrace | undefined;

  constructor(
    readonly startedAt: string,
    /** The call's domain, which its route names after the flow began. */
    readonly domainOf: () => string,
  ) {
    super();
  }
}

export class CallTraceRecorder {
  readonly #options: CallTraceRecorderOptions;
  /** Traces of calls whose flow runs, and finished ones not yet stored. */
  readonly #traces = new Map<string, Collecting>();
  #queue: SerializedCallTrace[] = [];
  #scheduled: NodeJS.Timeout | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  /** Traces stored and failed, for tests and metrics. */
  readonly stats = { stored: 0, failed: 0 };

  constructor(options: CallTraceRecorderOptions) {
    this.#options = options;
  }

  /** A call's flow starts: its trace (no steps yet) is readable from now on. */
  begin(uuid: string, domainOf: () => string): void {
    if (this.#traces.has(uuid)) return;
    this.#traces.set(uuid, new Collecting(this.#options.now().toISOString(), domainOf));
  }

  /** One event of a begun call's flow. Never throws: an event that has no JSON is counted as dropped. */
  add(uuid: string, event: RecordedEvent): void {
    const trace = this.#traces.get(uuid);
    if (!trace || trace.finished) return;
    const isEnd = event.type === 'end';
    const json = isEnd || trace.count < this.#options.maxEvents ? jsonOf(event) : undefined;
    if (json === undefined) trace.droppedEvents++;
    else trace.append(json, isEnd);
  }

  /** The call's flow (disconnect handlers included) is over: its trace is stored. */
  finish(uuid: string): void {
    const trace = this.#traces.get(uuid);
    if (!trace || trace.finished) return;
    const record: SerializedCallTrace = { uuid, domain: safely(trace.domainOf), startedAt: trace.startedAt, events: trace.bytes(), ends: trace.ends, droppedEvents: trace.droppedEvents };
    trace.finished = record;
    this.#queue.push(record);
    this.#scheduled ??= setTimeout(() => this.#write(), this.#options.batchDelayMs ?? DEFAULT_BATCH_DELAY_MS);
  }

  /** The trace of a call whose flow runs, or whose trace is not stored yet. */
  current(uuid: string): CallTraceRecord | undefined {
    const trace = this.#traces.get(uuid);
    if (!trace) return undefined;
    const events = eventTexts(trace.finished?.events ?? trace.bytes());
    const domain = trace.finished ? trace.finished.domain : safely(trace.domainOf);
    return { uuid, domain, startedAt: trace.startedAt, events: events.map((json) => JSON.parse(json) as unknown), droppedEvents: trace.droppedEvents };
  }

  /** Resolves when every finished trace is stored (or logged as failed). */
  async flush(): Promise<void> {
    this.#write();
    await Promise.all([...this.#inFlight]);
  }

  #write(): void {
    clearTimeout(this.#scheduled);
    this.#scheduled = undefined;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    const write = this.#options.sink.saveTraces(batch).then(
      () => {
        this.stats.stored += batch.length;
      },
      (error: unknown) => {
        this.stats.failed += batch.length;
        this.#options.logger.error({ err: error, uuids: batch.map((trace) => trace.uuid) }, 'call traces not stored');
      },
    );
    const tracked = write.finally(() => {
      this.#inFlight.delete(tracked);
      for (const trace of batch) if (this.#traces.get(trace.uuid)?.finished === trace) this.#traces.delete(trace.uuid);
    });
    this.#inFlight.add(tracked);
  }
}

function jsonOf(event: RecordedEvent): string | undefined {
  try {
    return JSON.stringify(event);
  } catch {
    return undefined;
  }
}

function safely(domainOf: () => string): string {
  try {
    return domainOf();
  } catch {
    return '';
  }
}
