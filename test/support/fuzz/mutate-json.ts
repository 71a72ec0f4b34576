/**
 * Structural mutation of JSON documents: replace, delete, duplicate or
 * retype one node, so mutated schemas and requests stay JSON and reach the
 * validators instead of stopping at the JSON parser.
 */
import * as fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type JsonEdit =
  | { kind: 'replace'; at: number; value: Json }
  | { kind: 'delete'; at: number }
  | { kind: 'duplicate'; at: number; times: number }
  | { kind: 'wrap'; at: number; key: string };

/** Every node of a document with a way to rewrite it in its parent, in document order. */
function nodes(root: Json): { value: Json; set(value: Json | undefined): void }[] {
  const found: { value: Json; set(value: Json | undefined): void }[] = [];
  const visit = (value: Json, set: (value: Json | undefined) => void) => {
    found.push({ value, set });
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, (next) => (next === undefined ? value.splice(index, 1) : (value[index] = next))));
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) visit(value[key], (next) => (next === undefined ? delete value[key] : (value[key] = next)));
    }
  };
  visit(root, () => {});
  return found;
}

export function applyJsonEdits(document: unknown, edits: readonly JsonEdit[]): unknown {
  const root = structuredClone(document) as Json;
  for (const edit of edits) {
    const all = nodes(root);
    const node = all[Math.floor(edit.at * all.length)];
    if (edit.kind === 'replace') node.set(edit.value);
    else if (edit.kind === 'delete') node.set(undefined);
    else if (edit.kind === 'wrap') node.set({ [edit.key]: structuredClone(node.value) });
    else node.set(Array.from({ length: edit.times }, () => structuredClone(node.value)));
  }
  return root;
}

export function jsonEdits(values: fc.Arbitrary<unknown>, keys: readonly string[]): fc.Arbitrary<JsonEdit> {
  const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), at, value: values as fc.Arbitrary<Json> }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), at, times: fc.integer({ min: 0, max: 40 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('wrap' as const), at, key: fc.constantFrom(...keys) }) },
  );
}

/** Documents of the corpus with a few structural edits each. */
export function mutatedJson(corpus: readonly unknown[], values: fc.Arbitrary<unknown>, keys: readonly string[], maxEdits = 5): fc.Arbitrary<unknown> {
  return fc.tuple(fc.constantFrom(...corpus), fc.array(jsonEdits(values, keys), { maxLength: maxEdits })).map(([document, edits]) => applyJsonEdits(document, edits));
}
