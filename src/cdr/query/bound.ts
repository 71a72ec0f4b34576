/**
 * A query bound to the mapping and to "now": concrete fields with their
 * types, values converted to indexed values, date math evaluated, patterns
 * compiled. Both the document matcher and the SQL filter read this form.
 */
import type { FieldType, IndexedValue } from '../mapping.js';
import type { ScoreMode } from './ast.js';
import type { CompiledPattern } from './pattern.js';

export interface BoundLimit {
  value: IndexedValue;
  inclusive: boolean;
}

export type Bound =
  | { kind: 'all'; boost: number }
  | { kind: 'none' }
  | { kind: 'bool'; must: Bound[]; filter: Bound[]; should: Bound[]; mustNot: Bound[]; minimumShouldMatch: number; boost: number; scoring?: ScoreMode<Bound> }
  | { kind: 'constant'; filter: Bound; boost: number }
  /** Any indexed value of the field equals one of `values` (ASCII case folded when caseInsensitive). */
  | { kind: 'equals'; field: string; type: FieldType; values: IndexedValue[]; caseInsensitive: boolean; boost: number }
  | { kind: 'range'; field: string; type: FieldType; lower?: BoundLimit; upper?: BoundLimit; boost: number }
  | { kind: 'exists'; fields: string[]; boost: number }
  | { kind: 'pattern'; field: string; pattern: CompiledPattern; boost: number }
  | { kind: 'ids'; values: ReadonlySet<string>; boost: number };
