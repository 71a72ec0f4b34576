/**
 * Hostile CDR requests against the running router (its own process): each
 * gets an Elasticsearch-shaped error, and all the while a SIP OPTIONS probe
 * sent every 100 ms is answered — the SIP event loop never waits for a
 * search, an aggregation or a bulk body.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DOMAIN } from '../support/sip/router.js';
import { startOptionsProbe } from '../support/sip/options-probe.js';
import { runCliHere } from '../support/cli.js';
import { LogWatcher } from '../support/log-watcher.js';
import { bulkLines, HEAVY_SEARCH, hostileRequests, ndjson } from '../support/cdr/hostile-requests.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const PROBE_INTERVAL_MS = 100;
/**
 * How late an answer may be. Each hostile request here kept the SIP thread
 * for seconds before it ran elsewhere; on a quiet machine every probe is
 * answered within a few ms, but the test machine is shared and a loaded
 * scheduler can hold any process for a few hundred ms.
 */
const LATE_AFTER_MS = 10 * PROBE_INTERVAL_MS;

/** A smaller bulk limit than the default keeps the test short; the limits are configuration. */
const MAX_BULK_ACTIONS = 3_000;

test('hostile CDR requests get Elasticsearch errors while SIP keeps answering', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-hostile-'));
  const config = join(dir, 'callrouter.json');
  await writeFile(
    config,
    JSON.stringify({
      sip: { listen: { address: '127.0.0.1', port: 0 }, transports: ['udp'] },
      http: { address: '127.0.0.1', port: 0 },
      dataDir: 'data',
      cdr: { limits: { maxBulkActions: MAX_BULK_ACTIONS } },
      domains: [{ name: DOMAIN }],
    }),
  );
  const created = await runCliHere(['token', 'create', '--config', config, '--role', 'admin', '--name', 'hostile-requests test']);
  assert.equal(created.code, 0, created.stderr);
  const token = created.stdout.trim();
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'start', '--config', config], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  const logs = new LogWatcher(child);
  const sipPort = ((await logs.next('SIP server listening')).udp as { port: number }).port;
  const http = `http://${(await logs.next('callrouter started')).http}`;
  const post = async (path: string, body: string, contentType = 'application/json') => {
    const response = await fetch(`${http}${path}`, { method: 'POST', headers: { 'content-type': contentType, authorization: `Bearer ${token}` }, body });
    return { status: response.status, body: (await response.json()) as { error?: { type: string; reason: string; root_cause: unknown[] }; errors?: boolean } };
  };

  const now = new Date();
  const seed = bulkLines(MAX_BULK_ACTIONS, now, 3);
  const probe = await startOptionsProbe({ host: '127.0.0.1', port: sipPort }, PROBE_INTERVAL_MS);

  // A bulk at the limit is written (on a worker thread), not refused.
  const accepted = await post('/cdr/_bulk', ndjson(seed), 'application/x-ndjson');
  assert.equal(accepted.status, 200);
  assert.equal(accepted.body.errors, false);

  for (const { what, path, body, type } of hostileRequests(MAX_BULK_ACTIONS, now)) {
    const response = await post(path, body, path.endsWith('_bulk') ? 'application/x-ndjson' : 'application/json');
    assert.equal(response.status, 400, `${what}: ${JSON.stringify(response.body).slice(0, 400)}`);
    assert.equal(response.body.error?.type, type, `${what}: ${JSON.stringify(response.body).slice(0, 300)}`);
    assert.deepEqual(response.body.error?.root_cause, [{ type, reason: response.body.error?.reason }], what);
  }
  // A legitimate but heavy request: every document checked, then aggregated.
  const heavy = await post('/cdr/_search', HEAVY_SEARCH);
  assert.equal(heavy.status, 200);

  const probes = await probe.stop();
  assert.ok(probes.length >= 5, `only ${probes.length} probes were sent`);
  // A probe read late while this test's own process was held up tells about the machine, not the router.
  const stalledHere = (sent: (typeof probes)[number]) => probe.ownStalls.some(([from, to]) => from < sent.answeredAt! && to > sent.sentAt);
  const late = probes.filter((sent) => sent.status !== 200 || sent.answeredAt === undefined || (sent.answeredAt - sent.sentAt >= LATE_AFTER_MS && !stalledHere(sent)));
  assert.deepEqual(late, [], `${late.length} of ${probes.length} OPTIONS probes were not answered within ${LATE_AFTER_MS} ms`);

  child.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0);
});
