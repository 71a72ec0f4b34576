import { escapeQueryStringLiteral, escapeRegexpLiteral, escapeWildcardLiteral } from '../cdr/query/escape.js';
import { compileJsonTemplate, renderJsonTemplate, type Escape, type JsonTemplate } from '../engine/json-template.js';
import { Template, type VariableSource } from '../engine/template.js';

/**
 * The `cdr` app's `elastic` object compiled into a search request template.
 * Values substituted into `regexp`, `wildcard` and `query_string` strings are
 * escaped, so a caller ID is matched literally and can never widen the search.
 */
export interface ElasticArgs {
  limit?: number | string;
  sort?: unknown;
  query?: string;
  columns?: string[];
  columnsDate?: string[];
  filter?: Record<string, unknown> | Record<string, unknown>[];
  aggs?: Record<string, unknown>;
  index?: string;
  pageNumber?: number | string;
  includes?: string[];
  scroll?: string;
}

const DEFAULT_LIMIT = 40;
const DEFAULT_SORT = { 'Call start time': { order: 'desc', unmapped_type: 'boolean' } };

/** Builds the request the original sent for these arguments, as a template to fill per call. */
export function compileElasticRequest(elastic: ElasticArgs): JsonTemplate {
  const columns = elastic.columns ?? [];
  const request: Record<string, unknown> = {
    size: elastic.limit ?? DEFAULT_LIMIT,
    sort: elastic.sort ?? DEFAULT_SORT,
    query: {
      bool: {
        must: [
          { query_string: { query: elastic.query ?? '*', analyze_wildcard: true } },
          ...(elastic.filter === undefined ? [] : Array.isArray(elastic.filter) ? elastic.filter : [elastic.filter]),
        ],
      },
    },
  };
  if (elastic.pageNumber !== undefined) {
    // (pageNumber − 1) · limit, computed per call when either comes from a variable.
    const page = `${elastic.pageNumber}`;
    const limit = `${elastic.limit ?? DEFAULT_LIMIT}`;
    const bothWritten = Template.compile(page).isConstant && Template.compile(limit).isConstant;
    request.from = bothWritten ? Math.max(0, (Number(page) - 1) * Number(limit)) : { pageNumber: page, limit };
  }
  if (elastic.aggs) request.aggs = elastic.aggs;
  if (elastic.includes) request._source = { includes: elastic.includes };
  if (columns.length > 0 || elastic.columnsDate) {
    request.stored_fields = columns;
    request.docvalue_fields = [...columns, ...(elastic.columnsDate ?? [])];
  }
  return compileJsonTemplate(request, escapeFor);
}

export function renderElasticRequest(node: JsonTemplate, variables: VariableSource): unknown {
  const request = renderJsonTemplate(node, variables) as Record<string, unknown>;
  const from = request.from;
  if (typeof from === 'object' && from !== null) {
    // Substituted by now: this is the per-call `from` of a pageNumber or limit given as a variable.
    const { pageNumber, limit } = from as { pageNumber: string; limit: string };
    const [page, size] = [Number(pageNumber), Number(limit)];
    return { ...request, from: Number.isFinite(page) && Number.isFinite(size) ? Math.max(0, (page - 1) * size) : 0 };
  }
  return request;
}

/** Which query syntax a string at this request path is written in. */
function escapeFor(path: readonly (string | number)[]): Escape | undefined {
  const at = (back: number) => path[path.length - back];
  if (at(2) === 'query_string' && at(1) === 'query') return escapeQueryStringLiteral;
  for (const [queryType, escape, valueKeys] of QUERY_SYNTAXES) {
    if (at(2) === queryType) return escape; // shorthand: { "regexp": { "field": "value" } }
    if (at(3) === queryType && valueKeys.includes(String(at(1)))) return escape;
  }
  return undefined;
}

const QUERY_SYNTAXES: readonly [string, Escape, readonly string[]][] = [
  ['regexp', escapeRegexpLiteral, ['value']],
  ['wildcard', escapeWildcardLiteral, ['value', 'wildcard']],
];
