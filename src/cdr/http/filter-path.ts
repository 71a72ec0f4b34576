/**
 * The `filter_path` response filter: comma-separated dotted paths where `*`
 * matches within one name and `**` any number of levels; a leading `-`
 * excludes. Arrays are looked through. What nothing includes is dropped, and
 * an answer with nothing left is `{}`, as Elasticsearch does.
 */
import { globToRegExp } from '../query/glob.js';

export interface FilterPath {
  includes: Segments[];
  excludes: Segments[];
}

/** One path: each step is a name pattern, or `**` (any depth). */
type Segments = (RegExp | '**')[];

export function compileFilterPath(text: string): FilterPath {
  const includes: Segments[] = [];
  const excludes: Segments[] = [];
  for (const raw of text.split(',')) {
    const path = raw.trim();
    if (path === '') continue;
    const exclude = path.startsWith('-');
    const segments = (exclude ? path.slice(1) : path).split('.').map((step) => (step === '**' ? '**' : globToRegExp(step)));
    (exclude ? excludes : includes).push(segments);
  }
  return { includes, excludes };
}

/** The paths that remain to match under `key`; an empty path means "this node matches whole". */
function descend(paths: Segments[], key: string): Segments[] {
  const next: Segments[] = [];
  for (const path of paths) {
    const [head, ...rest] = path;
    if (head === '**') {
      next.push(path);
      next.push(...descend([rest], key));
    } else if (head.test(key)) {
      next.push(rest);
    }
  }
  return next;
}

function include(value: unknown, paths: Segments[]): unknown {
  if (Array.isArray(value)) {
    const kept = value.map((item) => include(item, paths)).filter((item) => item !== undefined);
    return kept.length > 0 ? kept : undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const remaining = descend(paths, key);
    if (remaining.length === 0) continue;
    const kept = remaining.some((path) => path.length === 0) ? child : include(child, remaining);
    if (kept !== undefined) out[key] = kept;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function exclude(value: unknown, paths: Segments[]): unknown {
  if (Array.isArray(value)) return value.map((item) => exclude(item, paths));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const remaining = descend(paths, key);
    if (remaining.some((path) => path.length === 0)) continue;
    out[key] = remaining.length === 0 ? child : exclude(child, remaining);
  }
  return out;
}

export function applyFilterPath(body: unknown, filter: FilterPath): unknown {
  let result = body;
  if (filter.includes.length > 0) result = include(result, filter.includes) ?? {};
  if (filter.excludes.length > 0) result = exclude(result, filter.excludes);
  return result;
}
