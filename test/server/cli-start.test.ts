/**
 * End-to-end through the real command: `callrouter start --config …` as a
 * child process, sipp registering to it, state read back over HTTP, and a
 * graceful SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { account, DOMAIN } from '../support/sip/router.js';
import { freeUdpPort, runSipp } from '../support/sip/sipp.js';
import { runCli } from '../support/cli.js';
import { LogWatcher } from '../support/log-watcher.js';
import { threadsOf } from '../support/worker-threads.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** By URL: the child runs in a scratch folder, where a bare `tsx` would not resolve. */
const TSX = import.meta.resolve('tsx');

test('callrouter start: runs with its configured heap sizes, sipp registers and unregisters, HTTP shows account_state and metrics, SIGTERM stops it cleanly', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-cli-'));
  const config = join(dir, 'callrouter.yaml');
  await writeFile(
    config,
    [
      'sip:',
      '  listen: { address: 127.0.0.1, port: 0 }',
      '  auth: { algorithms: [MD5] }',
      'http: { address: 127.0.0.1, port: 0 }',
      'dataDir: data',
      'process: { heapLimitMB: 200, semiSpaceMB: 2, parallelGC: false }',
      'domains:',
      `  - name: ${DOMAIN}`,
      `    users: [{ id: "101", password: ${account('101').password} }]`,
      '',
    ].join('\n'),
  );
  const created = await runCli(['token', 'create', '--config', config, '--role', 'viewer', '--name', 'cli-start test']);
  assert.equal(created.code, 0, created.stderr);
  const authorized = { headers: { authorization: `Bearer ${created.stdout.trim()}` } };
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'start', '--config', config], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });
  const logs = new LogWatcher(child);

  const sipListening = await logs.next('SIP server listening');
  const started = await logs.next('callrouter started');
  const sipPort = (sipListening.udp as { port: number }).port;
  const http = `http://${started.http}`;
  const stateOf101 = async () => ((await (await fetch(`${http}/users/${DOMAIN}/101`, authorized)).json()) as { account_state: string }).account_state;

  assert.equal(await stateOf101(), 'nonreg');
  const phone = { scenario: 'register.xml', target: { port: sipPort }, accounts: [account('101')], localPort: await freeUdpPort() };
  const registered = await runSipp({ ...phone, keys: { expires: 60 } });
  assert.equal(registered.exitCode, 0, registered.diagnostics);
  assert.equal(await stateOf101(), 'onhook');

  const metrics = await (await fetch(`${http}/metrics`)).text();
  assert.match(metrics, /^callrouter_sip_registered_contacts 1$/m);
  assert.match(metrics, /^callrouter_sip_requests_received_total\{method="REGISTER"\} 2$/m);
  assert.match(metrics, /^callrouter_sip_responses_sent_total\{method="REGISTER",status="401"\} 1$/m);
  assert.match(metrics, /^callrouter_sip_responses_sent_total\{method="REGISTER",status="200"\} 1$/m);
  // start relaunched itself with the configured heap sizes: V8's limit is the old generation's plus the young one's, three semi-spaces.
  const heapLimit = Number(/^callrouter_heap_size_limit_bytes (\d+)$/m.exec(metrics)?.[1]);
  assert.equal(heapLimit, (200 + 3 * 2) * 2 ** 20, `heap limit ${heapLimit}`);
  // CPU by thread: the SIP thread, and the CDR writer's thread under its own name (it starts with the router, and names itself once loaded).
  assert.match(metrics, /^callrouter_thread_cpu_seconds_total\{thread="main"\} [\d.e-]+$/m);
  const writerCpu = /^callrouter_thread_cpu_seconds_total\{thread="cdr-writer"\} [\d.e-]+$/m;
  for (const deadline = Date.now() + 10_000; !writerCpu.test(await (await fetch(`${http}/metrics`)).text()); ) {
    assert.ok(Date.now() < deadline, 'the CDR writer thread shows on /metrics under its name');
    await sleep(100);
  }
  assert.equal((await fetch(`${http}/cdr/_count`)).status, 401, 'the CDR API wants a token');
  const cdrCount = await (await fetch(`${http}/cdr/_count`, authorized)).json();
  assert.deepEqual(cdrCount, { count: 0, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 } }, 'the CDR API is mounted');
  // Work no call waits for — the CDR writer, the API's CDR requests — runs below the SIP thread's priority in the
  // router (the child `start` relaunched with the heap limit).
  const router = Number((await readFile(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8')).trim());
  // It was relaunched with the heap's options, single-threaded collection as configured among them.
  assert.ok((await readFile(`/proc/${router}/cmdline`, 'utf8')).split('\0').includes('--single-threaded-gc'));
  const threads = threadsOf(router);
  const background = Math.min(19, threads.get(router)!.nice + 10);
  const niceOf = (name: string) => [...threads.values()].find((thread) => thread.name === name)?.nice;
  assert.deepEqual({ writer: niceOf('cdr-writer'), requests: niceOf('cdr-requests') }, { writer: background, requests: background });

  const unregistered = await runSipp({ ...phone, keys: { expires: 0 } });
  assert.equal(unregistered.exitCode, 0, unregistered.diagnostics);
  assert.equal(await stateOf101(), 'nonreg');

  // A transaction's log line is written when its final response is sent, not when Timer J ends it 32 s later over UDP.
  const outcome = await logs.next('transaction ended');
  assert.deepEqual({ level: outcome.level, method: outcome.method, status: outcome.status }, { level: 30, method: 'REGISTER', status: 401 });

  child.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 0);
  assert.ok(logs.lines.some((line) => line.msg === 'callrouter stopped'));
});

test('callrouter start on a busy HTTP port exits 2, naming the address and the setting to change', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'callrouter-cli-'));
  const occupant = createServer();
  await new Promise<void>((resolve) => occupant.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    occupant.close();
    await rm(dir, { recursive: true, force: true });
  });
  const busyPort = (occupant.address() as AddressInfo).port;
  const config = join(dir, 'callrouter.yaml');
  await writeFile(
    config,
    ['sip:', '  listen: { address: 127.0.0.1, port: 0 }', `http: { address: 127.0.0.1, port: ${busyPort} }`, 'dataDir: data', 'domains:', `  - name: ${DOMAIN}`, ''].join('\n'),
  );
  const child = spawn(process.execPath, ['--import', TSX, MAIN, 'start', '--config', config], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  assert.equal(code, 2, stderr);
  assert.equal(stderr.trim(), `127.0.0.1:${busyPort} is already in use (another callrouter, SIP server or web server?): choose another with "http" in ${config}`);
});
