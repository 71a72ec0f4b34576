/**
 * `npm run bench:cdr`: the last-agent `cdr` step (as the engine sends it,
 * with realistic caller numbers) against a SQLite store of CDRS (default
 * 1,000,000) legs over 30 days. Prints the insert rate, then queries per
 * second and p50/p99 latency of the seed query.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteCdrStore } from '../src/cdr/sqlite/store.js';
import { documentsOf, generateLegs, numberForms, random, seedRequest } from '../test/cdr/support/dataset.js';

const CDRS = Number(process.env.CDRS ?? 1_000_000);
const QUERIES = Number(process.env.QUERIES ?? 20_000);
const BATCH = 5_000;
const NOW = new Date('2026-11-24T12:00:00Z');

const directory = mkdtempSync(join(tmpdir(), 'callrouter-bench-cdr-'));
const store = openSqliteCdrStore({ path: join(directory, 'cdr.sqlite') });

let insertMs = 0;
for (let done = 0; done < CDRS; done += BATCH) {
  const documents = documentsOf(generateLegs(Math.min(BATCH, CDRS - done), NOW, 30, done + 1));
  const started = performance.now();
  await store.index(documents);
  insertMs += performance.now() - started;
  process.stderr.write(`\rinserting… ${(done + documents.length).toLocaleString('en-US')}`);
}
process.stderr.write('\n');
store.refreshStatistics();
console.log(`insert: ${CDRS.toLocaleString('en-US')} CDRs in batches of ${BATCH}: ${Math.round(CDRS / (insertMs / 1000)).toLocaleString('en-US')} CDRs/s`);

// Callers: numbers the dataset has in every form (some called in the last 30 minutes, most not) and unknown ones.
const next = random(42);
const callers = Array.from({ length: 1000 }, () => {
  const forms = numberForms(String(500_000_000 + Math.floor(next() * 499_999_999)));
  return forms[Math.floor(next() * forms.length)];
});
const requests = callers.map(seedRequest);

let found = 0;
const latencies: number[] = [];
const started = performance.now();
for (let index = 0; index < QUERIES; index++) {
  const begin = performance.now();
  const response = await store.search(requests[index % requests.length], { now: NOW, domain: 'example.com' });
  latencies.push(performance.now() - begin);
  if (response.hits.hits.length > 0) found++;
}
const elapsed = performance.now() - started;
latencies.sort((a, b) => a - b);
const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(3);
console.log(
  `seed query: ${QUERIES.toLocaleString('en-US')} searches, ${Math.round(QUERIES / (elapsed / 1000)).toLocaleString('en-US')} queries/s, p50 ${percentile(50)} ms, p99 ${percentile(99)} ms (${found} found an agent)`,
);

// A planted recent call proves the benchmark measures real answers.
await store.index(documentsOf([{ ...generateLegs(1, NOW, 0, 999)[0], direction: 'outbound', destinationNumber: '380671234567', userId: '101', startTime: new Date(NOW.getTime() - 60_000) }]));
const check = await store.search(seedRequest('0671234567'), { now: NOW, domain: 'example.com' });
console.log(`check: last agent for 0671234567 = ${JSON.stringify(check.hits.hits[0]?.fields?.['User ID'] ?? null)}`);

await store.close();
rmSync(directory, { recursive: true, force: true });
