/**
 * Field collapsing (`collapse`): of the sorted hits, only the first of each
 * value of a keyword or numeric field is kept — "each agent's latest call" —
 * with the value in the hit's `fields` and, for `inner_hits`, the group's
 * other hits in their own order. Totals still count every matching document,
 * as in Elasticsearch; hits without the field form one group of their own.
 */
import type { CdrMapping, IndexedValue } from '../mapping.js';
import type { DocView } from './doc-view.js';
import { checkKeys, describe, expectObject, illegalArgument, parsingError, queryShardError, readNumber, readString } from './errors.js';
import { parseSort, type SortSpec } from './sort.js';
import { parseSourceFilter, type SourceFilter } from './source-filter.js';

export interface InnerHitsSpec {
  name: string;
  from: number;
  size: number;
  sort: SortSpec[];
  source: SourceFilter;
}

export interface CollapseSpec {
  field: string;
  innerHits: InnerHitsSpec[];
}

/** Elasticsearch's default number of inner hits per group, and its index.max_inner_result_window. */
const INNER_HITS_SIZE = 3;
const MAX_INNER_RESULT_WINDOW = 100;

function count(value: unknown, key: string, fallback: number): number {
  if (value === undefined) return fallback;
  const number = readNumber(value, key);
  if (!Number.isInteger(number) || number < 0) throw parsingError(`[${key}] must be a non-negative integer, got ${describe(value)}`);
  return number;
}

function parseInnerHits(value: unknown, field: string): InnerHitsSpec {
  const object = expectObject(value, 'collapse.inner_hits');
  checkKeys(object, ['name', 'from', 'size', 'sort', '_source'], 'inner_hits');
  const inner = {
    name: object.name === undefined ? field : readString(object.name, 'inner_hits.name'),
    from: count(object.from, 'inner_hits.from', 0),
    size: count(object.size, 'inner_hits.size', INNER_HITS_SIZE),
    sort: parseSort(object.sort),
    source: object._source === undefined ? undefined : parseSourceFilter(object._source),
  };
  if (inner.from + inner.size > MAX_INNER_RESULT_WINDOW) {
    throw illegalArgument(`Inner result window is too large, the inner hit definition's [${inner.name}]'s from + size must be less than or equal to: [${MAX_INNER_RESULT_WINDOW}] but was [${inner.from + inner.size}]`);
  }
  return inner;
}

export function parseCollapse(value: unknown): CollapseSpec {
  const object = expectObject(value, 'collapse');
  checkKeys(object, ['field', 'inner_hits', 'max_concurrent_group_searches'], 'collapse');
  if (object.field === undefined) throw parsingError('[collapse] requires a [field]');
  const field = readString(object.field, 'collapse.field');
  const innerHits = object.inner_hits === undefined ? [] : (Array.isArray(object.inner_hits) ? object.inner_hits : [object.inner_hits]).map((entry) => parseInnerHits(entry, field));
  const names = innerHits.map((inner) => inner.name);
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw parsingError(`[inner_hits] already contains an entry for key [${repeated}]`);
  return { field, innerHits };
}

export interface CollapsedGroup<T> {
  /** The collapse field's first value, null without one. */
  key: IndexedValue | null;
  /** The group's hits, in the search's order; the first is the one shown. */
  members: T[];
}

/** The groups of `ordered`, in the order of their first hit. */
export function collapseGroups<T>(ordered: readonly T[], keyOf: (item: T) => IndexedValue | null): CollapsedGroup<T>[] {
  const groups = new Map<IndexedValue | null, CollapsedGroup<T>>();
  for (const item of ordered) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.members.push(item);
    else groups.set(key, { key, members: [item] });
  }
  return [...groups.values()];
}

/** A hit's group: the collapse field's first value. Only keywords and numbers collapse, as in Elasticsearch. */
export function collapseKey(field: string, mapping: CdrMapping): (match: { doc: DocView }) => IndexedValue | null {
  const type = mapping.typeOf(field);
  if (type === undefined) throw queryShardError(`no mapping found for \`${field}\` in order to collapse on`);
  if (type === 'boolean') throw queryShardError(`unknown type for collapse field \`${field}\`, only keywords and numbers are accepted`);
  return ({ doc }) => doc.values(field)[0] ?? null;
}
