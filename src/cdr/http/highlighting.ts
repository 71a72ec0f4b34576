/**
 * Searches that ask for `highlight`: the hits are fetched with their whole
 * `_source` (the highlighter reads the values there), highlighted, then cut
 * down to the `_source` the request asked for.
 */
import { CdrMapping, type FieldType } from '../mapping.js';
import { isObject, type JsonObject } from '../query/errors.js';
import { compileHighlighter, parseHighlight } from '../query/highlight.js';
import { parseQuery } from '../query/parse-query.js';
import { filterSource, parseSourceFilter, type SourceFilter } from '../query/source-filter.js';
import type { CdrStore, SearchOptions, SearchResponse } from '../store.js';

export type HighlightStore = Pick<CdrStore, 'search'> & { mappedFields(): [string, FieldType][] };

export function wantsHighlight(body: unknown): body is JsonObject & { highlight: unknown } {
  return isObject(body) && body.highlight !== undefined;
}

const UNLIMITED = { maxNestedDepth: Infinity, maxTermsCount: Infinity };

export async function searchWithHighlight(store: HighlightStore, body: JsonObject, options: SearchOptions): Promise<SearchResponse> {
  const spec = parseHighlight(body.highlight);
  const request: JsonObject = { ...body, _source: true };
  delete request.highlight;
  // What the caller gets back: stored_fields alone means no _source, as the query engine reads it.
  const wanted: SourceFilter = body._source !== undefined ? parseSourceFilter(body._source) : body.stored_fields !== undefined ? false : undefined;
  const response = await store.search(request, options);
  // The search above has applied the store's limits to this query: parsed again here, it is not limited twice.
  const query = body.query === undefined ? { kind: 'match_all' as const, boost: 1 } : parseQuery(body.query, { limits: UNLIMITED, depth: 1 });
  const highlight = compileHighlighter(spec, query, new CdrMapping(store.mappedFields()), options.now ?? new Date());
  for (const hit of response.hits.hits) {
    const source = hit._source ?? {};
    const highlighted = highlight(hit._id, source);
    const kept = filterSource(source, wanted);
    if (kept === undefined) delete hit._source;
    else hit._source = kept;
    if (highlighted) Object.assign(hit, { highlight: highlighted });
  }
  return response;
}
