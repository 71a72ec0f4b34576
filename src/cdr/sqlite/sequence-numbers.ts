/**
 * Elasticsearch's `_seq_no`: every write to the index (index, create,
 * update, delete) takes the next number of one sequence that only grows,
 * kept in `cdr_sequence`. Numbers are handed out in memory inside a write
 * transaction — read once when it first needs one, written back once before
 * it commits — so a batch of thousands costs two statements, not one each.
 * A write transaction holds SQLite's write lock, so no other connection
 * takes numbers meanwhile.
 */
import type Database from 'better-sqlite3';

export class SequenceNumbers {
  readonly #read: Database.Statement;
  readonly #write: Database.Statement;
  #open = false;
  /** The last number taken in this transaction; undefined until the first. */
  #last: number | undefined;

  constructor(db: Database.Database) {
    this.#read = db.prepare('SELECT last FROM cdr_sequence WHERE id = 1').pluck();
    this.#write = db.prepare('UPDATE cdr_sequence SET last = ? WHERE id = 1');
  }

  /** Runs `write` inside the caller's write transaction, and keeps the numbers it took. */
  within<T>(write: () => T): T {
    this.begin();
    try {
      const result = write();
      this.save();
      return result;
    } finally {
      this.end();
    }
  }

  /** A write transaction began (hold the lock before: BEGIN IMMEDIATE). */
  begin(): void {
    this.#open = true;
    this.#last = undefined;
  }

  next(): number {
    if (!this.#open) throw new Error('sequence numbers are taken inside a write transaction');
    this.#last = (this.#last ?? (this.#read.get() as number)) + 1;
    return this.#last;
  }

  /** Writes the numbers taken back; call before the transaction commits. */
  save(): void {
    if (this.#last !== undefined) this.#write.run(this.#last);
  }

  /** The transaction is over (committed or rolled back): numbers not saved are forgotten with it. */
  end(): void {
    this.#open = false;
    this.#last = undefined;
  }
}
