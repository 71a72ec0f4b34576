/** indices.query.bool.max_clause_count over a whole query tree, parsed or bound (field expansion included). */
import { tooManyClauses } from '../limits.js';
import type { Query } from './ast.js';
import type { Bound } from './bound.js';

/** Counts the leaf clauses of the tree without recursion; throws too_many_nested_clauses past the limit. */
export function checkClauseCount(root: Query | Bound, limit: number): void {
  let count = 0;
  const pending: (Query | Bound)[] = [root];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (node.kind === 'bool') {
      for (const list of [node.must, node.filter, node.should, node.mustNot] as (Query | Bound)[][]) for (const clause of list) pending.push(clause);
      if (node.scoring?.kind === 'demote') pending.push(node.scoring.negative);
    } else if (node.kind === 'constant_score' || node.kind === 'constant') {
      pending.push(node.filter);
    } else if (++count > limit) {
      throw tooManyClauses(limit);
    }
  }
}
