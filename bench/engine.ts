/**
 * `npm run bench:engine`: the last-agent flow on SimCall with in-memory services.
 * Prints flows per second and p50/p99 time per flow, for the engine alone
 * (CDR search answered from memory) and with the embedded SQLite store; then
 * the `lastAgent` app (48-day look-back over the customer index) at 100,000
 * and 1,000,000 CDRs (`LAST_AGENT_CDRS=100000,1000000`), with the lookup's
 * own time on the store.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { CdrSearcher, SearchResponse } from '../src/cdr/store.js';
import { domainConfig } from '../src/config/schema.js';
import { ConfigDirectory } from '../src/directory/config-directory.js';
import { appRegistry } from '../src/apps/registry.js';
import { SchemaLoader } from '../src/engine/compile.js';
import { simScenario } from '../src/sim/sim-scenario.js';
import { simulateCall } from '../src/sim/simulate.js';
import { openSqliteCdrStore } from '../src/cdr/sqlite/store.js';
import type { CompiledSchema } from '../src/engine/compile.js';
import { customerNumber, documentsOf, generateLegs } from '../test/support/cdr/dataset.js';

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

/** Runs `run` `count` times after a warm-up; prints runs per second and p50/p99 (µs). */
async function timeRuns(label: string, count: number, run: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < Math.min(2_000, count); i++) await run();
  const times = new Float64Array(count);
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    await run();
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  times.sort();
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))].toFixed(1);
  console.log(`${label}: ${Math.round(count / seconds).toLocaleString('en-US')}/s, p50 ${pct(0.5)} µs, p99 ${pct(0.99)} µs (${count.toLocaleString('en-US')} runs, one core)`);
}

interface Flow {
  schema: CompiledSchema;
  scenario: typeof scenario;
  directory: ConfigDirectory;
  /** The variable that names the agent the flow found. */
  agentVariable: string;
}

const seedFlow: Flow = { schema, scenario, directory, agentVariable: 'last_cid' };

async function measure(label: string, cdr: CdrSearcher, flow: Flow = seedFlow): Promise<void> {
  const { agentVariable } = flow;
  const oneFlow = () => simulateCall({ schema: flow.schema, scenario: flow.scenario, directory: flow.directory, cdr, logger, now: NOW });
  const check = await oneFlow();
  if (check.call.getVariable(agentVariable) !== '101' || check.flow.reason !== 'ended-by-app') {
    throw new Error(`${label}: the flow did not bridge to 101 (${check.flow.reason}, ${agentVariable}=${check.call.getVariable(agentVariable)})`);
  }
  await timeRuns(`${label}, flows`, FLOWS, oneFlow);
}

await measure('engine alone (CDR answered from memory)', memoryCdr);

const CDRS = Number(process.env.CDRS ?? 100_000);
const store = openSqliteCdrStore({ path: ':memory:' });
for (let done = 0; done < CDRS; done += 5_000) await store.index(documentsOf(generateLegs(Math.min(5_000, CDRS - done), NOW, 30, done + 1)));
const plantedCall = { ...generateLegs(1, NOW, 0, CDRS + 1)[0], direction: 'outbound' as const, destinationNumber: '0671234567', userId: '101', startTime: new Date(NOW.getTime() - 600_000) };
await store.index(documentsOf([plantedCall]));
await measure(`with the SQLite store in memory (${CDRS.toLocaleString('en-US')} CDRs over 30 days)`, store);
await store.close();

// --- the lastAgent app over the customer index --------------------------------------------------------------------

const lastAgentLoaded = new SchemaLoader(appRegistry).load([
  { lastAgent: { window: '48d', directions: ['outbound', 'inbound'], answeredOnly: true, minTalkSeconds: 10, agents: 3, ring: { leg_timeout: 15 } } },
  { hangup: 'NO_ANSWER' },
]);
if (!lastAgentLoaded.ok) throw new Error(JSON.stringify(lastAgentLoaded.errors));
/** 200 agents and 100,000 customers over 48 days, as bench:cdr's contact centre: each customer has ~10 legs at 1M. */
const POPULATION = { agents: 200, customers: 100_000 };
const agentDirectory = new ConfigDirectory([
  domainConfig.parse({
    name: 'example.com',
    country: 'UA',
    users: Array.from({ length: POPULATION.agents }, (_, index) => ({ id: String(100 + index), password: 'secret' })),
  }),
]);

for (const cdrs of (process.env.LAST_AGENT_CDRS ?? '100000,1000000').split(',').map(Number)) {
  const dir = mkdtempSync(join(tmpdir(), 'callrouter-bench-engine-'));
  const agentStore = openSqliteCdrStore({ path: join(dir, 'cdr.sqlite'), countries: { 'example.com': 'UA' }, flushEachWrite: false });
  const loadStarted = performance.now();
  for (let done = 0; done < cdrs; done += 5_000) {
    await agentStore.index(documentsOf(generateLegs(Math.min(5_000, cdrs - done), NOW, 48, done + 1, POPULATION)));
  }
  // The customer (one of the population, with its own history) called by 101 ten minutes ago, answered, 2 minutes' talk.
  const customer = `0${customerNumber(4242)}`;
  const planted = generateLegs(1, NOW, 0, cdrs + 1)[0];
  const answerTime = new Date(NOW.getTime() - 600_000);
  await agentStore.index(
    documentsOf([
      { ...planted, direction: 'outbound', destinationNumber: customer, userId: '101', startTime: new Date(answerTime.getTime() - 5_000), answerTime, bridgeTime: answerTime, endTime: new Date(answerTime.getTime() + 120_000) },
    ]),
  );
  await agentStore.refreshStatistics();
  console.log(`lastAgent at ${cdrs.toLocaleString('en-US')} CDRs (48 days; loaded in ${((performance.now() - loadStarted) / 1000).toFixed(0)} s):`);
  const query = {
    customer: `+380${customerNumber(4242)}`,
    domain: 'example.com',
    directions: ['outbound', 'inbound'] as const,
    since: new Date(NOW.getTime() - 48 * 86_400_000),
    until: NOW,
    answeredOnly: true,
    minTalkSeconds: 10,
    agents: 3,
  };
  const sample = await agentStore.lastAgents(query);
  console.log(`  customer ${query.customer}: ${sample.considered.length} CDR(s) read, agents ${sample.agents.join(', ')}`);
  await timeRuns('  lookup on the store (customer index)', FLOWS, () => agentStore.lastAgents(query));
  await measure('  lastAgent app on SimCall', agentStore, {
    schema: lastAgentLoaded.schema,
    scenario: { ...scenario, variables: { ...scenario.variables, caller_id_number: customer } },
    directory: agentDirectory,
    agentVariable: 'last_agent',
  });
  await agentStore.close();
  rmSync(dir, { recursive: true, force: true });
}
