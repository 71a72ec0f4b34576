/**
 * Keeps the trace of every call while its flow runs and stores it, off the
 * call path, once the flow is over: events are collected in memory, each as
 * its JSON (a step's objects — its arguments, variables, notes — took twice
 * the memory for as long as the call lasted), up to a number (steps past it
 * are counted, not kept; `end` events always are) — the byte cap is the
 * store's, applied off this thread —, finished traces are handed to the sink together, at most
 * every `batchDelayMs` (one message to the writer thread and one transaction
 * for all of them). A trace the sink cannot store is logged with the
 * call's uuid; the call is never affected. Until it is stored, a trace is
 * readable here, so a call in progress shows its steps so far.
 */
import { ownedText } from '../owned-text.js';
import type { CallTraceRecord, CallTraceSink, SerializedCallTrace } from './call-traces.js';

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

interface Collecting {
  record: SerializedCallTrace;
  /** The call's domain, which its route names after the flow began. */
  domainOf(): string;
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
    const record = { uuid, domain: '', startedAt: this.#options.now().toISOString(), events: [], ends: [], droppedEvents: 0 };
    this.#traces.set(uuid, { record, domainOf });
  }

  /** One event of a begun call's flow. Never throws: an event that has no JSON is counted as dropped. */
  add(uuid: string, event: RecordedEvent): void {
    const trace = this.#traces.get(uuid);
    if (!trace) return;
    const { record } = trace;
    const isEnd = event.type === 'end';
    const json = isEnd || record.events.length < this.#options.maxEvents ? jsonOf(event) : undefined;
    if (json === undefined) {
      record.droppedEvents++;
      return;
    }
    if (isEnd) record.ends.push(record.events.length);
    record.events.push(json);
  }

  /** The call's flow (disconnect handlers included) is over: its trace is stored. */
  finish(uuid: string): void {
    const trace = this.#traces.get(uuid);
    if (!trace) return;
    trace.record.domain = safely(trace.domainOf);
    trace.domainOf = () => trace.record.domain;
    this.#queue.push(trace.record);
    this.#scheduled ??= setTimeout(() => this.#write(), this.#options.batchDelayMs ?? DEFAULT_BATCH_DELAY_MS);
  }

  /** The trace of a call whose flow runs, or whose trace is not stored yet. */
  current(uuid: string): CallTraceRecord | undefined {
    const trace = this.#traces.get(uuid);
    if (!trace) return undefined;
    const { uuid: id, startedAt, events, droppedEvents } = trace.record;
    return { uuid: id, domain: safely(trace.domainOf), startedAt, events: events.map((json) => JSON.parse(json) as unknown), droppedEvents };
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
      for (const trace of batch) if (this.#traces.get(trace.uuid)?.record === trace) this.#traces.delete(trace.uuid);
    });
    this.#inFlight.add(tracked);
  }
}

/** Characters past latin1: one of them (a step's result says "→") makes V8 keep the whole text at two bytes a character. */
const WIDE_CHARACTER = /[\u0100-\uffff]/g;

function escapeWide(character: string): string {
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * The event's JSON as one flat string of one byte a character: JSON.stringify
 * builds a longer text as a tree of its parts (32 bytes more for each), and
 * characters past latin1 are escaped as JSON allows (\uXXXX), which reads back the same.
 */
function jsonOf(event: RecordedEvent): string | undefined {
  try {
    return ownedText(JSON.stringify(event).replace(WIDE_CHARACTER, escapeWide));
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
