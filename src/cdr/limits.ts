/**
 * The guard rails of the CDR store, named after the Elasticsearch settings
 * they mirror, and the Elasticsearch-shaped errors a request gets when it
 * crosses one. Every limit is configurable (see ./settings.ts); the defaults
 * are Elasticsearch's.
 */
import { CdrQueryError } from './store.js';

export interface CdrLimits {
  /** search.max_buckets: aggregation buckets in one response. */
  maxBuckets: number;
  /** indices.query.bool.max_clause_count: clauses in one query, field expansion included. */
  maxClauseCount: number;
  /** indices.query.max_nested_depth: how deep queries (and aggregations) may nest. */
  maxNestedDepth: number;
  /** index.max_terms_count: values in one `terms` query. */
  maxTermsCount: number;
  /** index.mapping.total_fields.limit: fields the mapping may hold. */
  totalFieldsLimit: number;
  /** index.mapping.depth.limit: how deep a document's objects may nest. */
  mappingDepthLimit: number;
  /** Bytes of one document's JSON. */
  maxDocumentBytes: number;
  /**
   * Actions in one `_bulk` request. Elasticsearch counts none (only the body's
   * 100 MB); clients size their requests in bytes — the JavaScript client's
   * bulk helper flushes every 5 MB — so the default lets 5 MB of documents as
   * small as 50 bytes through, and still bounds what a body of tiny actions
   * makes the store hold at once.
   */
  maxBulkActions: number;
  /** index.max_result_window: from + size of one search. */
  maxResultWindow: number;
}

export const DEFAULT_CDR_LIMITS: Readonly<CdrLimits> = Object.freeze({
  maxBuckets: 65_536,
  maxClauseCount: 4_096,
  maxNestedDepth: 30,
  maxTermsCount: 65_536,
  totalFieldsLimit: 1_000,
  mappingDepthLimit: 20,
  maxDocumentBytes: 1_048_576,
  maxBulkActions: 100_000,
  maxResultWindow: 10_000,
});

export function tooManyBuckets(limit: number): CdrQueryError {
  return new CdrQueryError(
    'too_many_buckets_exception',
    `Trying to create too many buckets. Must be less than or equal to: [${limit}] but this number was exceeded. This limit can be set by changing the [search.max_buckets] cluster level setting.`,
  );
}

export function tooManyClauses(limit: number): CdrQueryError {
  return new CdrQueryError('too_many_nested_clauses', `Query contains too many nested clauses; maxClauseCount is set to ${limit}`);
}

export function nestedTooDeep(): CdrQueryError {
  return new CdrQueryError('illegal_argument_exception', 'The nested depth of the query exceeds the maximum nested depth for queries set in [indices.query.max_nested_depth]');
}

export function tooManyTerms(count: number, limit: number): CdrQueryError {
  return new CdrQueryError(
    'illegal_argument_exception',
    `The number of terms [${count}] used in the Terms Query request has exceeded the allowed maximum of [${limit}]. This maximum can be set by changing the [index.max_terms_count] index level setting.`,
  );
}

export function resultWindowTooLarge(window: number, limit: number): CdrQueryError {
  return new CdrQueryError(
    'illegal_argument_exception',
    `Result window is too large, from + size must be less than or equal to: [${limit}] but was [${window}]. See the scroll api for a more efficient way to request large data sets. This limit can be set by changing the [index.max_result_window] index level setting.`,
  );
}

export function tooManyBulkActions(count: number, limit: number): CdrQueryError {
  return new CdrQueryError(
    'illegal_argument_exception',
    `The bulk request holds [${count}] actions, more than the allowed maximum of [${limit}]; send them in smaller requests. This maximum can be set by changing [cdr.limits.maxBulkActions].`,
  );
}

/** Counts buckets as an aggregation tree creates them; throws too_many_buckets_exception past the limit. */
export class BucketBudget {
  #used = 0;

  constructor(readonly limit: number) {}

  /** Takes `count` buckets, or throws before anything is built when they would not fit. */
  take(count: number): void {
    this.#used += count;
    if (this.#used > this.limit) throw tooManyBuckets(this.limit);
  }
}
