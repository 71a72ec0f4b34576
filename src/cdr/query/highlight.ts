/**
 * `highlight` for keyword fields, as Elasticsearch's highlighters treat them:
 * a keyword is one token, so a value that a clause of the query matches
 * comes back whole between the tags (`@HIGHLIGHT@0671234567@/HIGHLIGHT@`,
 * as Grafana's logs ask). Dates, numbers and booleans are never highlighted;
 * `must_not` clauses highlight nothing. With `require_field_match: false` a
 * clause on one field highlights the same value in any requested field.
 */
import type { CdrMapping, IndexedValue } from '../mapping.js';
import type { Query } from './ast.js';
import { bindQuery } from './bind.js';
import type { Bound } from './bound.js';
import { docView, type DocView } from './doc-view.js';
import { describe, expectObject, isObject, parsingError, readBoolean, readNumber, readString, type JsonObject } from './errors.js';
import { globToRegExp } from './glob.js';
import { compileMatcher } from './matcher.js';
import type { CdrDocument } from '../store.js';

export interface HighlightSpec {
  /** Field name patterns, in the request's order. */
  fields: string[];
  preTag: string;
  postTag: string;
  requireFieldMatch: boolean;
  escapeHtml: boolean;
}

/** Options that shape fragments of analysed text: a keyword value is one whole fragment, so they change nothing. */
const FRAGMENT_OPTIONS = ['fragment_size', 'number_of_fragments', 'type', 'order', 'fragmenter', 'boundary_scanner', 'boundary_chars', 'boundary_max_scan', 'boundary_scanner_locale', 'max_analyzed_offset', 'phrase_limit', 'force_source', 'no_match_size'];
const TOP_OPTIONS = ['fields', 'pre_tags', 'post_tags', 'require_field_match', 'encoder', ...FRAGMENT_OPTIONS];
const FIELD_OPTIONS = ['pre_tags', 'post_tags', 'require_field_match', ...FRAGMENT_OPTIONS];

function firstTag(value: unknown, key: string, fallback: string): string {
  if (value === undefined) return fallback;
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) return fallback;
  return readString(list[0], `highlight.${key}`);
}

function checkOptions(object: JsonObject, allowed: readonly string[], context: string): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) throw parsingError(`[${context}] [${key}] is not supported by callrouter`);
  }
  if (object.no_match_size !== undefined && readNumber(object.no_match_size, `${context}.no_match_size`) > 0) {
    throw parsingError(`[${context}] [no_match_size] is not supported by callrouter`);
  }
}

export function parseHighlight(value: unknown): HighlightSpec {
  const object = expectObject(value, 'highlight');
  checkOptions(object, TOP_OPTIONS, 'highlight');
  const entries: [string, unknown][] = Array.isArray(object.fields)
    ? object.fields.flatMap((item) => (isObject(item) ? Object.entries(item) : []))
    : isObject(object.fields)
      ? Object.entries(object.fields)
      : [];
  if (entries.length === 0) throw parsingError(`[highlight] expected [fields] with at least one field, got ${describe(object.fields)}`);
  for (const [field, options] of entries) {
    const fieldOptions = expectObject(options, `highlight.fields.${field}`);
    checkOptions(fieldOptions, FIELD_OPTIONS, `highlight.fields.${field}`);
    // Per-field tags and field matching would differ by field; one setting for all is what Grafana and Kibana send.
    for (const key of ['pre_tags', 'post_tags', 'require_field_match']) {
      if (fieldOptions[key] !== undefined) throw parsingError(`[highlight.fields.${field}] per-field [${key}] is not supported by callrouter: set it for all fields`);
    }
  }
  const encoder = object.encoder === undefined ? 'default' : readString(object.encoder, 'highlight.encoder');
  if (encoder !== 'default' && encoder !== 'html') throw parsingError(`[highlight] unknown encoder [${encoder}]`);
  return {
    fields: entries.map(([field]) => field),
    preTag: firstTag(object.pre_tags, 'pre_tags', '<em>'),
    postTag: firstTag(object.post_tags, 'post_tags', '</em>'),
    requireFieldMatch: object.require_field_match === undefined ? true : readBoolean(object.require_field_match, 'highlight.require_field_match'),
    escapeHtml: encoder === 'html',
  };
}

type FieldClause = Extract<Bound, { kind: 'equals' | 'range' | 'pattern' }>;

/** The clauses whose matches count: everything but `must_not`. */
function positiveClauses(bound: Bound, out: FieldClause[] = []): FieldClause[] {
  switch (bound.kind) {
    case 'bool':
      for (const clause of [...bound.must, ...bound.filter, ...bound.should]) positiveClauses(clause, out);
      break;
    case 'constant':
      positiveClauses(bound.filter, out);
      break;
    case 'equals':
    case 'range':
    case 'pattern':
      out.push(bound);
      break;
  }
  return out;
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#x27;', '/': '&#x2F;' };

/** Highlights for one hit's full source, or undefined when nothing is highlighted. */
export type Highlighter = (id: string, source: CdrDocument) => Record<string, string[]> | undefined;

export function compileHighlighter(spec: HighlightSpec, query: Query, mapping: CdrMapping, now: Date): Highlighter {
  const fields = [...new Set(spec.fields.flatMap((pattern) => (pattern.includes('*') ? mapping.fields().filter((field) => globToRegExp(pattern).test(field)) : [pattern])))].filter(
    (field) => mapping.typeOf(field) === 'keyword',
  );
  const clauses = positiveClauses(bindQuery(query, { mapping, now }));
  const matchersFor = (field: string) =>
    clauses
      .filter((clause) => !spec.requireFieldMatch || clause.field === field)
      .map((clause) => ({ field: clause.field, matches: compileMatcher(clause) }));
  const byField = new Map(fields.map((field) => [field, matchersFor(field)] as const));
  const wrap = (value: string) => `${spec.preTag}${spec.escapeHtml ? value.replace(/[&<>"'/]/g, (character) => HTML_ESCAPES[character]) : value}${spec.postTag}`;
  return (id, source) => {
    const doc = docView(id, source, mapping);
    const out: Record<string, string[]> = {};
    for (const [field, matchers] of byField) {
      const highlighted = doc
        .values(field)
        .filter((value) => matchers.some(({ field: clauseField, matches }) => matches(single(clauseField, value)) !== undefined))
        .map((value) => wrap(String(value)));
      if (highlighted.length > 0) out[field] = highlighted;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  };
}

/** A document holding just this value in this field, to ask one clause about one value. */
function single(field: string, value: IndexedValue): DocView {
  return { id: '', source: {}, values: (name) => (name === field ? [value] : []) };
}
