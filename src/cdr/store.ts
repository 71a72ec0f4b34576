/**
 * The CDR store as the rest of callrouter sees it: documents go in when a leg
 * ends; searches in the Elasticsearch query language come out with
 * Elasticsearch-shaped responses.
 */

import type { BulkResponse } from './bulk.js';
import type { FieldType } from './mapping.js';

/** A CDR document: the top-level fields of reference/cdr-document.md plus `variables`. */
export type CdrDocument = Record<string, unknown>;

export interface SearchOptions {
  /** "now" for date math; the store's clock when absent. */
  now?: Date;
  /** Restrict to one domain's CDRs (the original searched `cdr-*-<domain>`). */
  domain?: string;
  /** The longest this request may run (ms), whatever its `timeout` asks; the store's maximum when absent. */
  maxTimeMs?: number;
  /** Ends the request early, e.g. when its HTTP client goes away. */
  signal?: AbortSignal;
  /** Search the store as it was when this snapshot opened (CdrService.openSnapshot): scrolls and points in time. */
  snapshot?: string;
}

export interface SearchHit {
  _index: string;
  _id: string;
  /** With `version: true`. */
  _version?: number;
  /** With `seq_no_primary_term: true`. */
  _seq_no?: number;
  _primary_term?: number;
  _score: number | null;
  _source?: CdrDocument;
  fields?: Record<string, unknown[]>;
  sort?: unknown[];
  /** With `collapse.inner_hits`: each named set of the group's hits. */
  inner_hits?: Record<string, unknown>;
}

export interface SearchResponse {
  took: number;
  timed_out: boolean;
  _shards: { total: number; successful: number; skipped: number; failed: number };
  hits: {
    total?: { value: number; relation: 'eq' | 'gte' };
    max_score: number | null;
    hits: SearchHit[];
  };
  aggregations?: Record<string, unknown>;
}

export interface CountResponse {
  count: number;
  _shards: SearchResponse['_shards'];
}

export interface IndexedDocument {
  /** The document's `_id`; generated when absent. */
  id?: string;
  document: CdrDocument;
}

export interface CdrSearcher {
  /** Runs an Elasticsearch search request body. Throws CdrQueryError for a bad request. */
  search(request: unknown, options?: SearchOptions): Promise<SearchResponse>;
  /** The agents who spoke with a customer most recently, from the customer-number index (`lastAgent`). */
  lastAgents(query: LastAgentsQuery, options?: Pick<SearchOptions, 'maxTimeMs' | 'signal'>): Promise<LastAgentsAnswer>;
}

/** "Who handled this customer lately": the legs of a customer's calls that belong to an agent (a user), newest first. */
export interface LastAgentsQuery {
  /** The customer's number in E.164 (directory/phone-number.ts). */
  customer: string;
  /** Only this domain's CDRs. */
  domain: string;
  /** `outbound`: calls the agent placed to the customer; `inbound`: the customer's calls an agent's phone took part in. */
  directions: readonly ('inbound' | 'outbound')[];
  /** The look-back: CDRs whose "Call start time" is within [since, until]. */
  since: Date;
  until: Date;
  /** Only legs that were answered count. */
  answeredOnly: boolean;
  /** Only legs with at least this many seconds of conversation ("Connected call duration") count. */
  minTalkSeconds: number;
  /** How many distinct agents to find. */
  agents: number;
}

/** One CDR the lookup read, and what it made of it. */
export interface ConsideredCdr {
  id: string;
  agent: string;
  direction: string;
  /** "Call start time", ISO-8601. */
  start: string;
  answered: boolean;
  talkSeconds: number;
  /** Why it did not name a new agent; absent when it did. */
  skipped?: 'not answered' | 'talk too short' | 'agent already found';
}

export interface LastAgentsAnswer {
  /** Distinct agents, most recent first, at most `agents`. */
  agents: string[];
  /** Every CDR read, newest first. */
  considered: ConsideredCdr[];
  /** The lookup stopped at its bound of CDRs read before it found `agents` agents. */
  truncated: boolean;
}

export interface CdrStore extends CdrSearcher {
  count(request: unknown, options?: SearchOptions): Promise<CountResponse>;
  /** Stores documents; resolves once they are durable, with their ids. */
  index(documents: readonly IndexedDocument[]): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * One write as a client states it (`_doc`, `_update`, `_bulk`): the limits
 * apply, `create` refuses an existing id, `update` merges `partial` into the
 * stored document (a missing one is created from `upsert` when given).
 */
export type ClientWrite = (
  | { id?: string; document: CdrDocument; mode: 'index' | 'create' }
  | { id: string; mode: 'delete' }
  | { id: string; mode: 'update'; partial: CdrDocument; upsert?: CdrDocument }
) & {
  /** Written only if the document is still at this sequence number (Elasticsearch's `if_seq_no`, `if_primary_term`). */
  condition?: WriteCondition;
};

export interface WriteCondition {
  seqNo: number;
  primaryTerm: number;
}

export type WriteOutcome = 'created' | 'updated' | 'deleted' | 'noop' | 'not_found';

/** Per-item outcome, as a bulk response reports it. */
export type WriteResult =
  | {
      ok: true;
      id: string;
      result: WriteOutcome;
      /** Elasticsearch's _version after the write. */
      version: number;
      /** Elasticsearch's _seq_no: the write's place in the index's one sequence (a no-op's: the document's). */
      seqNo: number;
    }
  | { ok: false; id: string; status: number; type: string; reason: string };

/** A `_bulk` NDJSON body: text, its UTF-8 bytes, or those bytes as they arrive (read chunk by chunk). */
export type BulkBody = string | Uint8Array | AsyncIterable<Uint8Array>;

/** A `_bulk` request's options: its index from the path (`/<index>/_bulk`), for actions that name none. */
export interface BulkOptions extends SearchOptions {
  index?: string;
}

export interface DeleteByQueryResponse {
  took: number;
  timed_out: boolean;
  total: number;
  deleted: number;
  batches: number;
  version_conflicts: number;
  noops: number;
  retries: { bulk: number; search: number };
  throttled_millis: number;
  requests_per_second: number;
  throttled_until_millis: number;
  failures: unknown[];
}

/** What a delete-by-query answers, as Elasticsearch does: one batch when anything matched, nothing throttled or retried. */
export function deleteByQueryResponse(took: number, total: number, deleted: number): DeleteByQueryResponse {
  return {
    took,
    timed_out: false,
    total,
    deleted,
    batches: total === 0 ? 0 : 1,
    version_conflicts: 0,
    noops: 0,
    retries: { bulk: 0, search: 0 },
    throttled_millis: 0,
    requests_per_second: -1,
    throttled_until_millis: 0,
    failures: [],
  };
}

/**
 * Every CDR request the HTTP API and the schemas make, as one async entry
 * point: the store runs them wherever it runs them (this thread, or worker
 * threads with a deadline each — ./sqlite/cdr-workers.ts).
 */
export interface CdrService extends CdrStore {
  /** Client documents, each checked against the limits; per-item results. */
  write(items: ClientWrite[], options?: SearchOptions): Promise<WriteResult[]>;
  /** An Elasticsearch `_bulk` NDJSON body; the Elasticsearch `_bulk` response. */
  bulk(body: BulkBody, options?: BulkOptions): Promise<BulkResponse>;
  /**
   * bulk()'s response as JSON text, made where the writes ran: it reaches the HTTP thread (the router's SIP thread)
   * as one string, not an object per item to rebuild and serialise there — 5,000 items cost that thread 5–15 ms.
   */
  bulkJson(body: BulkBody, options?: BulkOptions): Promise<string>;
  /** Deletes the CDRs a query matches (Elasticsearch `_delete_by_query`). */
  deleteByQuery(request: unknown, options?: SearchOptions): Promise<DeleteByQueryResponse>;
  /** Updates the planner's statistics (done hourly; worth calling after a large import). */
  refreshStatistics(): Promise<void>;
  /** Every mapped field with its type, as `_mapping` and `_field_caps` show them (kept current without a round trip). */
  mappedFields(): [string, FieldType][];
  /** A read snapshot searches can name (SearchOptions.snapshot); undefined when this store cannot keep one (in memory). */
  openSnapshot(): Promise<string | undefined>;
  closeSnapshot(id: string): Promise<void>;
}

/** A request Elasticsearch would refuse; carries the Elasticsearch-shaped error body. */
export class CdrQueryError extends Error {
  constructor(
    readonly type: string,
    readonly reason: string,
    readonly status = 400,
    /** Further fields of the error object (`index`, `resource.id`, …). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${type}: ${reason}`);
    this.name = 'CdrQueryError';
  }

  toResponse(): { error: { type: string; reason: string; root_cause: { type: string; reason: string }[] }; status: number } {
    const cause = { type: this.type, reason: this.reason, ...this.details };
    return { error: { root_cause: [cause], ...cause }, status: this.status };
  }
}
