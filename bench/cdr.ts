/**
 * `npm run bench:cdr`: CDRS (default 1,000,000) legs of a contact centre with
 * 200 agents and 100,000 customers over 30 days, written to a SQLite store in
 * batches; then the last-agent `cdr` step (as the engine sends it) on the
 * store's fast path, and the same searches on a forced full scan: every
 * stored document read and checked by the in-code matcher, which must give
 * the same answers. Prints the cost of building a leg's CDR, ingest
 * documents/s, p50/p99 of both, and the ratio. CDRS=100000 is a quick run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { CdrMapping, type FieldType } from '../src/cdr/mapping.js';
import { executeSearch, type SearchBackend, type StoredRow } from '../src/cdr/query/execute.js';
import { parseSearchRequest } from '../src/cdr/query/parse-request.js';
import { openSqliteCdrStore } from '../src/cdr/sqlite/store.js';
import type { SearchResponse } from '../src/cdr/store.js';
import { DOMAIN, documentsOf, generateLegs, seedRequest, seedRequests } from '../test/support/cdr/dataset.js';
import { withoutTook } from '../test/support/cdr/stores.js';

const CDRS = Number(process.env.CDRS ?? 1_000_000);
const QUERIES = Number(process.env.QUERIES ?? 20_000);
/** Full scans take seconds each at 1M documents: a handful gives their p50 (and p99 = the slowest). */
const SCANS = Number(process.env.SCANS ?? 10);
const POPULATION = { agents: 200, customers: 100_000 };
const BATCH = 5_000;
const NOW = new Date('2026-11-24T12:00:00Z');
const options = { now: NOW, domain: DOMAIN };
const count = (value: number) => Math.round(value).toLocaleString('en-US');

const directory = mkdtempSync(join(tmpdir(), 'callrouter-bench-cdr-'));
const path = join(directory, 'cdr.sqlite');
const store = openSqliteCdrStore({ path });

// Building documents (cdrFromLeg) is the SIP server's cost, not the store's: it is timed apart from store.index.
let insertMs = 0;
let buildMs = 0;
for (let done = 0; done < CDRS; done += BATCH) {
  const legs = generateLegs(Math.min(BATCH, CDRS - done), NOW, 30, done + 1, POPULATION);
  const built = performance.now();
  const documents = documentsOf(legs);
  buildMs += performance.now() - built;
  const started = performance.now();
  await store.index(documents);
  insertMs += performance.now() - started;
  process.stderr.write(`\rinserting… ${count(done + documents.length)}`);
}
process.stderr.write('\n');
store.refreshStatistics();
console.log(`build: cdrFromLeg ${((buildMs * 1000) / CDRS).toFixed(1)} µs per leg`);
console.log(`ingest: ${count(CDRS)} CDRs (${POPULATION.agents} agents, ${count(POPULATION.customers)} customers, 30 days) in batches of ${count(BATCH)}: ${count(CDRS / (insertMs / 1000))} docs/s`);

// A planted recent call proves the benchmark measures real answers.
await store.index(documentsOf([{ ...generateLegs(1, NOW, 0, 999)[0], direction: 'outbound', destinationNumber: '380671234567', userId: '101', startTime: new Date(NOW.getTime() - 60_000) }]));

const requests = [seedRequest('0671234567'), ...(await seedRequests(store, NOW))];

interface Timings {
  responses: SearchResponse[];
  p50: number;
  p99: number;
}

async function measure(runs: number, search: (request: unknown) => SearchResponse | Promise<SearchResponse>): Promise<Timings> {
  const latencies: number[] = [];
  const responses: SearchResponse[] = [];
  for (let index = 0; index < runs; index++) {
    const begin = performance.now();
    responses.push(await search(requests[index % requests.length]));
    latencies.push(performance.now() - begin);
  }
  latencies.sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { responses, p50: percentile(50), p99: percentile(99) };
}

function report(name: string, timings: Timings): void {
  const found = timings.responses.filter((response) => response.hits.hits.length > 0).length;
  console.log(`${name}: ${count(timings.responses.length)} searches, p50 ${timings.p50.toFixed(3)} ms, p99 ${timings.p99.toFixed(3)} ms (${found} found an agent)`);
}

const fast = await measure(QUERIES, (request) => store.search(request, options));
report('seed query, fast path', fast);

// The forced scan: a second connection reads every stored document; nothing narrows them down or pages in SQL.
const reader = new Database(path, { readonly: true });
const fields = reader.prepare('SELECT field, type FROM cdr_fields').all() as { field: string; type: FieldType }[];
const scanBackend: SearchBackend = {
  mapping: new CdrMapping(fields.map((row) => [row.field, row.type])),
  *candidates(): Iterable<StoredRow> {
    for (const row of reader.prepare('SELECT seq, id, source, version FROM cdr').iterate() as Iterable<{ seq: number; id: string; source: string; version: number }>) {
      yield { seq: row.seq, id: row.id, source: JSON.parse(row.source), version: row.version, seqNo: row.seq };
    }
  },
  page: () => undefined,
};
const scan = await measure(SCANS, (request) => executeSearch(parseSearchRequest(request), scanBackend, options));
report('seed query, full scan', scan);
scan.responses.forEach((response, index) => assert.deepEqual(withoutTook(response), withoutTook(fast.responses[index]), `scan and fast path disagree on search ${index}`));
console.log(`check: both give the same ${count(SCANS)} answers; last agent for 0671234567 = ${JSON.stringify(fast.responses[0].hits.hits[0]?.fields?.['User ID'] ?? null)}`);
console.log(`fast path vs scan: ${count(scan.p50 / fast.p50)}× at p50, ${count(scan.p99 / fast.p99)}× at p99`);

reader.close();
await store.close();
rmSync(directory, { recursive: true, force: true });
