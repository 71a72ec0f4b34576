import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { ADMIN_DATABASE_FILE, TokenError, TokenStore } from './token-store.js';

async function withStore(body: (store: TokenStore, dir: string) => Promise<void> | void): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-tokens-'));
  const store = TokenStore.openInDataDir(dir);
  try {
    await body(store, dir);
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('a token is random, verified by its SHA-256 only, and its secret is nowhere in the database', () =>
  withStore(async (store, dir) => {
    const first = store.create({ role: 'viewer', name: 'grafana' });
    const second = store.create({ role: 'viewer', name: 'grafana' });
    assert.notEqual(first.token, second.token);
    assert.notEqual(first.record.id, second.record.id);
    assert.deepEqual(store.verify(first.token), { tokenId: first.record.id, name: 'grafana', role: 'viewer' });
    assert.equal(store.verify(first.token.slice(0, -1)), undefined);
    assert.equal(store.verify(''), undefined);

    const raw = new Database(join(dir, ADMIN_DATABASE_FILE), { readonly: true });
    const hashes = raw.prepare('SELECT secret_sha256 FROM api_token ORDER BY rowid').all() as { secret_sha256: Buffer }[];
    raw.close();
    assert.deepEqual(hashes[0].secret_sha256, createHash('sha256').update(first.token).digest());
    const files = await Promise.all(['', '-wal'].map((suffix) => readFile(join(dir, ADMIN_DATABASE_FILE + suffix)).catch(() => Buffer.alloc(0))));
    for (const bytes of files) assert.equal(bytes.includes(first.token), false);
  }));

test('domain-admin tokens carry their domain; other roles may not have one', () =>
  withStore((store) => {
    const scoped = store.create({ role: 'domain-admin', domain: 'sales.example', name: 'supervisor' });
    assert.equal(store.verify(scoped.token)?.domain, 'sales.example');
    assert.throws(() => store.create({ role: 'domain-admin', name: 'x' }), TokenError);
    assert.throws(() => store.create({ role: 'admin', domain: 'sales.example', name: 'x' }), TokenError);
    assert.throws(() => store.create({ role: 'admin', name: '  ' }), /needs a name/);
  }));

test('revoked tokens are refused at once, listed as revoked, and cannot be revoked twice', () =>
  withStore((store) => {
    const { token, record } = store.create({ role: 'admin', name: 'ops' });
    assert.equal(store.hasLiveTokens(), true);
    assert.equal(store.revoke(record.id, new Date('2026-12-01T00:00:00Z')), true);
    assert.equal(store.verify(token), undefined);
    assert.equal(store.revoke(record.id), false);
    assert.equal(store.hasLiveTokens(), false);
    assert.deepEqual(store.list(), [{ ...record, revokedAt: '2026-12-01T00:00:00.000Z' }]);
  }));
