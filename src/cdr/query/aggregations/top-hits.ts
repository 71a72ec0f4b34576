/**
 * `top_hits`: the first documents of each bucket in a sort, with their
 * (filtered) `_source`. Buckets hold documents without their query scores,
 * so hits without a sort come in index order and carry no `_score`.
 */
import type { CdrMapping } from '../../mapping.js';
import type { DocView } from '../doc-view.js';
import { checkKeys, parsingError, readNumber, type JsonObject } from '../errors.js';
import { compareHits, parseSort, resolveSort, sortKey, sortValueForResponse, withMissing, type SortSpec } from '../sort.js';
import { filterSource, parseSourceFilter, type SourceFilter } from '../source-filter.js';
import { INDEX_NAME } from '../execute.js';

export interface TopHitsSpec {
  type: 'top_hits';
  size: number;
  from: number;
  sort: SortSpec[];
  source: SourceFilter;
}

export function parseTopHits(name: string, spec: JsonObject): TopHitsSpec {
  checkKeys(spec, ['size', 'from', 'sort', '_source', 'track_scores', 'version', 'seq_no_primary_term'], 'top_hits');
  for (const flag of ['track_scores', 'version', 'seq_no_primary_term']) {
    if (spec[flag] === true) throw parsingError(`[top_hits] [${flag}] is not supported by callrouter (${name})`);
  }
  const integer = (value: unknown, key: string, fallback: number) => {
    if (value === undefined) return fallback;
    const number = readNumber(value, `${name}.${key}`);
    if (!Number.isInteger(number) || number < 0) throw parsingError(`[top_hits] [${key}] must be a non-negative integer in [${name}]`);
    return number;
  };
  const size = integer(spec.size, 'size', 3);
  const from = integer(spec.from, 'from', 0);
  // Elasticsearch's index.max_inner_result_window default.
  if (from + size > 100) throw parsingError(`Top hits result window is too large, the top hits aggregator [${name}]'s from + size must be less than or equal to: [100] but was [${from + size}].`);
  return { type: 'top_hits', size, from, sort: parseSort(spec.sort), source: spec._source === undefined ? undefined : parseSourceFilter(spec._source) };
}

export function computeTopHits(spec: TopHitsSpec, docs: DocView[], mapping: CdrMapping): Record<string, unknown> {
  const sorts = resolveSort(spec.sort, mapping);
  const ranked = docs.map((doc, seq) => ({ doc, score: 0, seq }));
  const keyed = ranked.map((hit) => ({ hit, seq: hit.seq, keys: sorts.map((sort) => withMissing(sort, sortKey(sort, hit))) }));
  if (sorts.length > 0) keyed.sort((a, b) => compareHits(sorts, a, b));
  const hits = keyed.slice(spec.from, spec.from + spec.size).map(({ hit, keys }) => {
    const out: Record<string, unknown> = { _index: INDEX_NAME, _id: hit.doc.id, _score: null };
    const source = filterSource(hit.doc.source, spec.source);
    if (source !== undefined) out._source = source;
    if (sorts.length > 0) out.sort = sorts.map((sort, index) => sortValueForResponse(sort, keys[index]));
    return out;
  });
  return { hits: { total: { value: docs.length, relation: 'eq' }, max_score: null, hits } };
}
