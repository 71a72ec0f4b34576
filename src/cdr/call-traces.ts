/**
 * The trace of a real call (every application the schema ran, its arguments
 * after substitution, its outcome, the variables it set — what `callrouter
 * trace` prints), kept beside the call's CDRs with the same retention. The
 * CDR store keeps the events as they came; it does not read them.
 */

/** The default cap of one stored trace's events, in bytes of JSON (`cdr.callTraces.maxBytes`). */
export const DEFAULT_CALL_TRACE_MAX_BYTES = 65_536;

/** One call's trace, keyed by the caller's leg uuid (a bridged leg's CDR names it in `variables.originating_leg_uuid`). */
export interface CallTraceRecord {
  uuid: string;
  /** The call's domain when its flow ended ('' for a call no route took). */
  domain: string;
  /** When the call's first step ran: retention counts from here. */
  startedAt: string;
  /** Trace events in order (`step` and `end`, as `trace --json` prints them). */
  events: unknown[];
  /** Steps left out because the trace reached its size cap (the `end` events are always kept). */
  droppedEvents: number;
}

export interface CallTraceLookup {
  /** Restrict to one domain's traces (a domain-admin's): another domain's trace is not found. */
  domain?: string;
}

/**
 * A trace as the recorder holds it and hands it to the store: each event is
 * its JSON already, made when the event came — a call in progress holds
 * bytes rather than each step's objects.
 */
export interface SerializedCallTrace extends Omit<CallTraceRecord, 'events'> {
  /** Each event's JSON in UTF-8, in order, each followed by a newline (./trace-bytes.ts). */
  events: Uint8Array;
  /** Where in `events` the `end` events are: the size cap always keeps them. */
  ends: number[];
}

/** Where complete traces are stored. */
export interface CallTraceSink {
  /** Resolves once the traces are durable; rejects when they could not be stored. */
  saveTraces(traces: readonly SerializedCallTrace[]): Promise<void>;
}

export interface CallTraceStore extends CallTraceSink {
  callTrace(uuid: string, options?: CallTraceLookup): Promise<CallTraceRecord | undefined>;
}
