/**
 * `npm run bench:engine`: the last-agent flow on SimCall with in-memory services.
 * Prints flows per second and p50/p99 time per flow, for the engine alone
 * (CDR search answered from memory) and with the embedded SQLite store.
 */
import { readFileSync } from 'node:fs';
import pino from 'pino';
import type { CdrSearcher, SearchResponse } from '../src/cdr/store.js';
import { domainConfig } from '../src/config/schema.js';
import { ConfigDirectory } from '../src/directory/config-directory.js';
import { appRegistry } from '../src/apps/registry.js';
import { SchemaLoader } from '../src/engine/compile.js';
import { simScenario } from '../src/sim/sim-scenario.js';
import { simulateCall } from '../src/sim/simulate.js';
import { openSqliteCdrStore } from '../src/cdr/sqlite/store.js';
import { documentsOf, generateLegs } from '../test/support/cdr/dataset.js';

const FLOWS = Number(process.env.FLOWS ?? 100_000);
const NOW = new Date('2026-11-24T12:00:00Z');

const loaded = new SchemaLoader(appRegistry).loadText(readFileSync(new URL('../examples/last-agent.json', import.meta.url), 'utf8'));
if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
const schema = loaded.schema;

const directory = new ConfigDirectory([
  domainConfig.parse({
    name: 'example.com',
    users: ['100', '101', '102'].map((id) => ({ id, password: 'secret' })),
  }),
]);
const scenario = simScenario.parse({
  variables: { caller_id_number: '0671234567', destination_number: '0441234567', domain_name: 'example.com' },
  phones: { '101': 'onhook' },
  targets: { 'user/101': { result: 'answer', after: 4, talk: 90 } },
});
const logger = pino({ level: 'silent' });

/** Answers every search with one hit for user 101: the engine's cost without any store. */
const memoryAnswer: SearchResponse = {
  took: 0,
  timed_out: false,
  _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
  hits: { total: { value: 1, relation: 'eq' }, max_score: null, hits: [{ _index: 'cdr', _id: '1', _score: null, fields: { 'User ID': ['101'] } }] },
};
const memoryCdr: CdrSearcher = { search: async () => memoryAnswer, lastAgents: async () => ({ agents: ['101'], considered: [], truncated: false }) };

async function measure(label: string, cdr: CdrSearcher): Promise<void> {
  const oneFlow = () => simulateCall({ schema, scenario, directory, cdr, logger, now: NOW });
  const check = await oneFlow();
  if (check.call.getVariable('last_cid') !== '101' || check.flow.reason !== 'ended-by-app') {
    throw new Error(`${label}: the flow did not bridge to 101 (${check.flow.reason}, last_cid=${check.call.getVariable('last_cid')})`);
  }
  for (let i = 0; i < 2_000; i++) await oneFlow();

  const times = new Float64Array(FLOWS);
  const started = process.hrtime.bigint();
  for (let i = 0; i < FLOWS; i++) {
    const t0 = process.hrtime.bigint();
    await oneFlow();
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  times.sort();
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))].toFixed(1);
  console.log(
    `${label}: ${Math.round(FLOWS / seconds).toLocaleString('en-US')} flows/s, p50 ${pct(0.5)} µs, p99 ${pct(0.99)} µs (${FLOWS.toLocaleString('en-US')} flows, one core)`,
  );
}

await measure('engine alone (CDR answered from memory)', memoryCdr);

const CDRS = Number(process.env.CDRS ?? 100_000);
const store = openSqliteCdrStore({ path: ':memory:' });
for (let done = 0; done < CDRS; done += 5_000) await store.index(documentsOf(generateLegs(Math.min(5_000, CDRS - done), NOW, 30, done + 1)));
const plantedCall = { ...generateLegs(1, NOW, 0, CDRS + 1)[0], direction: 'outbound' as const, destinationNumber: '0671234567', userId: '101', startTime: new Date(NOW.getTime() - 600_000) };
await store.index(documentsOf([plantedCall]));
await measure(`with the SQLite store in memory (${CDRS.toLocaleString('en-US')} CDRs over 30 days)`, store);
await store.close();
