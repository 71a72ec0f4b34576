/**
 * `_source` filtering: false, true, a pattern, a list of patterns, or
 * `{includes, excludes}`; patterns match dotted paths and may use `*`.
 */
import type { CdrDocument } from '../store.js';
import { describe, isObject, parsingError } from './errors.js';
import { globToRegExp } from './glob.js';

/** undefined = whole source; false = none. */
export type SourceFilter = undefined | false | { includes: string[]; excludes: string[] };

export function parseSourceFilter(value: unknown): SourceFilter {
  if (value === true) return undefined;
  if (value === false) return false;
  if (typeof value === 'string' || Array.isArray(value)) return { includes: patterns(value, '_source'), excludes: [] };
  if (isObject(value)) {
    for (const key of Object.keys(value)) {
      if (!['includes', 'excludes', 'include', 'exclude'].includes(key)) throw parsingError(`[_source] unknown key [${key}]`);
    }
    return {
      includes: patterns(value.includes ?? value.include ?? [], '_source.includes'),
      excludes: patterns(value.excludes ?? value.exclude ?? [], '_source.excludes'),
    };
  }
  throw parsingError(`[_source] expected a boolean, a pattern, a list of patterns or {includes, excludes}, got ${describe(value)}`);
}

function patterns(value: unknown, context: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item) => typeof item === 'string')) throw parsingError(`[${context}] expected field patterns (strings)`);
  return list as string[];
}

/** Returns the filtered copy of a document's source, or undefined when none is wanted. */
export function filterSource(source: CdrDocument, filter: SourceFilter): CdrDocument | undefined {
  if (filter === false) return undefined;
  if (filter === undefined || (filter.includes.length === 0 && filter.excludes.length === 0)) return source;
  const includes = filter.includes.map(globToRegExp);
  const excludes = filter.excludes.map(globToRegExp);
  // A path is kept when it or one of its parents is included (or nothing is listed) and none of them is excluded.
  const included = (path: string) => includes.length === 0 || includes.some((regex) => regex.test(path));
  const excluded = (path: string) => excludes.some((regex) => regex.test(path));
  const mayContainIncluded = (path: string) =>
    includes.length === 0 || filter.includes.some((pattern) => pattern.startsWith(`${path}.`) || pattern.startsWith('*'));
  const visit = (object: Record<string, unknown>, prefix: string, parentIncluded: boolean): Record<string, unknown> | undefined => {
    const out: Record<string, unknown> = {};
    let kept = false;
    for (const [key, value] of Object.entries(object)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (excluded(path)) continue;
      const isIncluded = parentIncluded || included(path);
      if (isObject(value)) {
        if (!isIncluded && !mayContainIncluded(path)) continue;
        const child = visit(value, path, isIncluded);
        if (child !== undefined) {
          out[key] = child;
          kept = true;
        }
      } else if (isIncluded) {
        out[key] = value;
        kept = true;
      }
    }
    return kept || prefix === '' ? out : undefined;
  };
  return visit(source, '', false);
}
