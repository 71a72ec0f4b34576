/**
 * Scroll contexts and points in time: named cursors over a search that live
 * for their keep-alive, renewed by each use. A page is the next
 * `search_after` page of the same request, in the request's sort with the
 * index order as the tie-breaker, so no hit is repeated or skipped.
 *
 * Each holds a read snapshot of the store while it lives, so its searches
 * see the data as it was when it opened, as in Elasticsearch (a store kept
 * in memory cannot keep one: there the data is live). A cursor's snapshot
 * closes with it: cleared, or expired (swept every minute and on each use).
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
  /** The store's read snapshot its searches use; none where the store cannot keep one. */
  snapshot?: string;
}

/** Where cursors' snapshots come from (the CDR store). */
export interface SnapshotSource {
  openSnapshot(): Promise<string | undefined>;
  closeSnapshot(id: string): Promise<void>;
}

/**
 * Elasticsearch's search.max_keep_alive is 24 h; a snapshot held that long
 * keeps the store's write-ahead log from being checkpointed, so it is 1 h here.
 */
export const MAX_KEEP_ALIVE_MS = 3_600_000;
const SWEEP_INTERVAL_MS = 60_000;

/** Elasticsearch's refusal of a keep-alive beyond the maximum. */
export function checkKeepAlive(keepAliveMs: number, written: string): number {
  if (keepAliveMs <= MAX_KEEP_ALIVE_MS) return keepAliveMs;
  throw new CdrQueryError(
    'illegal_argument_exception',
    `Keep alive for request (${written}) is too large. It must be less than (1h). This limit can be set by changing the [search.max_keep_alive] cluster level setting.`,
  );
}

/**
 * Open cursors of each kind. Elasticsearch allows 500 scrolls
 * (search.max_open_scroll_context) and 300 points in time
 * (search.max_open_pit_context); each here holds a connection to the store,
 * so 50 of each (the store's own cap on snapshots is their sum).
 */
export const MAX_OPEN_CURSORS = 50;

/** Elasticsearch's refusal of one cursor too many, by kind. */
function tooMany(kind: CursorKind): CdrQueryError {
  if (kind === 'scroll') {
    return new CdrQueryError(
      'exception',
      `Trying to create too many scroll contexts. Must be less than or equal to: [${MAX_OPEN_CURSORS}]. This limit can be set by changing the [search.max_open_scroll_context] setting.`,
      500,
    );
  }
  return new CdrQueryError(
    'es_rejected_execution_exception',
    `Trying to create too many Point In Time contexts. Must be less than or equal to: [${MAX_OPEN_CURSORS}]. This limit can be set by changing the [search.max_open_pit_context] setting.`,
    429,
  );
}

export type CursorKind = 'scroll' | 'pit';

export function contextMissing(id: string): CdrQueryError {
  return new CdrQueryError('search_context_missing_exception', `No search context found for id [${id}]`, 404);
}

export class CursorRegistry {
  readonly #cursors = new Map<string, Cursor>();
  #sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly kind: CursorKind,
    private readonly snapshots?: SnapshotSource,
    private readonly now: () => number = Date.now,
  ) {}

  async open(target: IndexTarget, keepAliveMs: number, fields: Pick<Cursor, 'body' | 'visibleSortValues' | 'response'> = {}): Promise<Cursor> {
    this.#sweep();
    if (this.#cursors.size >= MAX_OPEN_CURSORS) throw tooMany(this.kind);
    const snapshot = await this.snapshots?.openSnapshot();
    const now = this.now();
    const cursor: Cursor = { id: randomBytes(24).toString('base64url'), target, createdAt: now, keepAliveMs, expiresAt: now + keepAliveMs, snapshot, ...fields };
    this.#cursors.set(cursor.id, cursor);
    if (snapshot !== undefined && !this.#sweeper) {
      this.#sweeper = setInterval(() => this.#sweep(), SWEEP_INTERVAL_MS);
      this.#sweeper.unref();
    }
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
    for (const id of closing) this.#forget(id);
    return closing;
  }

  /** Closes every cursor and stops sweeping (the HTTP server is closing). */
  closeAll(): void {
    this.close('all');
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  list(): Cursor[] {
    this.#sweep();
    return [...this.#cursors.values()];
  }

  #sweep(): void {
    const now = this.now();
    for (const [id, cursor] of this.#cursors) if (cursor.expiresAt <= now) this.#forget(id);
  }

  #forget(id: string): void {
    const snapshot = this.#cursors.get(id)?.snapshot;
    this.#cursors.delete(id);
    // Closing a snapshot frees a connection; a failure there leaves nothing for the client to do.
    if (snapshot !== undefined) this.snapshots?.closeSnapshot(snapshot).catch(() => {});
  }
}
