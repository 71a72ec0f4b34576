/**
 * `npm run bench:hostile` (scripts/bench-compiled.sh builds dist/ and the
 * bench): how the router's SIP side answers while the CDR port is attacked.
 * The router runs as its own process (`node bin/callrouter.js start`, as
 * bench:sip starts it) over a CDR store of CDR_DOCUMENTS calls of 30 days.
 * For each hostile request of issue 9 (and a legitimate but heavy search),
 * the bench sends it over HTTP with an admin token again and again for
 * KIND_SECONDS while a SIP OPTIONS probe goes over UDP every 100 ms (from a
 * thread of its own: the requests of megabytes this thread sends do not
 * delay it), and
 * prints the answer (status, Elasticsearch error type, time to answer) and
 * the probes' round trips during it. First, the probes on an idle router.
 *
 * Env: CDR_DOCUMENTS (100000), KIND_SECONDS (5), MAX_BULK_ACTIONS (the
 * router's limit, 10000 as Elasticsearch's default; the huge bulk has one more),
 * ONLY (the kinds whose name holds this text), ROUTER_NODE_ARGS (more node
 * options for the router, comma-separated, e.g. --cpu-prof,--cpu-prof-dir=/tmp/prof).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteCdrStore } from '../src/cdr/sqlite/store.js';
import { documentsOf, generateLegs, TIME_ZONE } from '../test/support/cdr/dataset.js';
import { HEAVY_SEARCH, hostileRequests } from '../test/support/cdr/hostile-requests.js';
import type { ProbeRecord } from '../test/support/sip/options-probe.js';
import { startProbeThread } from './support/options-probe-thread.js';
import { freeUdpPort } from '../test/support/sip/sipp.js';
import { percentile } from './figures.js';
import { freeTcpPort, startRouterProcess, writeRouterConfig } from './sip/router-process.js';
import { table } from './sip/steps.js';

const CDR_DOCUMENTS = Number(process.env.CDR_DOCUMENTS ?? 100_000);
const KIND_SECONDS = Number(process.env.KIND_SECONDS ?? 5);
const MAX_BULK_ACTIONS = Number(process.env.MAX_BULK_ACTIONS ?? 10_000);
const PROBE_INTERVAL_MS = 100;
const DOMAIN = 'e2e.callrouter.test';
const BIN = 'bin/callrouter.js';
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const ms = (value: number) => (Number.isNaN(value) ? '-' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`);
const load = () => loadavg().map((n) => n.toFixed(2)).join(' ');

interface Kind {
  what: string;
  path: string;
  body: string;
  /** The answer it should get: an Elasticsearch error type, or 200. */
  expected: string;
}

interface Figures {
  what: string;
  requests: number;
  answers: string;
  answerP50: number;
  answerMax: number;
  probes: ProbeRecord[];
  load: string;
}

async function buildCdrStore(path: string): Promise<void> {
  const started = performance.now();
  const store = openSqliteCdrStore({ path, flushEachWrite: false });
  const now = new Date();
  for (let done = 0; done < CDR_DOCUMENTS; done += 5_000) {
    const legs = generateLegs(Math.min(5_000, CDR_DOCUMENTS - done), now, 30, done + 1);
    await store.index(documentsOf(legs.map((record) => ({ ...record, domain: DOMAIN }))));
  }
  await store.close();
  console.log(`CDR store: ${count(CDR_DOCUMENTS)} documents of 30 days, built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

async function createToken(configFile: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [BIN, 'token', 'create', '--config', configFile, '--role', 'admin', '--name', 'bench:hostile']);
  return stdout.trim();
}

function probeFigures(probes: readonly ProbeRecord[]): string[] {
  const answered = probes.filter((probe) => probe.status === 200 && probe.answeredAt !== undefined);
  const rtts = answered.map((probe) => probe.answeredAt! - probe.sentAt);
  const lost = probes.length - answered.length;
  return [String(probes.length), ms(percentile(rtts, 0.5)), ms(percentile(rtts, 0.99)), ms(rtts.length > 0 ? Math.max(...rtts) : NaN), lost === 0 ? '0' : `${lost}`];
}

const work = await mkdtemp(join(tmpdir(), 'callrouter-bench-hostile-'));
console.log(`bench:hostile: ${new Date().toISOString()}, load average ${load()}, work in ${work}`);
const dir = join(work, 'router');
await mkdir(join(dir, 'data'), { recursive: true });
await buildCdrStore(join(dir, 'data', 'cdr.sqlite'));
const [sipPort, httpPort] = [await freeUdpPort(), await freeTcpPort()];
const configFile = await writeRouterConfig({
  dir,
  sipPort,
  httpPort,
  logLevel: 'warn',
  domain: DOMAIN,
  users: ['101'],
  passwordOf: () => 'secret-101',
  gateway: { host: '127.0.0.2', port: 5060 },
  timeZone: TIME_ZONE,
  routes: [],
  cdrLimits: { maxBulkActions: MAX_BULK_ACTIONS },
});
const token = await createToken(configFile);
const nodeArgs = (process.env.ROUTER_NODE_ARGS ?? '').split(',').filter(Boolean);
const router = await startRouterProcess({ name: 'hostile', configFile, sipPort, httpPort, logFile: join(dir, 'router.log'), bin: BIN, nodeArgs });

async function send(kind: Kind): Promise<{ answer: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${httpPort}${kind.path}`, {
    method: 'POST',
    headers: { 'content-type': kind.path.endsWith('_bulk') ? 'application/x-ndjson' : 'application/json', authorization: `Bearer ${token}` },
    body: kind.body,
  });
  const body = (await response.json()) as { error?: { type?: string } };
  const elapsed = performance.now() - started;
  return { answer: `${response.status} ${body.error?.type ?? ''}`.trim(), ms: elapsed };
}

/** The kind sent back to back for KIND_SECONDS (at least once) under the probe. */
async function measure(kind: Kind | undefined, what: string): Promise<Figures> {
  const probe = await startProbeThread({ host: '127.0.0.1', port: sipPort }, PROBE_INTERVAL_MS);
  const deadline = performance.now() + KIND_SECONDS * 1000;
  const answers = new Map<string, number>();
  const times: number[] = [];
  if (kind === undefined) await sleep(KIND_SECONDS * 1000);
  else {
    do {
      const { answer, ms: elapsed } = await send(kind);
      answers.set(answer, (answers.get(answer) ?? 0) + 1);
      times.push(elapsed);
    } while (performance.now() < deadline);
  }
  const probes = await probe.stop();
  const unexpected = kind !== undefined && [...answers.keys()].some((answer) => !answer.endsWith(kind.expected));
  const text = [...answers].map(([answer, n]) => (answers.size > 1 ? `${answer} ×${n}` : answer)).join(', ');
  return { what, requests: times.length, answers: `${text}${unexpected ? ` (expected ${kind.expected})` : ''}`, answerP50: percentile(times, 0.5), answerMax: times.length > 0 ? Math.max(...times) : NaN, probes, load: load() };
}

const kinds: Kind[] = [
  ...hostileRequests(MAX_BULK_ACTIONS).map((request) => ({ what: request.what, path: request.path, body: request.body, expected: request.type })),
  { what: 'heavy but legitimate search (full scan + terms)', path: '/cdr/_search', body: HEAVY_SEARCH, expected: '200' },
].filter((kind) => kind.what.includes(process.env.ONLY ?? ''));
const results: Figures[] = [];
try {
  results.push(await measure(undefined, 'idle (no request)'));
  for (const kind of kinds) {
    const figures = await measure(kind, kind.what);
    results.push(figures);
    console.log(`${figures.what}: ${figures.requests} × ${figures.answers}, answer p50 ${ms(figures.answerP50)} max ${ms(figures.answerMax)}; OPTIONS ${probeFigures(figures.probes).slice(1, 4).join(' / ')} (p50/p99/max), load ${figures.load}`);
  }
  console.log(`\nOPTIONS every ${PROBE_INTERVAL_MS} ms over UDP while each request is sent back to back for ${KIND_SECONDS} s (${count(CDR_DOCUMENTS)} CDRs):`);
  const rows = [['request', 'sent', 'answer', 'answer p50', 'answer max', 'probes', 'OPTIONS p50', 'p99', 'max', 'unanswered', 'load']];
  for (const figures of results) {
    rows.push([figures.what, String(figures.requests), figures.answers || '-', ms(figures.answerP50), ms(figures.answerMax), ...probeFigures(figures.probes), figures.load]);
  }
  console.log(table(rows));
  if (results.some((figures) => figures.answers.includes('expected'))) process.exitCode = 1;
} finally {
  await router.stop();
  await rm(work, { recursive: true, force: true });
}
