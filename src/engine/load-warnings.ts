/**
 * What an application's argument schema notices while a schema loads that
 * must not stop it loading: an argument Webitel's engines ignore (they decode
 * into structs) may still be a typo the author wants to hear about. Loading
 * is synchronous, so the loader collects them around one parse.
 */
import { formatJsonPath } from '../json-path.js';
import type { SchemaError } from './schema-error.js';

interface Collection {
  warnings: SchemaError[];
  /** Warnings about objects being parsed, by path, and where they go: before those about what the object holds. */
  held: Map<string, { place: number; warnings: SchemaError[] }>;
}

let collecting: Collection | undefined;

/** Runs a load and returns what it warned about, in the order of the schema; nested loads keep their own warnings. */
export function collectLoadWarnings<T>(load: () => T): { result: T; warnings: SchemaError[] } {
  const outer = collecting;
  const collection: Collection = { warnings: [], held: new Map() };
  collecting = collection;
  try {
    return { result: load(), warnings: collection.warnings };
  } finally {
    collecting = outer;
  }
}

/** A warning at this JSON path of the schema being loaded (none is loading: arguments parsed at run time, nothing to tell). */
export function warnAtLoad(path: readonly (string | number)[], message: string): void {
  collecting?.warnings.push({ path: formatJsonPath(path), message });
}

/**
 * Warnings about the keys of the object at `path`, held before its content
 * is parsed and given (`releaseLoadWarnings`) once it has parsed: a union
 * tries an object in several forms, and only the form that fits speaks.
 */
export function holdLoadWarnings(path: readonly (string | number)[], warnings: readonly { key: string; message: string }[]): void {
  if (!collecting) return;
  const held = warnings.map(({ key, message }) => ({ path: formatJsonPath([...path, key]), message }));
  collecting.held.set(formatJsonPath(path), { place: collecting.warnings.length, warnings: held });
}

/** The warnings held about the object at `path`, given where they belong. */
export function releaseLoadWarnings(path: readonly (string | number)[]): void {
  const key = formatJsonPath(path);
  const held = collecting?.held.get(key);
  if (!collecting || !held) return;
  collecting.held.delete(key);
  collecting.warnings.splice(held.place, 0, ...held.warnings);
}
