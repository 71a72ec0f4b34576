/**
 * The dynamic mapping as one SQLite connection sees it, kept in step with
 * the fields other connections (the writer and request worker threads) map:
 * `PRAGMA data_version` changes when another connection commits, and only
 * then are the new rows of `cdr_fields` read (rows are only ever added:
 * their rowids grow). Cheap enough to call before every use.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { CdrMapping, type FieldType } from '../mapping.js';
import { openCdrDatabase } from './database-file.js';
import { migrate } from './migrations.js';

export interface MappingFollower {
  readonly mapping: CdrMapping;
  /** Learns the fields other connections mapped since the last look. */
  refresh(): void;
}

type FieldRow = { rowid: number; field: string; type: FieldType };

export function followMapping(db: Database.Database): MappingFollower {
  const known = db.prepare('SELECT rowid, field, type FROM cdr_fields').all() as FieldRow[];
  const mapping = new CdrMapping(known.map((row) => [row.field, row.type]));
  const dataVersion = db.prepare('PRAGMA data_version').pluck();
  const newFields = db.prepare('SELECT rowid, field, type FROM cdr_fields WHERE rowid > ?');
  let seenDataVersion = dataVersion.get() as number;
  let seenFieldRowid = known.reduce((max, row) => Math.max(max, row.rowid), 0);
  return {
    mapping,
    refresh(): void {
      const version = dataVersion.get() as number;
      if (version === seenDataVersion) return;
      seenDataVersion = version;
      const added = newFields.all(seenFieldRowid) as FieldRow[];
      if (added.length === 0) return;
      for (const row of added) seenFieldRowid = Math.max(seenFieldRowid, row.rowid);
      mapping.learn(added.map((row) => [row.field, row.type]));
    },
  };
}

/** Every mapped field with its type, as `_mapping` and `_field_caps` show them. */
export function mappedFieldsOf(mapping: CdrMapping): [string, FieldType][] {
  return mapping.fields().map((field): [string, FieldType] => [field, mapping.typeOf(field)!]);
}

/**
 * A connection of its own that only reads the mapping, for a thread whose
 * requests all run elsewhere (the router's, with the CDR worker threads):
 * `_mapping`, `_field_caps` and typed_keys answer from it without a round trip.
 */
export class MappingSnapshot {
  readonly #db: Database.Database;
  readonly #follower: MappingFollower;

  constructor(path: string) {
    mkdirSync(dirname(path), { recursive: true });
    this.#db = openCdrDatabase(path);
    // Opened before the workers: the schema is in place when they start.
    migrate(this.#db);
    this.#follower = followMapping(this.#db);
  }

  mappedFields(): [string, FieldType][] {
    this.#follower.refresh();
    return mappedFieldsOf(this.#follower.mapping);
  }

  close(): void {
    this.#db.close();
  }
}
