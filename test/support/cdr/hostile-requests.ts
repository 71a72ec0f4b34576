/**
 * The hostile CDR requests of issue 9, as a client would send them over
 * HTTP: each once kept the router's SIP thread for seconds or minutes (or
 * aborted the process). The test asserts each gets its Elasticsearch error
 * while SIP keeps answering; `bench:hostile` times them.
 */
import { documentsOf, generateLegs } from './dataset.js';

export interface HostileRequest {
  what: string;
  path: '/cdr/_search' | '/cdr/_bulk';
  body: string;
  /** The Elasticsearch error type it must be refused with. */
  type: string;
}

export const ndjson = (lines: unknown[]) => `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`;

/** `count` generated CDRs as `_bulk` lines (action, document). */
export function bulkLines(count: number, now: Date, seed: number): unknown[] {
  return documentsOf(generateLegs(count, now, 2, seed)).flatMap(({ id, document }) => [{ index: { _id: id } }, document]);
}

/** As text: JSON.stringify itself cannot nest this deep. */
function nestedBool(depth: number): string {
  return `${'{"bool":{"must":['.repeat(depth)}{"match_all":{}}${']}}'.repeat(depth)}`;
}

/** `maxBulkActions`: the router's cdr.limits.maxBulkActions; the huge bulk has one action more. */
export function hostileRequests(maxBulkActions: number, now = new Date()): HostileRequest[] {
  return [
    {
      what: 'bucket explosion (1 ms buckets over decades)',
      path: '/cdr/_search',
      body: JSON.stringify({ size: 0, aggs: { h: { date_histogram: { field: 'Call start time', fixed_interval: '1ms', min_doc_count: 0, extended_bounds: { min: 0, max: 'now' } } } } }),
      type: 'too_many_buckets_exception',
    },
    {
      what: 'bucket explosion (minutes over a century)',
      path: '/cdr/_search',
      body: JSON.stringify({ size: 0, aggs: { h: { date_histogram: { field: 'Call start time', calendar_interval: 'minute', extended_bounds: { min: '1950-01-01', max: '2050-01-01' } } } } }),
      type: 'too_many_buckets_exception',
    },
    {
      what: 'date-format blow-up',
      path: '/cdr/_search',
      body: JSON.stringify({ query: { range: { 'Call start time': { gte: `${'1'.repeat(160)}x`, format: 'dM'.repeat(40) } } } }),
      type: 'query_shard_exception',
    },
    {
      what: 'clause flood',
      path: '/cdr/_search',
      body: JSON.stringify({ query: { bool: { should: Array.from({ length: 5_000 }, () => ({ regexp: { 'Destination number': '.*1.*2.*3.*4' } })) } } }),
      type: 'too_many_nested_clauses',
    },
    { what: 'deep nesting', path: '/cdr/_search', body: `{"query":${nestedBool(100)}}`, type: 'illegal_argument_exception' },
    { what: 'deeper JSON than any parser takes', path: '/cdr/_search', body: `{"query":${nestedBool(50_000)}}`, type: 'x_content_parse_exception' },
    { what: 'huge _bulk', path: '/cdr/_bulk', body: ndjson(bulkLines(maxBulkActions + 1, now, 7)), type: 'illegal_argument_exception' },
  ];
}

/** A legitimate but heavy search: every document checked, then aggregated. */
export const HEAVY_SEARCH = JSON.stringify({ size: 0, query: { regexp: { 'Hangup cause': '.*A.*' } }, aggs: { users: { terms: { field: 'User ID', size: 1000 } } } });
