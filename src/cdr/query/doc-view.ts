/**
 * A stored document as queries see it: its id and, per field, the indexed
 * values (arrays flattened, nulls dropped, coerced to the mapped type).
 */
import { coerce, type CdrMapping, type IndexedValue } from '../mapping.js';
import type { CdrDocument } from '../store.js';

export interface DocView {
  readonly id: string;
  readonly source: CdrDocument;
  values(field: string): IndexedValue[];
}

export function docView(id: string, source: CdrDocument, mapping: CdrMapping): DocView {
  const cache = new Map<string, IndexedValue[]>();
  return {
    id,
    source,
    values(field) {
      let values = cache.get(field);
      if (!values) {
        const type = mapping.typeOf(field);
        values = [];
        if (type) {
          for (const raw of rawValuesAt(source, field)) {
            try {
              values.push(coerce(field, type, raw));
            } catch {
              // Documents are checked when indexed; a value the mapping cannot read is simply not indexed.
            }
          }
        }
        cache.set(field, values);
      }
      return values;
    },
  };
}

/**
 * The leaf values at a dotted path. Keys may themselves contain dots
 * (`{"variables.start_stamp": …}` and `{"variables": {"start_stamp": …}}` are the same field).
 */
export function rawValuesAt(value: unknown, path: string): (string | number | boolean)[] {
  const out: (string | number | boolean)[] = [];
  const collect = (node: unknown, rest: string | undefined): void => {
    if (node === null || node === undefined) return;
    if (Array.isArray(node)) {
      for (const item of node) collect(item, rest);
      return;
    }
    if (rest === undefined) {
      if (typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean') out.push(node);
      return;
    }
    if (typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    if (Object.hasOwn(object, rest)) collect(object[rest], undefined);
    for (let dot = rest.indexOf('.'); dot >= 0; dot = rest.indexOf('.', dot + 1)) {
      const head = rest.slice(0, dot);
      if (Object.hasOwn(object, head)) collect(object[head], rest.slice(dot + 1));
    }
  };
  collect(value, path);
  return out;
}
