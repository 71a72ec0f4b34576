/**
 * Runs a parsed search against a store: binds the query, lets the store
 * answer the whole page from its indexes when it can, otherwise checks each
 * candidate document with the matcher; then sorts, pages, aggregates and
 * shapes the response exactly as Elasticsearch does.
 */
import { BucketBudget, DEFAULT_CDR_LIMITS, type CdrLimits } from '../limits.js';
import type { CdrMapping } from '../mapping.js';
import type { CdrDocument, CountResponse, SearchHit, SearchResponse } from '../store.js';
import { computeAggregations } from './aggregations/compute.js';
import { refuseBucketExplosion } from './aggregations/bucket-floor.js';
import { bindQuery } from './bind.js';
import type { Bound } from './bound.js';
import { checkClauseCount } from './clause-count.js';
import { collapseGroups, collapseKey, type CollapsedGroup } from './collapse.js';
import { docView, type DocView } from './doc-view.js';
import { hitFields, resolveFieldRequests, type ResolvedField } from './hit-fields.js';
import { compileMatcher } from './matcher.js';
import type { Query } from './ast.js';
import type { SearchRequest } from './parse-request.js';
import { checkSearchAfter, hitsAfter } from './search-after.js';
import { compareHits, resolveSort, sortKey, sortValueForResponse, withMissing, type ResolvedSort } from './sort.js';
import { filterSource, type SourceFilter } from './source-filter.js';

export const INDEX_NAME = 'cdr';
/** Elasticsearch's _primary_term: one primary shard that never changed (no failover, no restore). */
export const PRIMARY_TERM = 1;

export interface StoredRow {
  /** Position in index order (ties sort by it). */
  seq: number;
  id: string;
  source: CdrDocument;
  /** Elasticsearch's _version. */
  version: number;
  /** Elasticsearch's _seq_no. */
  seqNo: number;
}

export interface PageRequest {
  sorts: ResolvedSort[];
  from: number;
  size: number;
  /** Count matches up to this many (Infinity = all). */
  countUpTo: number;
}

export interface SearchBackend {
  readonly mapping: CdrMapping;
  /** Every row that may match (a superset of the matches). */
  candidates(bound: Bound): Iterable<StoredRow>;
  /** The page and the capped total straight from the store's indexes, or undefined when it cannot answer exactly. */
  page(bound: Bound, request: PageRequest): { rows: StoredRow[]; total: number } | undefined;
}

export interface ExecuteOptions {
  now: Date;
  domain?: string;
  limits?: CdrLimits;
  /**
   * Epoch ms past which a search stops checking documents and answers with
   * what it found, `timed_out: true` (Elasticsearch's `timeout`).
   */
  deadline?: number;
  /** Told how the search was answered: `index` (the store's indexes gave the page) or `scan` (documents checked one by one). */
  onPlan?(plan: SearchPlan): void;
}

export type SearchPlan = 'index' | 'scan';

/** How many documents are checked between two looks at the clock. */
const DEADLINE_CHECK_INTERVAL = 256;

const SHARDS = { total: 1, successful: 1, skipped: 0, failed: 0 };

function boundFor(request: Pick<SearchRequest, 'query'>, backend: SearchBackend, options: ExecuteOptions): Bound {
  const bound = bindQuery(request.query, { mapping: backend.mapping, now: options.now });
  // Field patterns may have multiplied the clauses the parser counted.
  checkClauseCount(bound, (options.limits ?? DEFAULT_CDR_LIMITS).maxClauseCount);
  if (options.domain === undefined) return bound;
  const domainFilter: Bound = { kind: 'equals', field: 'Domain name', type: 'keyword', values: [options.domain], caseInsensitive: false, boost: 1 };
  return { kind: 'bool', must: [bound], filter: [domainFilter], should: [], mustNot: [], minimumShouldMatch: 0, boost: 1 };
}

interface Match {
  doc: DocView;
  score: number;
  seq: number;
  version: number;
  seqNo: number;
}

/** Every match, or those found before the deadline (then timedOut). */
function allMatches(bound: Bound, backend: SearchBackend, deadline = Infinity): { matches: Match[]; timedOut: boolean } {
  const matcher = compileMatcher(bound);
  const matches: Match[] = [];
  let checked = 0;
  for (const row of backend.candidates(bound)) {
    if (++checked % DEADLINE_CHECK_INTERVAL === 0 && Date.now() > deadline) return { matches, timedOut: true };
    const doc = docView(row.id, row.source, backend.mapping);
    const score = matcher(doc);
    if (score !== undefined) matches.push({ doc, score, seq: row.seq, version: row.version, seqNo: row.seqNo });
  }
  return { matches, timedOut: false };
}

function countUpTo(trackTotalHits: boolean | number): number {
  return trackTotalHits === true ? Infinity : trackTotalHits === false ? 0 : trackTotalHits;
}

export function executeSearch(request: SearchRequest, backend: SearchBackend, options: ExecuteOptions): SearchResponse {
  const started = performance.now();
  const bound = boundFor(request, backend, options);
  const sorts = resolveSort(request.sort, backend.mapping);
  const scoring = sorts.length === 0 || request.trackScores || sorts.some(({ spec }) => spec.field === '_score');
  const fields = resolveFieldRequests(request.fields, backend.mapping);
  const wantsAggregations = Object.keys(request.aggregations).length > 0;
  if (request.searchAfter) checkSearchAfter(request.searchAfter, sorts, request.from);

  let pageHits: Match[];
  let total: number;
  let maxScore: number | null = null;
  let aggregations: Record<string, unknown> | undefined;
  let timedOut = false;
  let groups: CollapsedGroup<Match>[] | undefined;
  const maxBuckets = (options.limits ?? DEFAULT_CDR_LIMITS).maxBuckets;
  // Buckets known to pass the limit on any documents: refused before reading one.
  if (wantsAggregations) refuseBucketExplosion(request.aggregations, options.now, maxBuckets);
  const fastPage = wantsAggregations || scoring || request.searchAfter || request.collapse || request.postFilter ? undefined : backend.page(bound, { sorts, from: request.from, size: request.size, countUpTo: countUpTo(request.trackTotalHits) });
  options.onPlan?.(fastPage ? 'index' : 'scan');
  if (fastPage) {
    total = fastPage.total;
    pageHits = fastPage.rows.map((row) => ({ doc: docView(row.id, row.source, backend.mapping), score: 0, seq: row.seq, version: row.version, seqNo: row.seqNo }));
  } else {
    const found = allMatches(bound, backend, options.deadline);
    timedOut = found.timedOut;
    // The aggregations see every match; post_filter narrows the hits only.
    const matches = request.postFilter ? postFiltered(found.matches, request.postFilter, backend, options) : found.matches;
    total = matches.length;
    const ordered = request.searchAfter ? hitsAfter(orderMatches(matches, sorts), sorts, request.searchAfter) : orderMatches(matches, sorts);
    if (request.collapse) groups = collapseGroups(ordered, collapseKey(request.collapse.field, backend.mapping)).slice(request.from, request.from + request.size);
    pageHits = groups ? groups.map((group) => group.members[0]) : ordered.slice(request.from, request.from + request.size);
    // Elasticsearch keeps no top hits for size 0 (an aggregations-only search), so it has no max_score either.
    if (scoring && matches.length > 0 && request.size > 0) maxScore = matches.reduce((max, match) => Math.max(max, match.score), Number.NEGATIVE_INFINITY);
    if (wantsAggregations) {
      const budget = new BucketBudget(maxBuckets);
      // A global aggregation reads the whole index (the domain's, for a confined request), whatever the query.
      let everyDoc: DocView[] | undefined;
      const allDocs = () => (everyDoc ??= allMatches(boundFor({ query: { kind: 'match_all', boost: 1 } }, backend, options), backend, options.deadline).matches.map((match) => match.doc));
      aggregations = computeAggregations(request.aggregations, found.matches.map((match) => match.doc), backend.mapping, options.now, budget, allDocs);
    }
  }

  const toHit = (match: Match, shape: { source: SourceFilter; sorts: ResolvedSort[]; fields?: ResolvedField[] }): SearchHit => {
    const hit: SearchHit = {
      _index: INDEX_NAME,
      _id: match.doc.id,
      ...(request.version ? { _version: match.version } : {}),
      ...(request.seqNoPrimaryTerm ? { _seq_no: match.seqNo, _primary_term: PRIMARY_TERM } : {}),
      _score: scoring ? match.score : null,
    };
    const source = filterSource(match.doc.source, shape.source);
    if (source !== undefined) hit._source = source;
    const values = shape.fields && hitFields(match.doc, shape.fields);
    if (values) hit.fields = values;
    if (shape.sorts.length > 0) hit.sort = shape.sorts.map((sort) => sortValueForResponse(sort, withMissing(sort, sortKey(sort, match))));
    return hit;
  };
  const hits: SearchHit[] = pageHits.map((match, index) => {
    const hit = toHit(match, { source: request.source, sorts, fields });
    const group = groups?.[index];
    if (!group || !request.collapse) return hit;
    hit.fields = { ...hit.fields, [request.collapse.field]: [group.key] };
    if (request.collapse.innerHits.length > 0) {
      hit.inner_hits = Object.fromEntries(
        request.collapse.innerHits.map((inner) => {
          const innerSorts = resolveSort(inner.sort, backend.mapping);
          const members = orderMatches(group.members, innerSorts);
          const innerMax = members.reduce((max, member) => Math.max(max, member.score), Number.NEGATIVE_INFINITY);
          const shown = members.slice(inner.from, inner.from + inner.size).map((member) => toHit(member, { source: inner.source, sorts: innerSorts }));
          return [inner.name, { hits: { total: { value: members.length, relation: 'eq' }, max_score: innerSorts.length > 0 ? null : innerMax, hits: shown } }];
        }),
      );
    }
    return hit;
  });

  const response: SearchResponse = {
    took: Math.round(performance.now() - started),
    timed_out: timedOut,
    _shards: SHARDS,
    hits: { max_score: sorts.length > 0 && !request.trackScores && !sorts.some(({ spec }) => spec.field === '_score') ? null : maxScore, hits },
  };
  if (request.trackTotalHits !== false) {
    const cap = countUpTo(request.trackTotalHits);
    response.hits = { total: total > cap ? { value: cap, relation: 'gte' } : { value: total, relation: 'eq' }, ...response.hits };
  }
  if (aggregations) response.aggregations = aggregations;
  return response;
}

function postFiltered(matches: Match[], filter: Query, backend: SearchBackend, options: ExecuteOptions): Match[] {
  const bound = bindQuery(filter, { mapping: backend.mapping, now: options.now });
  checkClauseCount(bound, (options.limits ?? DEFAULT_CDR_LIMITS).maxClauseCount);
  const matcher = compileMatcher(bound);
  return matches.filter((match) => matcher(match.doc) !== undefined);
}

function orderMatches(matches: Match[], sorts: ResolvedSort[]): Match[] {
  if (sorts.length === 0) return [...matches].sort((a, b) => b.score - a.score || a.seq - b.seq);
  const keyed = matches.map((match) => ({ match, seq: match.seq, keys: sorts.map((sort) => withMissing(sort, sortKey(sort, match))) }));
  keyed.sort((a, b) => compareHits(sorts, a, b));
  return keyed.map((entry) => entry.match);
}

/** The ids of every document the query matches (for delete-by-query), in index order. */
export function matchingIds(request: Pick<SearchRequest, 'query'>, backend: SearchBackend, options: ExecuteOptions): string[] {
  return allMatches(boundFor(request, backend, options), backend).matches.map((match) => match.doc.id);
}

export function executeCount(request: Pick<SearchRequest, 'query'>, backend: SearchBackend, options: ExecuteOptions): CountResponse {
  const bound = boundFor(request, backend, options);
  const page = backend.page(bound, { sorts: [], from: 0, size: 0, countUpTo: Infinity });
  options.onPlan?.(page ? 'index' : 'scan');
  // A count has no way to say it is partial: it runs to the end (the store's hard deadline still applies).
  return { count: page ? page.total : allMatches(bound, backend).matches.length, _shards: SHARDS };
}
