/**
 * Scroll contexts and points in time: named cursors over a search that live
 * for their keep-alive, renewed by each use. A page is the next
 * `search_after` page of the same request, in the request's sort with the
 * index order as the tie-breaker, so no hit is repeated or skipped.
 *
 * Unlike Elasticsearch, neither freezes the data: a CDR written or deleted
 * after the cursor opened may show up in, or drop out of, later pages.
 */
import { randomBytes } from 'node:crypto';
import type { JsonObject } from '../query/errors.js';
import { CdrQueryError } from '../store.js';
import type { IndexTarget } from './indices.js';
import type { ResponseOptions } from './search-params.js';

export interface Cursor {
  readonly id: string;
  readonly target: IndexTarget;
  readonly createdAt: number;
  keepAliveMs: number;
  expiresAt: number;
  /** Scrolls: the request and the sort values of the last hit served. */
  body?: JsonObject;
  after?: unknown[];
  /** Scrolls: how many of a hit's sort values the caller asked for (0: no sort, the hits carry none), and the response's shape. */
  visibleSortValues?: number;
  response?: ResponseOptions;
}

/** Elasticsearch's search.max_open_scroll_context default. */
const MAX_OPEN = 500;

export function contextMissing(id: string): CdrQueryError {
  return new CdrQueryError('search_context_missing_exception', `No search context found for id [${id}]`, 404);
}

export class CursorRegistry {
  readonly #cursors = new Map<string, Cursor>();

  constructor(private readonly now: () => number = Date.now) {}

  open(target: IndexTarget, keepAliveMs: number, fields: Pick<Cursor, 'body' | 'visibleSortValues' | 'response'> = {}): Cursor {
    this.#sweep();
    if (this.#cursors.size >= MAX_OPEN) {
      throw new CdrQueryError(
        'exception',
        `Trying to create too many scroll contexts. Must be less than or equal to: [${MAX_OPEN}]. This limit can be set by changing the [search.max_open_scroll_context] setting.`,
        500,
      );
    }
    const now = this.now();
    const cursor: Cursor = { id: randomBytes(24).toString('base64url'), target, createdAt: now, keepAliveMs, expiresAt: now + keepAliveMs, ...fields };
    this.#cursors.set(cursor.id, cursor);
    return cursor;
  }

  /** The live cursor, its keep-alive renewed (with a new one when given). */
  use(id: string, keepAliveMs?: number): Cursor {
    this.#sweep();
    const cursor = this.#cursors.get(id);
    if (!cursor) throw contextMissing(id);
    if (keepAliveMs !== undefined) cursor.keepAliveMs = keepAliveMs;
    cursor.expiresAt = this.now() + cursor.keepAliveMs;
    return cursor;
  }

  /** Closes the named cursors (or every one for `_all`); returns the ids that were open. */
  close(ids: readonly string[] | 'all'): string[] {
    this.#sweep();
    const closing = ids === 'all' ? [...this.#cursors.keys()] : ids.filter((id) => this.#cursors.has(id));
    for (const id of closing) this.#cursors.delete(id);
    return closing;
  }

  list(): Cursor[] {
    this.#sweep();
    return [...this.#cursors.values()];
  }

  #sweep(): void {
    const now = this.now();
    for (const [id, cursor] of this.#cursors) if (cursor.expiresAt <= now) this.#cursors.delete(id);
  }
}
