/**
 * Authentication blocks kept in the state database, so a restart does not
 * give guessers a fresh start (`auth_blocks`: kind of limit, key, until).
 */
import type { StateDatabase } from '../../state-database.js';
import type { LimitKind } from './authenticator.js';
import type { Block, BlockStore } from './failure-limiter.js';

export function sqliteBlockStores(db: StateDatabase): Record<LimitKind, BlockStore> {
  db.exec('CREATE TABLE IF NOT EXISTS auth_blocks (kind TEXT NOT NULL, key TEXT NOT NULL, until INTEGER NOT NULL, PRIMARY KEY (kind, key)) WITHOUT ROWID');
  const active = db.prepare('SELECT key, until FROM auth_blocks WHERE kind = ? AND until > ?');
  const save = db.prepare('INSERT INTO auth_blocks (kind, key, until) VALUES (?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET until = excluded.until');
  const prune = db.prepare('DELETE FROM auth_blocks WHERE kind = ? AND until <= ?');
  const store = (kind: LimitKind): BlockStore => ({
    active: (now) => active.all(kind, now) as Block[],
    save: (block) => void save.run(kind, block.key, block.until),
    prune: (now) => void prune.run(kind, now),
  });
  return { source: store('source'), 'user-at-source': store('user-at-source'), user: store('user') };
}
