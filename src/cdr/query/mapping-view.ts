/**
 * The CDR mapping as Elasticsearch describes it: `_mapping`'s nested
 * `properties` (dotted fields under their object parents) and `_field_caps`
 * (every field, its parents as `object`, and the metadata fields).
 */
import type { FieldType } from '../mapping.js';
import { globToRegExp } from './glob.js';

export interface MappingProperties {
  [name: string]: { type: string } | { properties: MappingProperties };
}

/** How each field type reads in a mapping. */
const MAPPING_TYPES: Readonly<Record<FieldType, string>> = { keyword: 'keyword', long: 'long', double: 'double', date: 'date', boolean: 'boolean' };

export function mappingProperties(fields: readonly [string, FieldType][]): MappingProperties {
  const root: MappingProperties = {};
  for (const [field, type] of [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const path = field.split('.');
    let level = root;
    for (const step of path.slice(0, -1)) {
      const existing = level[step];
      // A name that is a leaf and also a parent keeps its children: the object wins, as a later document would make it.
      if (!existing || !('properties' in existing)) level[step] = { properties: {} };
      level = (level[step] as { properties: MappingProperties }).properties;
    }
    const leaf = path[path.length - 1];
    if (!level[leaf]) level[leaf] = { type: MAPPING_TYPES[type] };
  }
  return root;
}

interface Capability {
  type: string;
  metadata_field: boolean;
  searchable: boolean;
  aggregatable: boolean;
}

const METADATA_FIELDS: Readonly<Record<string, Omit<Capability, 'metadata_field'>>> = {
  _id: { type: '_id', searchable: true, aggregatable: false },
  _index: { type: '_index', searchable: true, aggregatable: true },
  _source: { type: '_source', searchable: false, aggregatable: false },
  _ignored: { type: '_ignored', searchable: true, aggregatable: false },
};

export interface FieldCapsOptions {
  /** Field name patterns (`*` allowed). */
  patterns: string[];
  withMetadata: boolean;
  withParents: boolean;
  /** Only fields of these types, when given. */
  types?: string[];
}

export function fieldCapabilities(fields: readonly [string, FieldType][], options: FieldCapsOptions): Record<string, Record<string, Capability>> {
  const all = new Map<string, Capability>();
  if (options.withMetadata) for (const [name, caps] of Object.entries(METADATA_FIELDS)) all.set(name, { ...caps, metadata_field: true });
  for (const [field, type] of fields) {
    all.set(field, { type: MAPPING_TYPES[type], metadata_field: false, searchable: true, aggregatable: true });
    if (!options.withParents) continue;
    const path = field.split('.');
    for (let depth = 1; depth < path.length; depth++) {
      const parent = path.slice(0, depth).join('.');
      if (!all.has(parent)) all.set(parent, { type: 'object', metadata_field: false, searchable: false, aggregatable: false });
    }
  }
  const matchers = options.patterns.map(globToRegExp);
  const out: Record<string, Record<string, Capability>> = {};
  for (const [name, caps] of [...all].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (!matchers.some((matcher) => matcher.test(name))) continue;
    if (options.types && !options.types.includes(caps.type)) continue;
    out[name] = { [caps.type]: caps };
  }
  return out;
}
