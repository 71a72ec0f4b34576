/**
 * End-to-end: `kill -9` during a call, then a restart. The call in progress
 * gets its CDRs (both legs) with hangup cause CRASH, and the registration
 * the crashed process held is there again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pino from 'pino';
import { startRouter } from '../../src/server/router.js';
import { INTERNAL_SCHEMA, phoneAnswers, stopAll, type BackgroundSipp } from '../support/sip/calls.js';
import { account, DOMAIN } from '../support/sip/router.js';
import { freeUdpPort, runSipp, startSipp } from '../support/sip/sipp.js';
import { bindingUri } from '../../src/sip/registrar/index.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** Polls the crashed-to-be router's journal until both legs of the call are written as answered. */
async function journalShowsAnsweredLegs(statePath: string, legs: number): Promise<void> {
  for (let tries = 0; tries < 200; tries++) {
    try {
      const db = new Database(statePath, { readonly: true, fileMustExist: true });
      try {
        const row = db.prepare("SELECT count(*) AS n FROM open_legs WHERE json_extract(leg, '$.answerTime') IS NOT NULL").get() as { n: number };
        if (row.n >= legs) return;
      } finally {
        db.close();
      }
    } catch {
      // Not created yet.
    }
    await sleep(100);
  }
  assert.fail(`the journal never showed ${legs} answered legs`);
}

test('kill -9 during a call: at restart each leg gets its CDR with hangup cause CRASH, and registrations are back', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-crash-'));
  const config = join(dir, 'callrouter.json');
  await writeFile(
    config,
    JSON.stringify({
      sip: { listen: { address: '127.0.0.1', port: 0 }, auth: { algorithms: ['MD5'] } },
      http: { address: '127.0.0.1', port: 0 },
      dataDir: 'data',
      domains: [
        {
          name: DOMAIN,
          users: ['101', '102'].map((id) => ({ id, password: account(id).password })),
          routes: { default: [{ name: 'internal', pattern: '^\\d{3}$', schema: INTERNAL_SCHEMA }] },
        },
      ],
    }),
  );
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'start', '--config', config], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const sipps: BackgroundSipp[] = [];
  t.after(async () => {
    stopAll(sipps);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  const listening = await new Promise<{ udp: { port: number } }>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.includes('"SIP server listening"')) resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`callrouter exited (${code}) before listening`)));
  });
  const port = listening.udp.port;

  const phonePort = await freeUdpPort();
  const registered = await runSipp({ scenario: 'register.xml', target: { port }, accounts: [account('102')], keys: { expires: 600 }, localPort: phonePort });
  assert.equal(registered.exitCode, 0, registered.diagnostics);
  sipps.push(await phoneAnswers({ user: '102', port: phonePort }, 'answer-uas.xml', { timeoutSeconds: 60 }));
  sipps.push(startSipp({ scenario: 'call-uac.xml', target: { port }, accounts: [account('101')], keys: { dialled: '102' }, pauseMs: 60_000, timeoutSeconds: 60 }));
  await journalShowsAnsweredLegs(join(dir, 'data', 'state.sqlite'), 2);

  const killed = once(child, 'exit');
  child.kill('SIGKILL');
  assert.deepEqual(await killed, [null, 'SIGKILL']);
  stopAll(sipps);

  const router = await startRouter(config, pino({ level: 'silent' }));
  try {
    const response = await router.cdrStore.search({ query: { term: { 'Hangup cause': 'CRASH' } }, size: 10 });
    const legs = response.hits.hits.map((hit) => hit._source ?? {});
    assert.deepEqual(legs.map((leg) => leg['User ID']).sort(), ['101', '102'], 'a CDR for each leg of the call');
    for (const leg of legs) {
      assert.equal(leg.Answered, true);
      assert.equal(leg['Call direction'], 'internal');
    }
    assert.equal(bindingUri(router.sip.contacts(DOMAIN, '102')[0]).port, phonePort, 'the registration survived the crash');
    const again = await router.cdrStore.search({ query: { term: { 'Hangup cause': 'CRASH' } } });
    assert.equal(again.hits.hits.length, 2);
  } finally {
    await router.stop();
  }
  const restartedAgain = await startRouter(config, pino({ level: 'silent' }));
  try {
    const response = await restartedAgain.cdrStore.search({ query: { term: { 'Hangup cause': 'CRASH' } } });
    assert.equal(response.hits.hits.length, 2, 'the journal forgot the legs once their CDRs were written: no duplicates');
  } finally {
    await restartedAgain.stop();
  }
});
