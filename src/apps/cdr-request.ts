import { escapeQueryStringLiteral, escapeRegexpLiteral, escapeWildcardLiteral } from '../cdr/query/escape.js';
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

type Escape = (value: string) => string;

/**
 * Parts without any reference are rendered once, at load, into a frozen
 * `constant` every call's request shares; only the parts on the way to a
 * reference are rebuilt per call. An object on that way is copied from its
 * `shape` (every key in order, constant values in place) and gets its
 * `perCall` values filled in.
 */
type Node =
  | { kind: 'string'; template: Template; escape?: Escape }
  | { kind: 'array'; items: Node[] }
  | { kind: 'object'; shape: Record<string, unknown>; perCall: [string, Node][] }
  | { kind: 'constant'; value: unknown };

const DEFAULT_LIMIT = 40;
const DEFAULT_SORT = { 'Call start time': { order: 'desc', unmapped_type: 'boolean' } };

/** Builds the request the original sent for these arguments, as a template to fill per call. */
export function compileElasticRequest(elastic: ElasticArgs): Node {
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
  return compileNode(request, []);
}

export function renderElasticRequest(node: Node, variables: VariableSource): unknown {
  const request = renderNode(node, variables) as Record<string, unknown>;
  const from = request.from;
  if (typeof from === 'object' && from !== null) {
    // Substituted by now: this is the per-call `from` of a pageNumber or limit given as a variable.
    const { pageNumber, limit } = from as { pageNumber: string; limit: string };
    const [page, size] = [Number(pageNumber), Number(limit)];
    return { ...request, from: Number.isFinite(page) && Number.isFinite(size) ? Math.max(0, (page - 1) * size) : 0 };
  }
  return request;
}

function renderNode(node: Node, variables: VariableSource): unknown {
  switch (node.kind) {
    case 'string':
      return node.template.render(variables, node.escape);
    case 'array':
      return node.items.map((item) => renderNode(item, variables));
    case 'object': {
      // The spread makes every key an own property, in order (even a `__proto__` from JSON); the loop only sets values.
      const object = { ...node.shape };
      for (const [key, value] of node.perCall) object[key] = renderNode(value, variables);
      return object;
    }
    case 'constant':
      return node.value;
  }
}

function compileNode(value: unknown, path: readonly (string | number)[]): Node {
  if (typeof value === 'string') {
    const template = Template.compile(value);
    return template.isConstant ? constant(value) : { kind: 'string', template, escape: escapeFor(path) };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, index) => compileNode(item, [...path, index]));
    return items.every(isConstant) ? constant(items.map((item) => item.value)) : { kind: 'array', items };
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([key, child]): [string, Node] => [key, compileNode(child, [...path, key])]);
    const shape = Object.fromEntries(entries.map(([key, child]) => [key, isConstant(child) ? child.value : undefined]));
    const perCall = entries.filter(([, child]) => !isConstant(child));
    return perCall.length === 0 ? constant(shape) : { kind: 'object', shape, perCall };
  }
  return constant(value);
}

type ConstantNode = Extract<Node, { kind: 'constant' }>;

function isConstant(node: Node): node is ConstantNode {
  return node.kind === 'constant';
}

/** Frozen because every call's request shares it: nothing may change it for the next call. */
function constant(value: unknown): ConstantNode {
  return { kind: 'constant', value: Object.freeze(value) };
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
