/**
 * The "hot" fields that are copied into columns of the cdr table (some of
 * them indexed: ./migrations.ts): times, direction, user, domain and the two
 * number fields (also reversed, so "number ends with …" is a range — an
 * index's for the destination). A hot field takes one value:
 * the writer refuses arrays in it. (Rows written before that rule with
 * several values are marked irregular and checked document by document.)
 */
import type { FieldType, IndexedValue } from '../mapping.js';

export interface HotColumn {
  field: string;
  column: string;
  type: FieldType;
  /** Column holding the value with its code points reversed: suffix searches, and equality (the column itself has no index; dest_rev has). */
  reversed?: string;
  /** The index on the reversed column, when it has one: searches by the number choose it or time (./number-index.ts). */
  reversedIndex?: string;
  /** Few distinct values (direction, domain): never let the planner drive a search by this column. */
  unselective?: boolean;
}

export const HOT_COLUMNS: readonly HotColumn[] = [
  { field: 'Call start time', column: 'start_ms', type: 'date' },
  { field: 'variables.start_stamp', column: 'stamp_ms', type: 'date' },
  { field: 'Call direction', column: 'direction', type: 'keyword', unselective: true },
  { field: 'User ID', column: 'user_id', type: 'keyword' },
  { field: 'Domain name', column: 'domain', type: 'keyword', unselective: true },
  { field: 'Destination number', column: 'dest', type: 'keyword', reversed: 'dest_rev', reversedIndex: 'cdr_dest_rev' },
  { field: 'CallerID number', column: 'caller', type: 'keyword', reversed: 'caller_rev' },
];

const BY_FIELD = new Map(HOT_COLUMNS.map((column) => [column.field, column]));

/** The fields whose values the writer needs (every other field is only checked). */
export const HOT_FIELDS: ReadonlySet<string> = new Set(BY_FIELD.keys());

export function hotColumn(field: string): HotColumn | undefined {
  return BY_FIELD.get(field);
}

/** The column as a WHERE operand: `+column` (SQLite's "do not use an index for this term") when unselective. */
export function filterOperand(hot: HotColumn): string {
  return hot.unselective ? `+${hot.column}` : hot.column;
}

export function reverseCodePoints(text: string): string {
  // Backwards by code unit, keeping a surrogate pair together: what [...text].reverse().join('') gives, without the arrays.
  let reversed = '';
  for (let index = text.length - 1; index >= 0; index--) {
    const unit = text.charCodeAt(index);
    if (unit >= 0xdc00 && unit <= 0xdfff && index > 0) {
      const high = text.charCodeAt(index - 1);
      if (high >= 0xd800 && high <= 0xdbff) {
        reversed += text.slice(index - 1, index + 1);
        index--;
        continue;
      }
    }
    reversed += text[index];
  }
  return reversed;
}

/** The column values of a document whose hot fields hold at most one value each. */
export function hotValues(values: ReadonlyMap<string, IndexedValue[]>): Record<string, IndexedValue | null> {
  const columns: Record<string, IndexedValue | null> = {};
  for (const hot of HOT_COLUMNS) {
    const value = values.get(hot.field)?.[0] ?? null;
    columns[hot.column] = value;
    if (hot.reversed) columns[hot.reversed] = typeof value === 'string' ? reverseCodePoints(value) : null;
  }
  return columns;
}
