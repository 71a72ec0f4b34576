/**
 * A large CDR store made fast, for measuring what happens at its size: a
 * few thousand documents of bench:cdr's dataset go through the real store,
 * then their rows are copied straight into the table — each copy another
 * customer (the national number changed in the document and its columns
 * alike), so the number indexes grow as real data would make them — with
 * the secondary indexes built once at the end. Searches over the result
 * answer as they would over the same documents written one by one.
 */
import Database from 'better-sqlite3';
import { reverseCodePoints } from '../../src/cdr/sqlite/hot-columns.js';
import { openSqliteCdrStore } from '../../src/cdr/sqlite/store.js';
import { customerNumber, documentsOf, generateLegs, random, type Population } from '../../test/support/cdr/dataset.js';

const TEMPLATES = 10_000;
const COPY_CHUNK = 100_000;

interface TemplateRow {
  [column: string]: unknown;
  id: string;
  source: string;
}

/** Writes `count` CDRs (30 days before `now`) into a new store at `path`; returns when it is closed. */
export async function preloadCdrStore(path: string, count: number, now: Date, population: Population): Promise<void> {
  const store = openSqliteCdrStore({ path, flushEachWrite: false });
  const templates = Math.min(TEMPLATES, count);
  await store.index(documentsOf(generateLegs(templates, now, 30, 1_000_001, population)));
  await store.close();

  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const indexes = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'cdr' AND sql IS NOT NULL").all() as { name: string; sql: string }[];
  for (const index of indexes) db.exec(`DROP INDEX ${index.name}`);
  const rows = db.prepare('SELECT * FROM cdr').all() as TemplateRow[];
  const columns = Object.keys(rows[0]).filter((column) => column !== 'seq');
  const insert = db.prepare(`INSERT INTO cdr (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const next = random(7);
  let written = templates;
  while (written < count) {
    const chunk = Math.min(COPY_CHUNK, count - written);
    db.transaction(() => {
      for (let index = 0; index < chunk; index++) {
        const copy = { ...rows[(written + index) % rows.length] };
        copy.id = `${copy.id}-${written + index}`;
        const national = /5\d{8}/.exec(String(copy.customer ?? copy.dest ?? ''))?.[0] ?? /5\d{8}/.exec(String(copy.caller ?? ''))?.[0];
        if (national) {
          const replacement = customerNumber(Math.floor(next() * population.customers));
          const swap = (value: unknown) => (typeof value === 'string' ? value.replaceAll(national, replacement) : value);
          for (const column of ['source', 'customer', 'dest', 'caller']) copy[column] = swap(copy[column]);
          copy.dest_rev = typeof copy.dest === 'string' ? reverseCodePoints(copy.dest) : null;
          copy.caller_rev = typeof copy.caller === 'string' ? reverseCodePoints(copy.caller) : null;
        }
        insert.run(columns.map((column) => copy[column]));
      }
    })();
    written += chunk;
    process.stderr.write(`\rpreloading… ${written.toLocaleString('en-US')}`);
  }
  process.stderr.write('\n');
  for (const index of indexes) db.exec(index.sql);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}
