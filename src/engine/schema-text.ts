import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { parseJsonText } from '../json-text.js';

export type SchemaFormat = 'json' | 'yaml';

/** YAML for `.yaml`/`.yml` files, JSON otherwise (a near-JSON file with a stray comma is an error, not YAML). */
export function formatOfPath(path: string): SchemaFormat {
  return /^\.ya?ml$/i.test(extname(path)) ? 'yaml' : 'json';
}

/** Parses schema text; throws an Error whose message says what is wrong and where. */
export function parseSchemaText(text: string, format: SchemaFormat): unknown {
  if (format === 'json') return parseJsonText(text);
  // One document, no custom tags, aliases capped: a schema file is data.
  return parseYaml(text, { maxAliasCount: 100, uniqueKeys: true, prettyErrors: true });
}

/**
 * Webitel's route records (`{ "destination_number": …, "callflow": [...] }`,
 * as its documentation publishes them) hold the schema in `callflow`; a bare array is the schema itself,
 * and a lone application object (`{ "log": "hi" }`) a schema of that one application.
 */
export function schemaOfDocument(json: unknown): unknown {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  if (Array.isArray((json as { callflow?: unknown }).callflow)) return (json as { callflow: unknown }).callflow;
  // One application object, as the documentation shows each application: a schema of one step.
  return [json];
}
