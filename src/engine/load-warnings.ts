/**
 * What an application's argument schema notices while a schema loads that
 * must not stop it loading: an argument Webitel's engines ignore (they decode
 * into structs) may still be a typo the author wants to hear about. Loading
 * is synchronous, so the loader collects them around one parse.
 */
import { formatJsonPath } from './json-path.js';
import type { SchemaError } from './schema-error.js';

let collecting: SchemaError[] | undefined;

/** Runs a load and returns what it warned about; nested loads keep their own warnings. */
export function collectLoadWarnings<T>(load: () => T): { result: T; warnings: SchemaError[] } {
  const outer = collecting;
  const warnings: SchemaError[] = [];
  collecting = warnings;
  try {
    return { result: load(), warnings };
  } finally {
    collecting = outer;
  }
}

/** A warning at this JSON path of the schema being loaded (none is loading: arguments parsed at run time, nothing to tell). */
export function warnAtLoad(path: readonly (string | number)[], message: string): void {
  collecting?.push({ path: formatJsonPath(path), message });
}
