import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { appRegistry } from '../../apps/registry.js';
import { SchemaLoader } from '../../engine/compile.js';
import { RevisionConflictError, type Actor } from './config-store.js';
import { Configuration } from './configuration.js';
import { SqliteConfigStore } from './sqlite-config-store.js';

const ACTOR: Actor = { kind: 'cli', id: 'test', name: 'test' };
const FILE = [{ name: 'a.example', users: [{ id: '101', password: 'secret-101' }] }];

test('two routers on one store: the second one\'s stale change is refused, after which it runs the newer revision and can redo it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-config-'));
  const stores = [SqliteConfigStore.openInDataDir(dir), SqliteConfigStore.openInDataDir(dir)];
  try {
    const loader = new SchemaLoader(appRegistry);
    const first = (await Configuration.open({ store: stores[0], loader, fileDomains: FILE, fromFile: false })).configuration;
    const opened = await Configuration.open({ store: stores[1], loader, fileDomains: FILE, fromFile: false });
    assert.equal(opened.imported, false, 'the second found the first one\'s import');
    assert.equal(opened.fileDiffers, false);
    const second = opened.configuration;

    const addUser = (id: string) => ({
      actor: ACTOR,
      action: 'create' as const,
      object: `domains/a.example/users/${id}`,
      domain: 'a.example',
      edit: (domains: Configuration['current']['domains']) => domains.map((domain) => ({ ...domain, users: [...domain.users, { id, password: `secret-${id}` }] })),
    });
    const applied: number[] = [];
    second.onChange((running) => void applied.push(running.revision));

    assert.equal((await first.change(addUser('102'))).ok, true);
    await assert.rejects(second.change(addUser('103')), RevisionConflictError);
    assert.deepEqual(applied, [2], 'the refusal made the second take revision 2');
    const redone = await second.change(addUser('103'));
    assert.ok(redone.ok);
    assert.deepEqual(redone.configuration.domains[0].users.map((user) => user.id), ['101', '102', '103']);
    assert.equal(redone.configuration.objectRevisions.get('domains/a.example/users/102'), 2);
    assert.equal(redone.configuration.objectRevisions.get('domains/a.example/users/103'), 3);
    assert.equal(redone.configuration.objectRevisions.get('domains/a.example/users/101'), 1);

    const invalid = await first.change({ ...addUser('bad id!'), object: 'x' });
    assert.equal(invalid.ok, false);
    assert.equal((await stores[0].latest())?.revision, 3, 'nothing that does not validate is stored');
    const audit = await stores[0].audit({ limit: 10 });
    assert.deepEqual(audit.map((entry) => [entry.action, entry.revisionBefore, entry.revisionAfter]), [['create', 2, 3], ['create', 1, 2], ['import', 0, 1]]);
  } finally {
    for (const store of stores) await store.close();
    await rm(dir, { recursive: true, force: true });
  }
});
