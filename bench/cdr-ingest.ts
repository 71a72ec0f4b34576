/**
 * `npm run bench:cdr-ingest`: CDR ingest into a large store, through the two
 * ways CDRs come in from outside, each as its own process as users run it:
 * `callrouter cdr import` of an NDJSON file, and HTTP `_bulk` requests of
 * BULK documents (one after another, each answered after its commit) to
 * `callrouter cdr serve`. The store first holds PRELOAD CDRs of bench:cdr's
 * dataset, loaded fast (./support/cdr-preload.ts); then INGEST more are
 * timed through each path (default: from 900,000 to 1,000,000). Then the
 * seed query's p50/p99 on the store the `_bulk` run filled. Runs compiled
 * code (dist/, built by the npm script).
 *
 * BASELINE=<another checkout, built>: the same steps for that build too, its
 * store preloaded by its own code, the two builds taking turns ROUNDS times
 * (default 1), so both meet the same load from other work on the machine.
 * PATHS=import or PATHS=bulk times one way in only. CPU per document is
 * given for the whole process and by thread.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { threadCpuOf, type ThreadCpu } from '../src/thread-cpu.js';
import { documentsOf, DOMAIN, generateLegs, seedRequests } from '../test/support/cdr/dataset.js';

const PRELOAD = Number(process.env.PRELOAD ?? 900_000);
const INGEST = Number(process.env.INGEST ?? 100_000);
const BULK = Number(process.env.BULK ?? 5_000);
const QUERIES = Number(process.env.QUERIES ?? 20_000);
const ROUNDS = Number(process.env.ROUNDS ?? 1);
/** Which ways in to time: `import`, `bulk` or both (comma-separated; the seed query runs with `bulk`). */
const PATHS = new Set((process.env.PATHS ?? 'import,bulk').split(','));
const POPULATION = { agents: 200, customers: 100_000 };
const NOW = new Date('2026-11-24T12:00:00Z');
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const load = () => loadavg()[0].toFixed(1);

const perDocument = (cpuSeconds: number) => ((cpuSeconds * 1e6) / INGEST).toFixed(0);

/** A checkout whose compiled CLI and store code are measured. */
interface Build {
  name: string;
  root: string;
  cli: string;
  preloaded: string;
}

/** A running process's user + system CPU seconds, all its threads (Linux). */
function cpuSecondsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds by thread of a running process, sampled every SAMPLE_MS until stopped: a worker thread's own figure
 * is gone once it ends, so its last sample stands for it (at most one interval short). Labelled as the router's
 * /metrics labels them (src/thread-cpu.ts).
 */
function sampleThreadCpu(pid: number): () => Map<string, number> {
  const lastByThread = new Map<string, ThreadCpu>();
  const sample = () => {
    for (const thread of threadCpuOf(pid) ?? []) lastByThread.set(thread.tid, thread);
  };
  sample();
  const before = new Map([...lastByThread].map(([tid, { seconds }]) => [tid, seconds]));
  const timer = setInterval(sample, SAMPLE_MS);
  return () => {
    clearInterval(timer);
    sample();
    const seconds = new Map<string, number>();
    for (const [tid, { label, seconds: now }] of lastByThread) seconds.set(label, (seconds.get(label) ?? 0) + now - (before.get(tid) ?? 0));
    return seconds;
  };
}
const SAMPLE_MS = 50;

/** µs of CPU per document by thread, the busiest first. */
function byThread(seconds: Map<string, number>): string {
  return [...seconds].filter(([, cpu]) => cpu > 0).sort((a, b) => b[1] - a[1]).map(([label, cpu]) => `${label} ${perDocument(cpu)}`).join(', ');
}

const directory = mkdtempSync(join(tmpdir(), 'callrouter-bench-cdr-ingest-'));
const roots = [['this', resolve(import.meta.dirname, '..')], ...(process.env.BASELINE ? [['baseline', resolve(process.env.BASELINE)]] : [])];
const builds: Build[] = [];
for (const [name, root] of roots) {
  const build = { name, root, cli: join(root, 'bin', 'callrouter.js'), preloaded: join(directory, `${name}.sqlite`) };
  const started = performance.now();
  // Each build's store is made by its own code: its schema is the one its users would have.
  const { preloadCdrStore } = (await import(join(root, 'bench', 'support', 'cdr-preload.ts'))) as typeof import('./support/cdr-preload.js');
  await preloadCdrStore(build.preloaded, PRELOAD, NOW, POPULATION);
  // Opened and closed once by the build's store, as a store in use would have been: its planner statistics are then
  // there, not gathered by the first command that opens it (a second of the import's CPU at 900,000).
  const { openSqliteCdrStore } = (await import(join(root, 'src', 'cdr', 'sqlite', 'store.ts'))) as typeof import('../src/cdr/sqlite/store.js');
  await openSqliteCdrStore({ path: build.preloaded }).close();
  console.log(`${name}: preload of ${count(PRELOAD)} CDRs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  builds.push(build);
}

/** A data directory whose store is a copy of the build's preloaded one. */
function dataDirectory(build: Build, name: string): string {
  const data = join(directory, `${build.name}-${name}`);
  rmSync(data, { recursive: true, force: true });
  mkdirSync(data);
  copyFileSync(build.preloaded, join(data, 'cdr.sqlite'));
  execFileSync('sync');
  return data;
}

const documents = documentsOf(generateLegs(INGEST, NOW, 30, 2_000_001, POPULATION));
const line = (document: (typeof documents)[number]) => JSON.stringify(document.document);
const file = join(directory, 'cdrs.ndjson');
writeFileSync(file, documents.map((document) => `${JSON.stringify({ _id: document.id, _source: document.document })}\n`).join(''));
const bodies: string[] = [];
for (let from = 0; from < INGEST; from += BULK) {
  bodies.push(documents.slice(from, from + BULK).map((document) => `{"index":{"_index":"cdr","_id":${JSON.stringify(document.id)}}}\n${line(document)}\n`).join(''));
}

/** `cdr import`: the whole command, from start to exit (opening the store and its statistics refresh included). */
async function runImport(build: Build): Promise<void> {
  const importData = dataDirectory(build, 'import');
  const loadBefore = load();
  const started = performance.now();
  // GNU time's user and system seconds (on stderr): CPU per document says more than docs/s on a machine shared with other work.
  const importRun = spawn('/usr/bin/time', ['-f', 'cpu %U %S %M', process.execPath, build.cli, 'cdr', 'import', file, '--data', importData], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  importRun.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  importRun.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // The node process is time's child: found once it has started.
  let threads: (() => Map<string, number>) | undefined;
  const finding = setInterval(() => {
    const child = childPid(importRun.pid!);
    if (child === undefined) return;
    clearInterval(finding);
    threads = sampleThreadCpu(child);
  }, 5);
  const status = await new Promise<number | null>((resolve) => importRun.once('exit', resolve));
  clearInterval(finding);
  const importSeconds = (performance.now() - started) / 1000;
  const [, user, system, peakKiB] = /cpu (\S+) (\S+) (\S+)/.exec(stderr) ?? [];
  if (status !== 0 || user === undefined) throw new Error(`cdr import failed: ${stderr}`);
  console.log(
    `${build.name}: cdr import: ${stdout.trim()} at ${count(PRELOAD)} stored, ${importSeconds.toFixed(1)} s: ${count(INGEST / importSeconds)} docs/s, ${perDocument(Number(user) + Number(system))} µs of CPU per document (${threads ? byThread(threads()) : 'threads not sampled'}), peak RSS ${count(Number(peakKiB) / 1024)} MiB (load average ${loadBefore} → ${load()})`,
  );
  rmSync(importData, { recursive: true, force: true });
}

/** The first child of a process, if it has one yet (Linux). */
function childPid(pid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return children === '' ? undefined : Number(children.split(' ')[0]);
  } catch {
    return undefined;
  }
}

/** `_bulk`: requests one after another, timed from the first request to the last answer. Returns the data directory. */
async function runBulk(build: Build): Promise<string> {
  const bulkData = dataDirectory(build, 'bulk');
  const token = execFileSync(process.execPath, [build.cli, 'token', 'create', '--data-dir', bulkData, '--role', 'admin', '--name', 'bench'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  const server = spawn(process.execPath, [build.cli, 'cdr', 'serve', '--data', bulkData, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = await new Promise<string>((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`cdr serve exited (${code})`)));
    server.stdout!.on('data', (chunk: Buffer) => {
      const match = /listening on (\S+)/.exec(chunk.toString());
      if (match) resolve(match[1]);
    });
  });
  const loadBefore = load();
  const serverCpuBefore = cpuSecondsOf(server.pid!);
  const threads = sampleThreadCpu(server.pid!);
  const started = performance.now();
  for (const body of bodies) {
    const response = await fetch(`${address}/_bulk`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' }, body });
    const answer = (await response.json()) as { errors?: boolean };
    if (response.status !== 200 || answer.errors !== false) throw new Error(`_bulk answered ${response.status}: ${JSON.stringify(answer).slice(0, 500)}`);
  }
  const bulkSeconds = (performance.now() - started) / 1000;
  const serverCpu = cpuSecondsOf(server.pid!) - serverCpuBefore;
  const serverThreads = threads();
  console.log(
    `${build.name}: _bulk: ${count(INGEST)} documents in ${bodies.length} requests of ${count(BULK)} at ${count(PRELOAD)} stored, ${bulkSeconds.toFixed(1)} s: ${count(INGEST / bulkSeconds)} docs/s, ${perDocument(serverCpu)} µs of the server's CPU per document (${byThread(serverThreads)}; load average ${loadBefore} → ${load()})`,
  );
  server.removeAllListeners('exit');
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  return bulkData;
}

/** The seed query at the store's final size, as bench:cdr measures it, through the build's own store code. */
async function seedQuery(build: Build, bulkData: string): Promise<void> {
  const { openSqliteCdrStore } = (await import(join(build.root, 'src', 'cdr', 'sqlite', 'store.ts'))) as typeof import('../src/cdr/sqlite/store.js');
  const store = openSqliteCdrStore({ path: join(bulkData, 'cdr.sqlite') });
  const requests = await seedRequests(store, NOW);
  const latencies: number[] = [];
  let found = 0;
  for (let index = 0; index < QUERIES; index++) {
    const begin = performance.now();
    const response = await store.search(requests[index % requests.length], { now: NOW, domain: DOMAIN });
    latencies.push(performance.now() - begin);
    if (response.hits.hits.length > 0) found++;
  }
  const hitShare = ((found / QUERIES) * 100).toFixed(0);
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(3);
  console.log(
    `${build.name}: seed query at ${count(PRELOAD + INGEST)} stored: ${count(QUERIES)} searches, p50 ${percentile(50)} ms, p99 ${percentile(99)} ms (${count(found)} found an agent, ${hitShare} %; load average ${load()})`,
  );
  await store.close();
}

for (let round = 1; round <= ROUNDS; round++) {
  // Each build goes first in every other round: neither always meets what the other left behind (dirty pages, caches).
  const order = round % 2 === 1 ? builds : [...builds].reverse();
  if (PATHS.has('import')) for (const build of order) await runImport(build);
  if (PATHS.has('bulk')) for (const build of order) {
    const bulkData = await runBulk(build);
    if (round === ROUNDS) await seedQuery(build, bulkData);
    rmSync(bulkData, { recursive: true, force: true });
  }
}
rmSync(directory, { recursive: true, force: true });
