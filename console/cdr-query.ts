/**
 * The CDR search page's request: its filters and the raw query combined in
 * one Elasticsearch body, with the aggregations its charts are drawn from.
 */

export interface CdrFilters {
  /** Look-back, in hours. */
  hours: number;
  direction: '' | 'inbound' | 'outbound' | 'internal';
  answered: '' | 'true' | 'false';
  /** Part of the caller's or the dialled number. */
  number: string;
  user: string;
  /** A query clause as JSON (empty: none). */
  raw: string;
}

export const PAGE_SIZE = 50;

/** Hourly buckets up to a day, daily ones beyond. */
export function bucketHours(filters: CdrFilters): number {
  return filters.hours <= 48 ? 1 : 24;
}

/** Throws SyntaxError when the raw query is not JSON, TypeError when it is not an object. */
export function searchBody(filters: CdrFilters): Record<string, unknown> {
  const filter: unknown[] = [{ range: { 'Call start time': { gte: `now-${filters.hours}h` } } }];
  if (filters.direction) filter.push({ term: { 'Call direction': filters.direction } });
  if (filters.answered) filter.push({ term: { Answered: filters.answered === 'true' } });
  if (filters.user.trim()) filter.push({ term: { 'User ID': filters.user.trim() } });
  const number = filters.number.trim();
  if (number) {
    const pattern = `*${number.replace(/[\\*?]/g, (character) => `\\${character}`)}*`;
    filter.push({ bool: { should: [{ wildcard: { 'CallerID number': pattern } }, { wildcard: { 'Destination number': pattern } }], minimum_should_match: 1 } });
  }
  const must: unknown[] = [];
  if (filters.raw.trim()) {
    const raw = JSON.parse(filters.raw) as unknown;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TypeError('the raw query must be a JSON object, e.g. {"match": {"Hangup cause": "NO_ANSWER"}}');
    must.push(raw);
  }
  const interval = bucketHours(filters) === 1 ? '1h' : '1d';
  return {
    size: PAGE_SIZE,
    track_total_hits: true,
    sort: [{ 'Call start time': { order: 'desc', unmapped_type: 'date' } }],
    query: { bool: { filter, must } },
    aggs: {
      per_bucket: {
        date_histogram: { field: 'Call start time', fixed_interval: interval, min_doc_count: 0, extended_bounds: { min: `now-${filters.hours}h`, max: 'now' } },
        aggs: { answered: { terms: { field: 'Answered' } } },
      },
      answered: { terms: { field: 'Answered' } },
      agents: { terms: { field: 'User ID', size: 10, order: { talk: 'desc' } }, aggs: { talk: { sum: { field: 'Connected call duration' } } } },
      last_agent: { terms: { field: 'variables.last_agent_result', size: 10 } },
    },
  };
}
