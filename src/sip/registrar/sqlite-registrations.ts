/**
 * Registrations kept in the state database (`registrations`), so a restart
 * restores every phone's bindings with the expiry they had. A TCP binding
 * comes back without its connection (that died with the process): the phone
 * is reached at its address until it connects again.
 */
import type { Logger } from 'pino';
import { formatNameAddr, parseContact } from '../message/index.js';
import { BatchedWrites, type StateDatabase } from '../../state-database.js';
import type { Source } from '../transport/index.js';
import type { RegistrationStore, UserBinding } from './bindings.js';

interface Row {
  domain: string;
  user: string;
  key: string;
  contact: string;
  call_id: string;
  cseq: number;
  expires_at: number;
  source: string;
}

export class SqliteRegistrations implements RegistrationStore {
  readonly #writes: BatchedWrites;
  readonly #logger: Logger | undefined;
  readonly #select;
  readonly #upsert;
  readonly #delete;
  readonly #deleteExpired;

  constructor(db: StateDatabase, logger?: Logger) {
    db.exec(`CREATE TABLE IF NOT EXISTS registrations (
      domain TEXT NOT NULL, user TEXT NOT NULL, key TEXT NOT NULL,
      contact TEXT NOT NULL, call_id TEXT NOT NULL, cseq INTEGER NOT NULL, expires_at INTEGER NOT NULL, source TEXT NOT NULL,
      PRIMARY KEY (domain, user, key)) WITHOUT ROWID`);
    this.#logger = logger;
    this.#writes = new BatchedWrites(db, (error) => logger?.error({ err: error }, 'registrations could not be saved'));
    this.#select = db.prepare('SELECT domain, user, key, contact, call_id, cseq, expires_at, source FROM registrations WHERE expires_at > ?');
    this.#deleteExpired = db.prepare('DELETE FROM registrations WHERE expires_at <= ?');
    this.#upsert = db.prepare(`INSERT INTO registrations (domain, user, key, contact, call_id, cseq, expires_at, source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (domain, user, key) DO UPDATE SET contact = excluded.contact, call_id = excluded.call_id, cseq = excluded.cseq,
      expires_at = excluded.expires_at, source = excluded.source`);
    this.#delete = db.prepare('DELETE FROM registrations WHERE domain = ? AND user = ? AND key = ?');
  }

  load(now: number): UserBinding[] {
    this.#deleteExpired.run(now);
    const bindings: UserBinding[] = [];
    for (const row of this.#select.all(now) as Row[]) {
      const contact = parseContact(row.contact);
      if (!contact.ok || contact.value === '*') {
        this.#logger?.warn({ domain: row.domain, user: row.user, contact: row.contact }, 'a saved registration does not parse: dropped');
        continue;
      }
      const { transport, address, port } = JSON.parse(row.source) as Source;
      bindings.push({
        domain: row.domain,
        user: row.user,
        binding: {
          contact: formatNameAddr(contact.value),
          key: row.key,
          callId: row.call_id,
          cseq: row.cseq,
          expiresAt: row.expires_at,
          source: { transport, address, port },
        },
      });
    }
    return bindings;
  }

  put({ domain, user, binding }: UserBinding): void {
    const { transport, address, port } = binding.source;
    const row = [domain, user, binding.key, binding.contact, binding.callId, binding.cseq, binding.expiresAt, JSON.stringify({ transport, address, port })];
    this.#writes.add(() => this.#upsert.run(...row));
  }

  remove(domain: string, user: string, key: string): void {
    this.#writes.add(() => this.#delete.run(domain, user, key));
  }

  flush(): void {
    this.#writes.flush();
  }
}
