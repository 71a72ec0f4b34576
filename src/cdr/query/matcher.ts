/**
 * Evaluates a bound query on one document, as Lucene would: undefined when it
 * does not match, else its score. Scores are constant per clause (boost), summed
 * by bool (dis_max takes the best, boosting demotes); filter and must_not
 * clauses never score.
 */
import type { IndexedValue } from '../mapping.js';
import type { Bound, BoundLimit } from './bound.js';
import { compareValues } from './compare.js';
import type { DocView } from './doc-view.js';

export type Matcher = (doc: DocView) => number | undefined;

export function compileMatcher(bound: Bound): Matcher {
  switch (bound.kind) {
    case 'all':
      return () => bound.boost;
    case 'none':
      return () => undefined;
    case 'constant': {
      const inner = compileMatcher(bound.filter);
      return (doc) => (inner(doc) === undefined ? undefined : bound.boost);
    }
    case 'bool':
      return boolMatcher(bound);
    case 'equals': {
      const fold = (value: IndexedValue) => (bound.caseInsensitive && typeof value === 'string' ? asciiLower(value) : value);
      const wanted = new Set(bound.values.map(fold));
      return scored(bound.boost, (doc) => doc.values(bound.field).some((value) => wanted.has(fold(value))));
    }
    case 'range':
      return scored(bound.boost, (doc) => doc.values(bound.field).some((value) => within(value, bound.lower, bound.upper)));
    case 'exists':
      return scored(bound.boost, (doc) => bound.fields.some((field) => doc.values(field).length > 0));
    case 'pattern':
      return scored(bound.boost, (doc) => doc.values(bound.field).some((value) => bound.pattern.test(value as string)));
    case 'ids':
      return scored(bound.boost, (doc) => bound.values.has(doc.id));
  }
}

function scored(boost: number, test: (doc: DocView) => boolean): Matcher {
  return (doc) => (test(doc) ? boost : undefined);
}

function asciiLower(value: string): string {
  return value.replace(/[A-Z]/g, (char) => char.toLowerCase());
}

function within(value: IndexedValue, lower: BoundLimit | undefined, upper: BoundLimit | undefined): boolean {
  if (lower) {
    const order = compareValues(value, lower.value);
    if (order < 0 || (order === 0 && !lower.inclusive)) return false;
  }
  if (upper) {
    const order = compareValues(value, upper.value);
    if (order > 0 || (order === 0 && !upper.inclusive)) return false;
  }
  return true;
}

function boolMatcher(bound: Extract<Bound, { kind: 'bool' }>): Matcher {
  const must = bound.must.map(compileMatcher);
  const filter = bound.filter.map(compileMatcher);
  const should = bound.should.map(compileMatcher);
  const mustNot = bound.mustNot.map(compileMatcher);
  const scoring = bound.scoring;
  const negative = scoring?.kind === 'demote' ? compileMatcher(scoring.negative) : undefined;
  return (doc) => {
    let score = 0;
    let best = 0;
    for (const clause of must) {
      const clauseScore = clause(doc);
      if (clauseScore === undefined) return undefined;
      score += clauseScore;
      best = Math.max(best, clauseScore);
    }
    for (const clause of filter) if (clause(doc) === undefined) return undefined;
    for (const clause of mustNot) if (clause(doc) !== undefined) return undefined;
    let matched = 0;
    for (const clause of should) {
      const clauseScore = clause(doc);
      if (clauseScore === undefined) continue;
      matched++;
      score += clauseScore;
      best = Math.max(best, clauseScore);
    }
    if (matched < bound.minimumShouldMatch) return undefined;
    if (scoring?.kind === 'max') score = best + scoring.tieBreaker * (score - best);
    else if (scoring?.kind === 'demote' && negative!(doc) !== undefined) score *= scoring.factor;
    return score * bound.boost;
  };
}
