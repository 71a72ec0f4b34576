import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { AccountError, AccountStore } from './account-store.js';
import { ADMIN_DATABASE_FILE } from './admin-database.js';
import { SignInThrottle } from './sign-in-throttle.js';

test('accounts: only a scrypt hash of the password is kept; sessions end at sign-out and expiry', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-accounts-'));
  const store = AccountStore.openInDataDir(dir);
  try {
    await store.create({ username: 'ann', password: 'correct horse battery', role: 'domain-admin', domain: 'example.com' });
    await assert.rejects(store.create({ username: 'ann', password: 'another password', role: 'admin' }), AccountError);
    await assert.rejects(store.create({ username: 'bob', password: 'short', role: 'admin' }), /at least 10 characters/);
    await assert.rejects(store.create({ username: 'bob', password: 'long enough pw', role: 'domain-admin' }), /needs a domain/);
    const file = await readFile(join(dir, ADMIN_DATABASE_FILE)).catch(() => Buffer.alloc(0));
    const wal = await readFile(join(dir, `${ADMIN_DATABASE_FILE}-wal`)).catch(() => Buffer.alloc(0));
    assert.ok(!Buffer.concat([file, wal]).includes('correct horse battery'), 'the password is not in the database');
    assert.ok(Buffer.concat([file, wal]).includes('scrypt$32768$8$1$'), 'a scrypt hash with its parameters is');

    assert.equal(await store.authenticate('ann', 'wrong password!'), undefined);
    assert.equal(await store.authenticate('nobody', 'correct horse battery'), undefined);
    const ann = await store.authenticate('ann', 'correct horse battery');
    assert.equal(ann?.role, 'domain-admin');

    const now = Date.parse('2026-12-05T10:00:00Z');
    const session = store.startSession(ann!, now);
    assert.deepEqual(store.verifySession(session.secret, now + 1000)?.principal, { tokenId: 'account:ann', name: 'ann', role: 'domain-admin', account: 'ann', domain: 'example.com' });
    assert.equal(store.verifySession(session.secret, now + 13 * 3_600_000), undefined, 'expired after 12 hours');
    store.endSession(session.secret);
    assert.equal(store.verifySession(session.secret, now + 1000), undefined);
    const again = store.startSession(ann!, now);
    assert.ok(store.delete('ann'));
    assert.equal(store.verifySession(again.secret, now + 1000), undefined, "a deleted account's sessions end");
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('sign-in throttle: failures count per username and per source address', () => {
  const limits = { maxFailures: 2, windowMs: 60_000, blockMs: 60_000 };
  const throttle = new SignInThrottle({ perUsername: limits, perSource: { ...limits, maxFailures: 3 } });
  throttle.failed('ann', '10.0.0.1');
  assert.equal(throttle.refusal('ann', '10.0.0.1'), undefined);
  throttle.failed('ann', '10.0.0.2');
  assert.equal(throttle.refusal('ann', '10.0.0.3'), 60, 'the username is blocked from every address');
  throttle.failed('bob', '10.0.0.9');
  throttle.failed('carol', '10.0.0.9');
  assert.equal(throttle.refusal('dave', '10.0.0.9'), undefined);
  throttle.failed('dave', '10.0.0.9');
  assert.equal(throttle.refusal('erin', '10.0.0.9'), 60, 'the address is blocked for every username');
  assert.equal(throttle.refusal('erin', '10.0.0.8'), undefined);
});
