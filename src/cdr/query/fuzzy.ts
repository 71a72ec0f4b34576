/**
 * Fuzzy matching as Lucene's FuzzyQuery does it on a keyword: a value
 * matches when it shares the term's first `prefixLength` characters and is
 * within the allowed number of single-character edits (insertions,
 * deletions, substitutions and, with transpositions, swaps of two adjacent
 * characters), counted in code points. `fuzziness` is 0, 1, 2 or AUTO
 * (AUTO:3,6 by default: no edit below 3 characters, one below 6, else two).
 */
import type { FieldRef, Query } from './ast.js';
import { parsingError, readBoolean, readNumber, readScalar, type JsonObject } from './errors.js';
import type { CompiledPattern } from './pattern.js';

export interface FuzzyOptions {
  /** `0`, `1`, `2`, `AUTO` or `AUTO:<low>,<high>`, as the request wrote it. */
  fuzziness: string;
  prefixLength: number;
  transpositions: boolean;
}

export const DEFAULT_FUZZY: FuzzyOptions = { fuzziness: 'AUTO', prefixLength: 0, transpositions: true };

type FuzzyNames = { fuzziness: string; prefixLength: string; transpositions: string };

/** Where each query keeps its fuzzy options. */
export const FUZZY_QUERY_NAMES: FuzzyNames = { fuzziness: 'fuzziness', prefixLength: 'prefix_length', transpositions: 'transpositions' };
export const MATCH_FUZZY_NAMES: FuzzyNames = { fuzziness: 'fuzziness', prefixLength: 'prefix_length', transpositions: 'fuzzy_transpositions' };
export const QUERY_STRING_FUZZY_NAMES: FuzzyNames = { fuzziness: 'fuzziness', prefixLength: 'fuzzy_prefix_length', transpositions: 'fuzzy_transpositions' };

/**
 * The fuzzy options of a query body, under the names the query gives them
 * (`fuzziness`/`prefix_length`/`transpositions` for fuzzy, `fuzziness`/
 * `prefix_length`/`fuzzy_transpositions` for match). Undefined without fuzziness.
 */
export function readFuzzyOptions(object: JsonObject, names: FuzzyNames, context: string): FuzzyOptions | undefined {
  return object[names.fuzziness] === undefined ? undefined : readFuzzyDefaults(object, names, context);
}

/** The same, with AUTO when the body names no fuzziness (the fuzzy query, and what `term~` means in the query strings). */
export function readFuzzyDefaults(object: JsonObject, names: FuzzyNames, context: string): FuzzyOptions {
  const fuzziness = object[names.fuzziness];
  const options: FuzzyOptions = { ...DEFAULT_FUZZY, ...(fuzziness === undefined ? {} : { fuzziness: String(readScalar(fuzziness, `${context}.${names.fuzziness}`)) }) };
  allowedEdits(options.fuzziness, 0);
  if (object[names.prefixLength] !== undefined) {
    const prefixLength = readNumber(object[names.prefixLength], `${context}.${names.prefixLength}`);
    if (!Number.isInteger(prefixLength) || prefixLength < 0) throw parsingError(`[${context}] ${names.prefixLength} must be a non-negative integer`);
    options.prefixLength = prefixLength;
  }
  if (object[names.transpositions] !== undefined) options.transpositions = readBoolean(object[names.transpositions], `${context}.${names.transpositions}`);
  return options;
}

/** The clause matching `text` within `fuzzy`'s edits of a value of `field`. */
export function fuzzyClause(field: FieldRef, text: string, fuzzy: FuzzyOptions, boost: number): Query {
  return { kind: 'pattern', syntax: 'fuzzy', field, value: text, caseInsensitive: false, fuzzy, boost };
}

/** The edits `fuzziness` allows for a term of `length` code points. */
export function allowedEdits(fuzziness: string, length: number): number {
  const text = fuzziness.trim().toUpperCase();
  const auto = /^AUTO(?::(\d+),(\d+))?$/.exec(text);
  if (auto) {
    const [low, high] = auto[1] === undefined ? [3, 6] : [Number(auto[1]), Number(auto[2])];
    if (low > high) throw parsingError(`fuzziness wrongly configured, AUTO:${low},${high}: the low distance must not exceed the high one`);
    return length < low ? 0 : length < high ? 1 : 2;
  }
  if (!/^\d+(\.0+)?$/.test(text) || Number(text) > 2) throw parsingError(`fuzziness [${fuzziness}] is not allowed: 0, 1, 2 or AUTO`);
  return Number(text);
}

/**
 * Edit distance (optimal string alignment with transpositions), or `limit + 1`
 * once it is sure to exceed `limit`. Only the diagonal band of `limit` cells
 * either side is computed (Ukkonen): no alignment within `limit` edits leaves
 * it, so a long value costs its length times five, not its length squared.
 */
export function editDistance(a: readonly string[], b: readonly string[], limit: number, transpositions: boolean): number {
  const beyond = limit + 1;
  if (Math.abs(a.length - b.length) > limit) return beyond;
  const width = 2 * limit + 1;
  // Row i keeps the cells j = i - limit … i + limit.
  const cell = (row: readonly number[], i: number, j: number) => (j < 0 || j > b.length || j < i - limit || j > i + limit ? beyond : row[j - i + limit]);
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: width }, (_, index) => (index >= limit ? index - limit : beyond));
  for (let i = 1; i <= a.length; i++) {
    const current = new Array<number>(width).fill(beyond);
    let rowMinimum = beyond;
    for (let j = Math.max(0, i - limit); j <= Math.min(b.length, i + limit); j++) {
      let value = i;
      if (j > 0) {
        const cost = a[i - 1] === b[j - 1] ? 0 : 1;
        value = Math.min(cell(previous, i - 1, j) + 1, cell(current, i, j - 1) + 1, cell(previous, i - 1, j - 1) + cost);
        if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, cell(beforePrevious, i - 2, j - 2) + 1);
      }
      current[j - i + limit] = Math.min(value, beyond);
      rowMinimum = Math.min(rowMinimum, value);
    }
    if (rowMinimum > limit) return beyond;
    beforePrevious = previous;
    previous = current;
  }
  return cell(previous, a.length, b.length);
}

export function compileFuzzy(term: string, options: FuzzyOptions): CompiledPattern {
  const termPoints = [...term];
  const edits = allowedEdits(options.fuzziness, termPoints.length);
  if (edits === 0) return { test: (value) => value === term, shape: { kind: 'exact', literal: term } };
  const prefix = termPoints.slice(0, options.prefixLength).join('');
  const rest = termPoints.slice(options.prefixLength);
  return {
    test: (value) => value.startsWith(prefix) && editDistance(rest, [...value.slice(prefix.length)], edits, options.transpositions) <= edits,
  };
}
