/**
 * `sort`: parsing the list and object forms, and ordering hits as
 * Elasticsearch does — multi-valued fields by `mode` (min for asc, max for
 * desc), missing values `_last` unless told otherwise, `unmapped_type` for
 * fields without a mapping, ties in index order.
 */
import type { CdrMapping, FieldType, IndexedValue } from '../mapping.js';
import type { Scalar } from './ast.js';
import { compareValues } from './compare.js';
import type { DocView } from './doc-view.js';
import { describe, isObject, parsingError, queryShardError, readScalar, readString } from './errors.js';

export interface SortSpec {
  /** A field, `_score` or `_doc`. */
  field: string;
  order: 'asc' | 'desc';
  missing: '_last' | '_first' | Scalar;
  unmappedType?: string;
  mode?: 'min' | 'max' | 'sum' | 'avg' | 'median';
}

const SORT_OPTIONS = ['order', 'missing', 'unmapped_type', 'mode', 'format', 'numeric_type'];

export function parseSort(value: unknown): SortSpec[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(parseSortEntry);
}

function parseSortEntry(entry: unknown): SortSpec {
  if (typeof entry === 'string') return { field: entry, order: defaultOrder(entry), missing: '_last' };
  if (!isObject(entry) || Object.keys(entry).length !== 1) throw parsingError(`[sort] expected a field name or {"<field>": …}, got ${describe(entry)}`);
  const [field, spec] = Object.entries(entry)[0];
  if (typeof spec === 'string') return { field, order: readOrder(spec), missing: '_last' };
  if (!isObject(spec)) throw parsingError(`[sort] expected an order or options for [${field}], got ${describe(spec)}`);
  for (const key of Object.keys(spec)) if (!SORT_OPTIONS.includes(key)) throw parsingError(`[field_sort] unknown field [${key}]`);
  const sort: SortSpec = {
    field,
    order: spec.order === undefined ? defaultOrder(field) : readOrder(spec.order),
    missing: spec.missing === undefined ? '_last' : readScalar(spec.missing, 'sort.missing'),
  };
  if (spec.unmapped_type !== undefined) sort.unmappedType = readString(spec.unmapped_type, 'sort.unmapped_type');
  if (spec.mode !== undefined) {
    const mode = readString(spec.mode, 'sort.mode');
    if (!['min', 'max', 'sum', 'avg', 'median'].includes(mode)) throw parsingError(`[sort] unknown mode [${mode}]`);
    sort.mode = mode as SortSpec['mode'];
  }
  return sort;
}

function defaultOrder(field: string): 'asc' | 'desc' {
  return field === '_score' ? 'desc' : 'asc';
}

function readOrder(value: unknown): 'asc' | 'desc' {
  const order = typeof value === 'string' ? value.toLowerCase() : value;
  if (order !== 'asc' && order !== 'desc') throw parsingError(`[sort] order must be [asc] or [desc], got ${describe(value)}`);
  return order;
}

/** A hit being ordered: its document, score and position in the index. */
export interface Ranked {
  doc: DocView;
  score: number;
  seq: number;
}

type SortKey = IndexedValue | undefined;

export interface ResolvedSort {
  spec: SortSpec;
  /** The field's type; undefined for `_score`/`_doc` and unmapped fields. */
  type: FieldType | undefined;
}

/** Checks sort fields against the mapping ("No mapping found for [x] in order to sort on"). */
export function resolveSort(specs: SortSpec[], mapping: CdrMapping): ResolvedSort[] {
  return specs.map((spec) => {
    if (spec.field === '_score' || spec.field === '_doc') return { spec, type: undefined };
    const type = mapping.typeOf(spec.field);
    if (!type && spec.unmappedType === undefined) throw queryShardError(`No mapping found for [${spec.field}] in order to sort on`);
    return { spec, type };
  });
}

export function sortKey(sort: ResolvedSort, hit: Ranked): SortKey {
  const { spec } = sort;
  if (spec.field === '_score') return hit.score;
  if (spec.field === '_doc') return hit.seq;
  if (!sort.type) return undefined;
  const values = hit.doc.values(spec.field);
  if (values.length === 0) return undefined;
  const mode = spec.mode ?? (spec.order === 'asc' ? 'min' : 'max');
  if (mode === 'min' || mode === 'max') {
    return values.reduce((best, value) => ((compareValues(value, best) < 0) === (mode === 'min') ? value : best));
  }
  const numbers = values.map(Number).sort((a, b) => a - b);
  if (mode === 'sum') return numbers.reduce((a, b) => a + b, 0);
  if (mode === 'avg') return numbers.reduce((a, b) => a + b, 0) / numbers.length;
  const middle = Math.floor(numbers.length / 2);
  return numbers.length % 2 ? numbers[middle] : (numbers[middle - 1] + numbers[middle]) / 2;
}

/** Orders hits by the sorts, then by index order. Missing values go last unless `missing` says otherwise. */
export function compareHits(sorts: ResolvedSort[], a: { keys: SortKey[]; seq: number }, b: { keys: SortKey[]; seq: number }): number {
  for (let index = 0; index < sorts.length; index++) {
    const { spec } = sorts[index];
    const x = a.keys[index];
    const y = b.keys[index];
    if (x === undefined || y === undefined) {
      if (x === y) continue;
      const missingFirst = spec.missing === '_first';
      return (x === undefined) === missingFirst ? -1 : 1;
    }
    const order = compareValues(x, y);
    if (order !== 0) return spec.order === 'asc' ? order : -order;
  }
  return a.seq - b.seq;
}

/** Substitutes a custom `missing` value; `_first`/`_last` keep the key missing. */
export function withMissing(sort: ResolvedSort, key: SortKey): SortKey {
  const { missing } = sort.spec;
  if (key !== undefined || missing === '_last' || missing === '_first') return key;
  if (sort.type === 'keyword' || sort.type === undefined) return String(missing);
  return typeof missing === 'boolean' ? missing : Number(missing);
}

const LONG_MAX = 9223372036854775807;

/** The value Elasticsearch reports in a hit's `sort` array. */
export function sortValueForResponse(sort: ResolvedSort, key: SortKey): unknown {
  if (key !== undefined) return typeof key === 'boolean' ? (key ? 1 : 0) : key;
  const type = sort.type ?? sort.spec.unmappedType;
  if (type === 'keyword' || type === 'text') return null;
  // Numeric missing values sort with a sentinel: the largest long when they go after the others in this order.
  const last = sort.spec.missing !== '_first';
  return (sort.spec.order === 'asc') === last ? LONG_MAX : -LONG_MAX;
}
