/**
 * The CDR store as the rest of callrouter sees it: documents go in when a leg
 * ends; searches in the Elasticsearch query language come out with
 * Elasticsearch-shaped responses.
 */

/** A CDR document: the top-level fields of reference/cdr-document.md plus `variables`. */
export type CdrDocument = Record<string, unknown>;

export interface SearchOptions {
  /** "now" for date math; the store's clock when absent. */
  now?: Date;
  /** Restrict to one domain's CDRs (the original searched `cdr-*-<domain>`). */
  domain?: string;
}

export interface SearchHit {
  _index: string;
  _id: string;
  _score: number | null;
  _source?: CdrDocument;
  fields?: Record<string, unknown[]>;
  sort?: unknown[];
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
}

export interface CdrStore extends CdrSearcher {
  count(request: unknown, options?: SearchOptions): Promise<CountResponse>;
  /** Stores documents; resolves once they are durable, with their ids. */
  index(documents: readonly IndexedDocument[]): Promise<string[]>;
  close(): Promise<void>;
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
