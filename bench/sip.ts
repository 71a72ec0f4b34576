/**
 * `npm run bench:sip` (compiled first, as the router runs in production:
 * scripts/bench-compiled.sh): calls through the router's B2BUA, as a contact centre
 * gets them: the carrier (sipp on 127.0.0.2, the gateway's address, so no
 * authentication) calls a public number; the router runs the route's schema
 * and bridges the call to a registered phone (one sipp UAS on 127.0.0.1 that
 * every agent registered its contact at: 180, 200 with SDP at once); the
 * caller talks TALK_MS (default 1 s) and hangs up, the router relays the BYE.
 *
 * Two schemas, each on its own public number of one router:
 *  - bridge:     [{"bridge":{"endpoints":[{"type":"user","name":"101"}]}}]
 *  - last-agent: examples/last-agent.json (the seed schema), with the CDR store
 *    preloaded with CDR_DOCUMENTS (default 100,000, ~15 s to build; the
 *    issue's 1,000,000 takes ~3.5 min on 2 cores) legs of 30 days plus one recent outbound call per agent to a
 *    distinct customer. Call i comes from customer i mod AGENTS, whose last
 *    agent is agent i mod AGENTS: an agent gets a call again only after
 *    AGENTS / rate seconds, so it is `onhook` again by then and every call
 *    goes to its last agent. The fallback ring group (100 + 102) answers
 *    486, so a call that misses its agent fails the step.
 *
 * For each schema the offered call rate steps up (RATES, STEP_SECONDS each)
 * until a step fails: a failed call (a 503 of the router's setup limit is
 * one), a call that missed its agent, a phone that saw an unexpected
 * message, or calls completed at under 90% of the offered rate (setups
 * queueing up in the router). The highest passing rate is printed,
 * with the router's peak RSS, its CPU per call, and memory per call in
 * progress (MEMORY_CALLS calls held HOLD_MS against idle). The router runs
 * in this process (info logging to /dev/null, as bench:register), so RSS is
 * the router's (sipp runs in its own processes).
 *
 * Env: RATES (default 200,300,400,500,600,800,1000,1200), STEP_SECONDS (10),
 * TALK_MS (1000), AGENTS (5000), CDR_DOCUMENTS (100000), MEMORY_CALLS (1000),
 * HOLD_MS (10000), SCHEMAS (bridge,last-agent), COOLDOWN_SECONDS (3), TRACE_PHONES=1
 * (keep the phones' sipp message log, for a failure on their side).
 */
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { documentsOf, generateLegs, leg, numberForms, TIME_ZONE } from '../test/support/cdr/dataset.js';
import { account, DOMAIN, startTestRouter } from '../test/support/sip/router.js';
import { freeUdpPort, runSipp } from '../test/support/sip/sipp.js';
import { startSippProcess, until, type SippProcess, type SippStats } from './sip/sipp-process.js';

const list = (value: string | undefined, fallback: string) => (value ?? fallback).split(',').map((item) => item.trim()).filter(Boolean);
const RATES = list(process.env.RATES, '200,300,400,500,600,800,1000,1200').map(Number);
const STEP_SECONDS = Number(process.env.STEP_SECONDS ?? 10);
const TALK_MS = Number(process.env.TALK_MS ?? 1_000);
const AGENTS = Number(process.env.AGENTS ?? 5_000);
const CDR_DOCUMENTS = Number(process.env.CDR_DOCUMENTS ?? 100_000);
const MEMORY_CALLS = Number(process.env.MEMORY_CALLS ?? 1_000);
const HOLD_MS = Number(process.env.HOLD_MS ?? 10_000);
const COOLDOWN_SECONDS = Number(process.env.COOLDOWN_SECONDS ?? 3);
const SCHEMAS = list(process.env.SCHEMAS, 'bridge,last-agent') as SchemaName[];

type SchemaName = 'bridge' | 'last-agent';
const CARRIER_IP = '127.0.0.2';
const LAST_AGENT_SCHEMA = fileURLToPath(new URL('../examples/last-agent.json', import.meta.url));
const NUMBERS: Record<SchemaName, string> = { bridge: '0441234567', 'last-agent': '0441234568' };
const BENCH_SCENARIOS = fileURLToPath(new URL('./sip/', import.meta.url));
const MB = 2 ** 20;
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const gc = (globalThis as { gc?: () => void }).gc;

const agents = Array.from({ length: AGENTS }, (_, index) => String(10_000 + index));
/** Customer i (national 6xxxxxxxx, outside the dataset's 5xxxxxxxx) last talked to agent i. */
const customerNational = (index: number) => String(600_000_000 + index);
const callerOf = (index: number) => `0${customerNational(index)}`;

let warnings = 0;
/** The router's warnings by message, to say why a step failed. */
const warningKinds = new Map<string, number>();
const logger = pino(
  {
    level: 'info',
    hooks: {
      logMethod(args, log, level) {
        if (level >= pino.levels.values.warn) {
          warnings++;
          const message = String(args.find((arg) => typeof arg === 'string') ?? '').slice(0, 120);
          warningKinds.set(message, (warningKinds.get(message) ?? 0) + 1);
        }
        log.apply(this, args);
      },
    },
  },
  pino.destination({ dest: '/dev/null', sync: false }),
);

let peakRss = 0;
const sampleRss = () => (peakRss = Math.max(peakRss, process.memoryUsage.rss()));
const sampler = setInterval(sampleRss, 200);

const carrierPort = await freeUdpPort(CARRIER_IP);
const server = await startTestRouter({
  users: ['100', '101', '102', ...agents],
  gateways: [{ name: 'carrier', host: CARRIER_IP, port: carrierPort, transport: 'udp' }],
  domain: { timeZone: TIME_ZONE },
  routes: {
    nationalFormat: { countryCode: '380', trunkPrefix: '0' },
    public: [
      { name: 'bridge', numbers: [NUMBERS.bridge], schema: [{ bridge: { endpoints: [{ type: 'user', name: '101' }] } }] },
      { name: 'last-agent', numbers: [NUMBERS['last-agent']], schema: LAST_AGENT_SCHEMA },
    ],
  },
  logger,
});
const processes: SippProcess[] = [];
const results: { schema: SchemaName; best: number; firstFailing?: string; perCallKb?: number; heapPerCallKb?: number; cpuMicros?: number; setup?: string }[] = [];

try {
  // --- the CDR store: a month of legs, then each agent's recent call to its customer ---
  if (SCHEMAS.includes('last-agent')) {
    const started = performance.now();
    const now = new Date();
    const BATCH = 5_000;
    for (let done = 0; done < CDR_DOCUMENTS; done += BATCH) {
      const legs = generateLegs(Math.min(BATCH, CDR_DOCUMENTS - done), now, 30, done + 1, { agents: 200, customers: 100_000 });
      await server.router.cdrStore.index(documentsOf(legs.map((record) => ({ ...record, domain: DOMAIN }))));
      process.stderr.write(`\rCDR store: ${count(done + legs.length)} documents…`);
    }
    const recent = Date.now() - 120_000;
    for (let done = 0; done < AGENTS; done += BATCH) {
      const legs = agents.slice(done, done + BATCH).map((agent, offset) => {
        const index = done + offset;
        const startTime = new Date(recent + index);
        const forms = numberForms(customerNational(index));
        return leg({
          uuid: `bench-last-agent-${index}`,
          domain: DOMAIN,
          direction: 'outbound',
          callerIdNumber: agent,
          userId: agent,
          destinationNumber: forms[index % forms.length],
          startTime,
          answerTime: new Date(startTime.getTime() + 5_000),
          endTime: new Date(startTime.getTime() + 65_000),
          hangupCause: 'NORMAL_CLEARING',
        });
      });
      await server.router.cdrStore.index(documentsOf(legs));
    }
    server.router.cdrStore.refreshStatistics();
    process.stderr.write('\n');
    console.log(`CDR store: ${count(CDR_DOCUMENTS)} documents of 30 days + ${count(AGENTS)} recent agent calls, built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }

  // --- phones: 101 and the agents register at one port, 100 and 102 at another; then a sipp UAS holds each port ---
  const phonePort = await freeUdpPort('127.0.0.1');
  const busyPort = await freeUdpPort('127.0.0.1');
  const register = async (users: string[], port: number) => {
    const result = await runSipp({
      scenario: 'register.xml',
      target: { port: server.udpPort },
      accounts: users.map((user) => account(user)),
      keys: { expires: 3600 },
      rate: 1_000,
      concurrency: 500,
      localPort: port,
      timeoutSeconds: Math.ceil(users.length / 1_000) + 30,
    });
    if (result.exitCode !== 0 || result.failed > 0) throw new Error(`registering ${users.length} phones failed:\n${result.diagnostics}`);
  };
  await register(['101', ...(SCHEMAS.includes('last-agent') ? agents : [])], phonePort);
  await register(['100', '102'], busyPort);
  const phones = await startSippProcess({ scenario: `${BENCH_SCENARIOS}answer-uas.xml`, localIp: '127.0.0.1', localPort: phonePort, traceMessages: process.env.TRACE_PHONES === '1' });
  const ringGroup = await startSippProcess({ scenario: `${BENCH_SCENARIOS}busy-uas.xml`, localIp: '127.0.0.1', localPort: busyPort });
  processes.push(phones, ringGroup);
  await sleep(500);
  // Building the dataset in this process is not the router's footprint: peak RSS counts from here.
  const setupPeakRss = peakRss;
  peakRss = 0;
  console.log(`phones: ${count(1 + (SCHEMAS.includes('last-agent') ? AGENTS : 0))} registered (answer at once), ring group 100 + 102 (486); caller talks ${TALK_MS} ms`);

  const callers = (schema: SchemaName) =>
    (schema === 'bridge' ? ['0671234567'] : agents.map((_, index) => callerOf(index))).map((caller) => `${caller};${CARRIER_IP};-`);

  /** The carrier places `calls` calls at `rate`; resolves with its counters. */
  const carrierCalls = async (schema: SchemaName, calls: number, rate: number, talkMs: number) => {
    const uac = await startSippProcess({
      scenario: `${BENCH_SCENARIOS}carrier-uac.xml`,
      target: `127.0.0.1:${server.udpPort}`,
      localIp: CARRIER_IP,
      localPort: carrierPort,
      injection: callers(schema),
      calls,
      rate,
      limit: Math.ceil(rate * (talkMs / 1000 + 5)) + 500,
      pauseMs: talkMs,
      keys: { dialled: NUMBERS[schema] },
      timeoutSeconds: Math.ceil(calls / rate + talkMs / 1000) + 40,
      traceResponseTimes: true,
    });
    processes.push(uac);
    return uac;
  };

  /** Customer 0's call reached agent 0 (its last agent), as the CDR of the leg towards the agent says. */
  const checkLastAgent = async () => {
    const query = { query: { bool: { filter: [{ term: { 'Call direction': 'inbound' } }, { term: { 'User ID': agents[0] } }] } }, size: 1 };
    const found = await until(async () => (await server.router.cdrStore.search(query)).hits.hits.length > 0, 5_000);
    const hit = (await server.router.cdrStore.search(query)).hits.hits[0]?._source;
    console.log(
      found
        ? `check: the call from ${callerOf(0)} rang its last agent ${agents[0]} (CDR: caller ${String(hit?.['CallerID number'])}, answered ${String(hit?.Answered)})`
        : `check: no CDR of a call to agent ${agents[0]} found`,
    );
  };

  const settle = async () => {
    await until(async () => (await phones.stats()).current === 0 && (await ringGroup.stats()).current === 0, 35_000);
    await sleep(COOLDOWN_SECONDS * 1000);
  };

  const describe = (schema: SchemaName) => (schema === 'bridge' ? 'bridge to 101' : `last-agent.json, ${count(CDR_DOCUMENTS)} CDRs, ${count(AGENTS)} agents`);
  const entries = new Map(SCHEMAS.map((schema) => [schema, { schema, best: 0 } as (typeof results)[number]]));
  results.push(...entries.values());
  const printDelta = (what: string, after: Map<string, number>, before: Map<string, number>) => {
    const lines = [...after].map(([kind, n]) => [kind, n - (before.get(kind) ?? 0)] as const).filter(([, n]) => n > 0);
    lines.sort((a, b) => b[1] - a[1]);
    if (lines.length > 0) console.log(`    ${what}:\n${lines.slice(0, 8).map(([kind, n]) => `      ${String(n).padStart(6)} × ${kind}`).join('\n')}`);
  };

  // Memory per call in progress, first, while nothing has run yet: MEMORY_CALLS calls held up, against idle.
  if (MEMORY_CALLS > 0) {
    console.log(`\n== memory: ${count(MEMORY_CALLS)} calls held ${HOLD_MS} ms ==`);
    for (const schema of SCHEMAS) {
      const entry = entries.get(schema)!;
      gc?.();
      await sleep(500);
      const idle = process.memoryUsage();
      const rate = Math.min(500, MEMORY_CALLS);
      const uac = await carrierCalls(schema, MEMORY_CALLS, rate, HOLD_MS);
      const held = await until(async () => (await phones.stats()).current >= MEMORY_CALLS, (MEMORY_CALLS / rate) * 1000 + 10_000);
      await sleep(1_000);
      gc?.();
      const busy = process.memoryUsage();
      const inProgress = (await phones.stats()).current;
      const code = await uac.exited;
      const stats = await uac.stats();
      if (held && code === 0 && stats.failed === 0) {
        entry.perCallKb = (busy.rss - idle.rss) / inProgress / 1024;
        entry.heapPerCallKb = (busy.heapUsed - idle.heapUsed) / inProgress / 1024;
        console.log(
          `${schema}: ${count(inProgress)} calls in progress: RSS ${mb(idle.rss)} → ${mb(busy.rss)}, heap ${mb(idle.heapUsed)} → ${mb(busy.heapUsed)}` +
            `${gc ? ' (after GC)' : ''}: ${entry.perCallKb.toFixed(1)} kB RSS, ${entry.heapPerCallKb.toFixed(1)} kB heap per call`,
        );
      } else {
        console.log(`${schema}: the ${count(MEMORY_CALLS)} held calls did not all come up (${inProgress} in progress, ${stats.successful} ok, ${stats.failed} failed, exit ${code})`);
        printDelta('caller (sipp error log)', await uac.errorSummary(), new Map());
      }
      await uac.cleanup();
      await settle();
    }
  }

  for (const schema of SCHEMAS) {
    console.log(`\n== ${schema} (${describe(schema)}): steps of ${STEP_SECONDS} s, talk ${TALK_MS} ms ==`);
    const entry = entries.get(schema)!;
    // Step the rate up until a step fails.
    for (const rate of RATES) {
      const calls = Math.max(1, Math.round(rate * STEP_SECONDS));
      const ringGroupBefore = (await ringGroup.stats()).created;
      const phonesBefore: SippStats = await phones.stats();
      const phoneErrorsBefore = await phones.errorSummary();
      const warningsBefore = warnings;
      const warningKindsBefore = new Map(warningKinds);
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const uac = await carrierCalls(schema, calls, rate, TALK_MS);
      const code = await uac.exited;
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      sampleRss();
      const stats = await uac.stats();
      await until(async () => (await phones.stats()).current === 0, 10_000);
      const phonesAfter = await phones.stats();
      const phoneFailures = phonesAfter.failed - phonesBefore.failed;
      const fallbacks = (await ringGroup.stats()).created - ringGroupBefore;
      // Whether the router kept up: the run less the last call's talk time is when the calls were set up (below the
      // offered rate when setups queue up in the router, or when sipp itself could not place them in time).
      const achieved = calls / Math.max(0.001, seconds - TALK_MS / 1000);
      const ok = code === 0 && stats.failed === 0 && stats.successful === calls && fallbacks === 0 && phoneFailures === 0 && achieved >= rate * 0.9;
      const cpuMicros = (cpu.user + cpu.system) / Math.max(1, stats.successful);
      const setup = await uac.responseTimes();
      const percentile = (p: number) => (setup.length > 0 ? `${Math.round(setup[Math.min(setup.length - 1, Math.floor((p / 100) * setup.length))])}` : '-');
      const setupText = `setup (INVITE → 200) p50 ${percentile(50)} ms, p99 ${percentile(99)} ms`;
      console.log(
        `${String(rate).padStart(5)} calls/s offered: ${count(stats.successful)}/${count(calls)} ok, ${stats.failed} failed, ` +
          `kept up at ${Math.round(achieved)}/s, ${setupText}, ${fallbacks} to the ring group, phones ${phonesAfter.successful - phonesBefore.successful} ok / ${phoneFailures} failed, ` +
          `router ${Math.round(cpuMicros)} µs CPU/call (${Math.round(((cpu.user + cpu.system) / 1e6 / seconds) * 100)}% of a core), ` +
          `${warnings - warningsBefore} warnings, RSS ${mb(process.memoryUsage.rss())}${ok ? '' : '  ← FAILED'}`,
      );
      if (!ok || phoneFailures > 0) {
        printDelta('caller (sipp error log)', await uac.errorSummary(), new Map());
        printDelta('phones (sipp error log)', await phones.errorSummary(), phoneErrorsBefore);
        printDelta('router warnings', warningKinds, warningKindsBefore);
      }
      await uac.cleanup();
      if (!ok) {
        entry.firstFailing = `${rate}/s: ${stats.failed} failed${fallbacks ? `, ${fallbacks} missed the agent` : ''}${phoneFailures ? `, ${phoneFailures} failed at the phones` : ''}${achieved < rate * 0.9 ? `, kept up at only ${Math.round(achieved)}/s` : ''}`;
        break;
      }
      entry.best = rate;
      entry.cpuMicros = cpuMicros;
      entry.setup = `${percentile(50)} / ${percentile(99)} ms`;
      if (schema === 'last-agent' && rate === RATES[0]) await checkLastAgent();
      await sleep(2_000);
    }
    await settle();
  }

  // --- figures ---
  console.log('\nbench:sip results (UDP on loopback, router and sipp sharing the cores)');
  const rows = [
    ['schema', 'max calls/s passing', 'setup p50 / p99 there', 'first failing step', 'router CPU/call', 'RSS/call in progress', 'heap/call'],
    ...results.map((row) => [
      row.schema,
      row.best > 0 ? String(row.best) : '-',
      row.setup ?? '-',
      row.firstFailing ?? `none up to ${RATES[RATES.length - 1]}/s`,
      row.cpuMicros !== undefined ? `${Math.round(row.cpuMicros)} µs` : '-',
      row.perCallKb !== undefined ? `${row.perCallKb.toFixed(1)} kB` : '-',
      row.heapPerCallKb !== undefined ? `${row.heapPerCallKb.toFixed(1)} kB` : '-',
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  for (const row of rows) console.log(`  ${row.map((cell, column) => cell.padEnd(widths[column])).join('  ')}`);
  console.log(`router peak RSS during calls: ${mb(peakRss)} (${mb(setupPeakRss)} while building the CDR dataset in-process); router warnings: ${warnings}; talk ${TALK_MS} ms, steps of ${STEP_SECONDS} s; memory: ${count(MEMORY_CALLS)} calls held ${HOLD_MS} ms, heap after GC`);
  if (results.some((row) => row.best === 0)) process.exitCode = 1;
} finally {
  clearInterval(sampler);
  await Promise.all(processes.map((sipp) => sipp.stop(3_000)));
  await Promise.all(processes.map((sipp) => sipp.cleanup()));
  await server.close();
}
