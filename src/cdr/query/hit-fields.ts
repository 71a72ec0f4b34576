/**
 * The `fields` of a hit, from `docvalue_fields` and `fields`: each mapped
 * field (patterns allowed) with all its values as an array, dates formatted
 * (strict_date_optional_time unless the request gives a `format`).
 */
import { DateTime } from 'luxon';
import type { CdrMapping, FieldType, IndexedValue } from '../mapping.js';
import { compareValues } from './compare.js';
import type { DocView } from './doc-view.js';
import { formatDate } from './date-parse.js';
import { globToRegExp } from './glob.js';
import type { FieldRequest } from './parse-request.js';

export interface ResolvedField {
  field: string;
  type: FieldType;
  format?: string;
  docValues?: true;
}

/** Expands patterns against the mapping; unmapped names are dropped, as Elasticsearch does. */
export function resolveFieldRequests(requests: FieldRequest[], mapping: CdrMapping): ResolvedField[] {
  const resolved: ResolvedField[] = [];
  const seen = new Set<string>();
  for (const request of requests) {
    const names = request.field.includes('*')
      ? mapping.fields().filter((field) => globToRegExp(request.field).test(field))
      : [request.field];
    for (const field of names) {
      const type = mapping.typeOf(field);
      if (!type || seen.has(field)) continue;
      seen.add(field);
      const entry: ResolvedField = request.format === undefined ? { field, type } : { field, type, format: request.format };
      if (request.docValues) entry.docValues = true;
      resolved.push(entry);
    }
  }
  return resolved;
}

export function hitFields(doc: DocView, fields: ResolvedField[]): Record<string, unknown[]> | undefined {
  if (fields.length === 0) return undefined;
  const out: Record<string, unknown[]> = {};
  for (const { field, type, format, docValues } of fields) {
    const values = docValues ? asDocValues(type, doc.values(field)) : doc.values(field);
    if (values.length > 0) out[field] = values.map((value) => present(type, value, format));
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Doc values are sorted; a keyword's are a set (each distinct value once), numbers keep their repeats. */
function asDocValues(type: FieldType, values: IndexedValue[]): IndexedValue[] {
  if (values.length < 2) return values;
  return [...(type === 'keyword' ? new Set(values) : values)].sort(compareValues);
}

function present(type: FieldType, value: IndexedValue, format: string | undefined): unknown {
  if (type !== 'date') return value;
  const millis = value as number;
  if (format === undefined || format === 'strict_date_optional_time' || format === 'date_optional_time') return formatDate(millis);
  if (format === 'epoch_millis') return String(millis);
  if (format === 'epoch_second') return String(Math.floor(millis / 1000));
  return DateTime.fromMillis(millis, { zone: 'UTC' }).toFormat(format);
}
