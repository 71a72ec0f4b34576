/**
 * The CDR index mapping: which type each field has, as the original's index
 * template and dynamic templates gave it (strings are keyword, the time fields
 * and `variables.*_stamp` are dates), and how a document's raw JSON values
 * become indexed values of that type (Elasticsearch's default coercion).
 */
import { formatDate, parseDateValue } from './query/date-parse.js';

export type FieldType = 'keyword' | 'long' | 'double' | 'date' | 'boolean';
/** An indexed value: keyword → string, long/double/date (epoch ms) → number, boolean → boolean. */
export type IndexedValue = string | number | boolean;

const FIXED_TYPES: Readonly<Record<string, FieldType>> = {
  'Call start time': 'date',
  'Call answer time': 'date',
  'Call end time': 'date',
  'Progress time': 'date',
  'Bridge time': 'date',
  'Queue start time': 'date',
  'Queue answer time': 'date',
  'Queue stop time': 'date',
  Answered: 'boolean',
  Bridged: 'boolean',
  'Queue Answered': 'boolean',
  'Q850 Hangup Code': 'long',
  'Call duration': 'long',
  'Connected call duration': 'long',
  'Ring Duration': 'long',
  'Before Bridge Delay': 'long',
  'Post Dialing Delay': 'long',
  'Call record duration': 'long',
  'Queue call duration': 'long',
  'Queue waiting duration': 'long',
  'Queue connected duration': 'long',
  'Queue Answer Delay': 'long',
  'Call direction': 'keyword',
  'Hangup cause': 'keyword',
  'Destination number': 'keyword',
  'CallerID number': 'keyword',
  'Domain name': 'keyword',
  'User ID': 'keyword',
  'Destination User': 'keyword',
  Location: 'keyword',
  'Agent ID': 'keyword',
  'Queue ID': 'keyword',
  'Queue stop cause': 'keyword',
  'Queue cancel reason': 'keyword',
  'Queue stop side': 'keyword',
};

export const FIXED_FIELDS: readonly string[] = Object.keys(FIXED_TYPES);

/** Where a CDR keeps its leg's channel variables. */
const CHANNEL_VARIABLES = 'variables.';

/** A document value Elasticsearch would refuse at index time (mapper_parsing_exception). */
export class MappingError extends Error {
  constructor(
    readonly field: string,
    readonly fieldType: FieldType,
    value: unknown,
    message = `failed to parse field [${field}] of type [${fieldType}]: cannot parse ${JSON.stringify(value)}`,
  ) {
    super(message);
    this.name = 'MappingError';
  }
}

/** A document past a mapping limit (depth, total fields): Elasticsearch's illegal_argument_exception. */
export class MappingLimitError extends Error {
  override name = 'MappingLimitError';
}

/** The type a field gets from the fixed mapping or the dynamic templates, before any document is seen. */
export function templateType(field: string): FieldType | undefined {
  const fixed = FIXED_TYPES[field];
  if (fixed) return fixed;
  if (field.startsWith(CHANNEL_VARIABLES) && field.endsWith('_stamp')) return 'date';
  return undefined;
}

/** The dynamic mapping of a field first seen with this JSON value. */
export function dynamicType(field: string, value: IndexedLeaf): FieldType {
  const fromTemplate = templateType(field);
  if (fromTemplate) return fromTemplate;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'long' : 'double';
  return 'keyword';
}

type IndexedLeaf = string | number | boolean;

/** What index() gives: the values of the fields asked for, and the fields the document newly maps. */
export interface MappedDocument {
  values: Map<string, IndexedValue[]>;
  added: [string, FieldType][];
}

export interface MappingLimits {
  totalFieldsLimit: number;
  mappingDepthLimit: number;
}

/** Dotted paths by parent path and key: documents repeat the same few hundred, and a path met before is a string already hashed. */
const childPaths = new Map<string, Map<string, string>>();
let cachedPaths = 0;
const MAX_CACHED_PATHS = 50_000;

function childPath(path: string, key: string): string {
  if (!path) return key;
  let children = childPaths.get(path);
  if (!children) {
    children = new Map();
    childPaths.set(path, children);
  }
  let child = children.get(key);
  if (child === undefined) {
    if (cachedPaths >= MAX_CACHED_PATHS) {
      childPaths.clear();
      cachedPaths = 0;
      children = new Map();
      childPaths.set(path, children);
    }
    child = `${path}.${key}`;
    children.set(key, child);
    cachedPaths++;
  }
  return child;
}

/**
 * Calls `onLeaf` for every leaf of a document with its dotted path, in
 * document order, arrays flattened, nulls dropped — what Elasticsearch
 * indexes. Empty objects and arrays index nothing. The paths come from a
 * cache: documents repeat the same few hundred. Objects nested deeper than
 * `maxDepth` throw MappingLimitError.
 */
function forEachLeaf(document: Record<string, unknown>, maxDepth: number, onLeaf: (path: string, value: IndexedLeaf) => void): void {
  const visit = (path: string, value: unknown, depth = 0): void => {
    if (value === null || value === undefined) return;
    if (typeof value === 'object') {
      if (Array.isArray(value)) {
        // An array in an array is no deeper a field: Elasticsearch flattens it.
        for (const item of value) visit(path, item, depth);
        return;
      }
      if (depth > maxDepth) throw new MappingLimitError(`Limit of mapping depth [${maxDepth}] has been exceeded due to object field [${path}]`);
      const object = value as Record<string, unknown>;
      for (const key of Object.keys(object)) visit(childPath(path, key), object[key], depth + 1);
      return;
    }
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') onLeaf(path, value);
  };
  visit('', document);
}

/** Every leaf of a document (see forEachLeaf) by its dotted path, fields in the order of their first leaf. */
export function leavesOf(document: Record<string, unknown>, maxDepth = Infinity): Map<string, IndexedLeaf[]> {
  const leaves = new Map<string, IndexedLeaf[]>();
  forEachLeaf(document, maxDepth, (path, value) => {
    const list = leaves.get(path);
    if (list) list.push(value);
    else leaves.set(path, [value]);
  });
  return leaves;
}

/** Converts a raw leaf to the field type's indexed value, as Elasticsearch coerces it; throws MappingError. */
export function coerce(field: string, type: FieldType, value: IndexedLeaf): IndexedValue {
  switch (type) {
    case 'keyword':
      return typeof value === 'string' ? value : String(value);
    case 'long':
    case 'double': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (!Number.isFinite(number)) throw new MappingError(field, type, value);
      return type === 'long' ? Math.trunc(number) : number;
    }
    case 'date': {
      const millis = typeof value === 'boolean' ? undefined : parseDateValue(value);
      if (millis === undefined) throw new MappingError(field, type, value);
      return millis;
    }
    case 'boolean':
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false' || value === '') return false;
      throw new MappingError(field, type, value);
  }
}

/** How a value of this type appears in `fields`, sort values and aggregation keys' `*_as_string`. */
export function displayValue(type: FieldType, value: IndexedValue): IndexedValue {
  return type === 'date' ? formatDate(value as number) : value;
}

/**
 * The mapping of one index: the fixed fields plus every field documents have
 * introduced (first value seen decides the type, as dynamic mapping does).
 */
export class CdrMapping {
  readonly #dynamic = new Map<string, FieldType>();

  /** `known`: the fields mapped so far (the fixed ones among them are kept as the fixed mapping says). */
  constructor(known: Iterable<[string, FieldType]> = []) {
    for (const [field, type] of known) if (!FIXED_TYPES[field]) this.#dynamic.set(field, type);
  }

  /** The field's type, or undefined when no mapping exists (queries on it match nothing). */
  typeOf(field: string): FieldType | undefined {
    return FIXED_TYPES[field] ?? this.#dynamic.get(field);
  }

  /** How many fields are mapped (index.mapping.total_fields.limit counts them). */
  get size(): number {
    return FIXED_FIELDS.length + this.#dynamic.size;
  }

  /** Every mapped field, for `*` field patterns. */
  fields(): string[] {
    return [...new Set([...FIXED_FIELDS, ...this.#dynamic.keys()])];
  }

  /**
   * Coerces a document's leaves, returning the indexed values and the fields
   * it newly maps. Throws MappingError. Every leaf is checked; with `keep`,
   * only those fields' values are returned (the writer needs the hot ones).
   * With `limits`, a document nested too deep or mapping fields past the
   * total throws MappingLimitError.
   */
  index(document: Record<string, unknown>, keep?: ReadonlySet<string>, limits?: MappingLimits): MappedDocument {
    try {
      const indexed = this.#indexInOnePass(document, keep, limits);
      if (indexed) return indexed;
    } catch (error) {
      if (!(error instanceof MappingError) && !(error instanceof MappingLimitError)) throw error;
    }
    return this.#indexFieldByField(document, keep, limits);
  }

  /**
   * index() in one walk over the leaves, coercing each as it is met: no list of every field's leaves is built (the
   * writer's commonest work, ~13 µs of a CDR's ~18). A document it cannot take — a value to refuse, past a limit —
   * is read again field by field, which reports the same refusal as ever (the limit before any value; the first
   * field's error first, where a walk would meet another field's first).
   */
  #indexInOnePass(document: Record<string, unknown>, keep: ReadonlySet<string> | undefined, limits: MappingLimits | undefined): MappedDocument | undefined {
    const values = new Map<string, IndexedValue[]>();
    const added: [string, FieldType][] = [];
    let pending: Map<string, FieldType> | undefined;
    forEachLeaf(document, limits?.mappingDepthLimit ?? Infinity, (field, leaf) => {
      let type = this.typeOf(field) ?? pending?.get(field);
      if (!type) {
        type = dynamicType(field, leaf);
        this.#checkShape(field, type, pending);
        (pending ??= new Map()).set(field, type);
        added.push([field, type]);
      }
      if (keep && !keep.has(field)) {
        // Checked, not kept. A string is always a keyword: the commonest leaf costs nothing.
        if (type !== 'keyword') coerce(field, type, leaf);
        return;
      }
      const coerced = coerce(field, type, leaf);
      const list = values.get(field);
      if (list) list.push(coerced);
      else values.set(field, [coerced]);
    });
    if (limits && added.length > 0 && this.size + added.length > limits.totalFieldsLimit) return undefined;
    return { values, added };
  }

  #indexFieldByField(document: Record<string, unknown>, keep: ReadonlySet<string> | undefined, limits: MappingLimits | undefined): MappedDocument {
    const values = new Map<string, IndexedValue[]>();
    const added: [string, FieldType][] = [];
    let pending: Map<string, FieldType> | undefined;
    const byField = leavesOf(document, limits?.mappingDepthLimit);
    if (limits) {
      let newFields = 0;
      for (const field of byField.keys()) if (!this.typeOf(field)) newFields++;
      if (newFields > 0 && this.size + newFields > limits.totalFieldsLimit) {
        throw new MappingLimitError(`Limit of total fields [${limits.totalFieldsLimit}] has been exceeded while adding new fields [${newFields}]`);
      }
    }
    for (const [field, leaves] of byField) {
      let type = this.typeOf(field) ?? pending?.get(field);
      if (!type) {
        type = dynamicType(field, leaves[0]);
        this.#checkShape(field, type, pending);
        (pending ??= new Map()).set(field, type);
        added.push([field, type]);
      }
      if (keep && !keep.has(field)) {
        if (type !== 'keyword') for (const leaf of leaves) coerce(field, type, leaf);
        continue;
      }
      const coerced: IndexedValue[] = new Array(leaves.length);
      for (let index = 0; index < leaves.length; index++) coerced[index] = coerce(field, type, leaves[index]);
      values.set(field, coerced);
    }
    return { values, added };
  }

  /**
   * A new field must not turn a field that holds values into an object
   * (`title.foo` once `title` is a keyword) nor give a value where fields are
   * an object's (`a` once `a.b` is mapped): Elasticsearch refuses the document
   * either way, and the mapping would hold two shapes for one name. Throws
   * MappingError. Only new fields are checked, against every mapped one: a
   * mapping holds a thousand fields at most, and new ones are rare. Not under
   * `variables`: channel variables are flat names that may hold dots (a
   * schema's `setVar a.b=…`, `sip_h_X.Y`), so one call's `a` and another's
   * `a.b` are both kept rather than the second call losing its CDR.
   */
  #checkShape(field: string, type: FieldType, pending: ReadonlyMap<string, FieldType> | undefined): void {
    if (field.startsWith(CHANNEL_VARIABLES)) return;
    for (let dot = field.indexOf('.'); dot !== -1; dot = field.indexOf('.', dot + 1)) {
      const parent = field.slice(0, dot);
      const parentType = this.typeOf(parent) ?? pending?.get(parent);
      if (parentType) throw new MappingError(parent, parentType, undefined, `failed to parse field [${parent}] of type [${parentType}]: found an object with field [${field}]`);
    }
    const below = `${field}.`;
    const fields = pending ? [...this.fields(), ...pending.keys()] : this.fields();
    if (fields.some((mapped) => mapped.startsWith(below))) {
      throw new MappingError(field, type, undefined, `object mapping for [${field}] tried to parse field [${field}] as object, but found a concrete value`);
    }
  }

  /** Records fields that an acknowledged document introduced. */
  learn(added: readonly [string, FieldType][]): void {
    for (const [field, type] of added) if (!this.typeOf(field)) this.#dynamic.set(field, type);
  }
}
