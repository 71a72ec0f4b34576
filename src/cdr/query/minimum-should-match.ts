/**
 * `minimum_should_match` as Elasticsearch resolves it against the number of
 * optional clauses: an integer, a negative integer (all but N), a percentage
 * (rounded down) or a negative percentage, and conditional forms `N<spec`.
 */
import { describe, parsingError } from './errors.js';

export function resolveMinimumShouldMatch(spec: unknown, optionalClauses: number): number {
  if (typeof spec === 'number' && Number.isInteger(spec)) return clamp(spec < 0 ? optionalClauses + spec : spec, optionalClauses);
  if (typeof spec !== 'string') throw parsingError(`[minimum_should_match] expected an integer or a string, got ${describe(spec)}`);
  const text = spec.trim();
  // Conditional specs: space-separated "N<value"; the last condition whose N is below the clause count applies.
  if (text.includes('<')) {
    let result = optionalClauses;
    for (const part of text.split(/\s+/)) {
      const [threshold, value] = part.split('<');
      if (!/^\d+$/.test(threshold ?? '') || value === undefined) throw invalid(spec);
      if (optionalClauses > Number(threshold)) result = resolveSimple(value, optionalClauses, spec);
    }
    return result;
  }
  return resolveSimple(text, optionalClauses, spec);
}

function resolveSimple(text: string, optionalClauses: number, spec: unknown): number {
  const percentage = /^(-?)(\d+(?:\.\d+)?)%$/.exec(text);
  if (percentage) {
    const share = Math.floor((optionalClauses * Number(percentage[2])) / 100);
    return clamp(percentage[1] ? optionalClauses - share : share, optionalClauses);
  }
  if (!/^-?\d+$/.test(text)) throw invalid(spec);
  const count = Number(text);
  return clamp(count < 0 ? optionalClauses + count : count, optionalClauses);
}

/** As Elasticsearch's Queries.calculateMinShouldMatch: never below 0, never above the clause count. */
function clamp(value: number, optionalClauses: number): number {
  return Math.min(optionalClauses, Math.max(0, value));
}

function invalid(spec: unknown): Error {
  return parsingError(`[minimum_should_match] cannot parse ${JSON.stringify(spec)}`);
}
