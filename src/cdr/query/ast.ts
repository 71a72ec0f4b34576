/**
 * A parsed search query: what the request asks, checked for shape but not yet
 * bound to the mapping or to "now" (see ./bind.ts).
 */
import type { FuzzyOptions } from './fuzzy.js';

export type Scalar = string | number | boolean;

/**
 * A bool's score other than the sum of its scoring clauses: `max` (dis_max: the best clause's score plus
 * tie_breaker times the others'), `demote` (boosting: times `factor` when `negative` matches too).
 */
export type ScoreMode<Clause> = { kind: 'max'; tieBreaker: number } | { kind: 'demote'; negative: Clause; factor: number };

/** A field as the query names it; query_string may name patterns (`variables.*`) and be lenient. */
export interface FieldRef {
  name: string;
  /** `*` in the name selects every mapped field it matches. */
  isPattern: boolean;
  /** Skip fields whose type cannot take the value instead of failing (query_string on `*`). */
  lenient: boolean;
}

export type Query =
  | { kind: 'match_all'; boost: number }
  | { kind: 'match_none' }
  | {
      kind: 'bool';
      must: Query[];
      filter: Query[];
      should: Query[];
      mustNot: Query[];
      /** Resolved against the number of should clauses. */
      minimumShouldMatch: number;
      boost: number;
      /** How the score is made when not the sum of the scoring clauses: dis_max's and boosting's. */
      scoring?: ScoreMode<Query>;
    }
  | { kind: 'constant_score'; filter: Query; boost: number }
  /** term, terms, match and match_phrase (on keyword fields they are all exact terms). */
  | { kind: 'term'; field: FieldRef; values: Scalar[]; caseInsensitive: boolean; boost: number }
  | {
      kind: 'range';
      field: FieldRef;
      gt?: Scalar;
      gte?: Scalar;
      lt?: Scalar;
      lte?: Scalar;
      format?: string;
      timeZone?: string;
      boost: number;
    }
  | { kind: 'exists'; field: FieldRef; boost: number }
  | {
      kind: 'pattern';
      syntax: 'prefix' | 'wildcard' | 'regexp' | 'fuzzy';
      field: FieldRef;
      value: string;
      caseInsensitive: boolean;
      flags?: string;
      maxDeterminizedStates?: number;
      /** For syntax `fuzzy`. */
      fuzzy?: FuzzyOptions;
      boost: number;
    }
  | { kind: 'ids'; values: string[]; boost: number };

/** Matches what any of `clauses` matches; one clause (with no boost of its own) is itself. */
export function anyOf(clauses: Query[], boost = 1): Query {
  if (clauses.length === 1 && boost === 1) return clauses[0];
  return { kind: 'bool', must: [], filter: [], should: clauses, mustNot: [], minimumShouldMatch: 1, boost };
}

export function exactField(name: string): FieldRef {
  return { name, isPattern: false, lenient: false };
}
