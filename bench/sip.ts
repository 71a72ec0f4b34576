/**
 * `npm run bench:sip` (scripts/bench-compiled.sh builds dist/ as `npm start`
 * does, and the bench itself): calls through the router, the router running
 * as its own process exactly as `npm start` runs it, beside a Kamailio
 * stateful proxy + registrar driven with the same call shape in the same run.
 *
 * The carrier (sipp on 127.0.0.2, the router's gateway address, so no
 * authentication) calls a public number; the router runs the route's schema
 * and bridges to a registered phone (one sipp UAS on 127.0.0.1 at which every
 * agent registered: 180, 200 with SDP at once); the caller talks TALK_MS and
 * hangs up. Scenarios, each at every log level of LOG_LEVELS (one router
 * process per level):
 *  - bridge:     [{"bridge":{"endpoints":[{"type":"user","name":"101"}]}}]
 *  - last-agent: examples/last-agent.json over CDR_DOCUMENTS CDRs of 30 days plus one recent outbound call per
 *    agent; call i comes from customer i mod AGENTS, whose last agent is agent i mod AGENTS. The fallback ring
 *    group (100 + 102) answers 486, so a call that misses its agent fails the step.
 *  - kamailio:   the carrier's INVITE relayed to user 101's registered contact (the bridge's call shape).
 *
 * The offered rate steps through RATES; at each rate every system still
 * passing runs one step of STEP_SECONDS, one after the other (interleaved, so
 * a change in the machine's load hits all alike). A step fails on a failed or
 * refused call, a call that missed its agent, a phone that saw an unexpected
 * message, or setups completing under 90% of the offered rate. Then memory
 * (live heap after a full GC, per registration and per call in progress —
 * against idle after a hundred calls, so code compiled once is not counted), and
 * an overload step per router scenario at OVERLOAD_FACTOR × its best rate for
 * OVERLOAD_SECONDS, followed by a recovery step at half the best rate.
 *
 * QUICK=1: a smoke run of about a minute (small dataset, two short steps).
 * Env: RATES (empty: memory alone), STEP_SECONDS (10), TALK_MS (1000), AGENTS (5000), CDR_DOCUMENTS (100000), MEMORY_CALLS (1000),
 * HOLD_MS (8000), MEMORY_SETTLE_SECONDS (33; QUICK 0, so its memory figures include live transactions), SCHEMAS (bridge,last-agent), LOG_LEVELS (info,warn), KAMAILIO (1; 0 leaves it out),
 * KAMAILIO_WORKERS (4), OVERLOAD_SECONDS (60; 0 leaves the overload step out), OVERLOAD_FACTOR (2), COOLDOWN_SECONDS (2),
 * ROUTER_NODE_ARGS (more node options for the router processes, comma-separated, %s = the log level; e.g.
 * --cpu-prof,--cpu-prof-dir=/tmp/prof-%s writes a CPU profile of each when it stops), BASELINE_BIN (another
 * checkout's bin/callrouter.js, built: its router runs beside this one's, interleaved, for a before/after
 * comparison that a loaded machine affects alike; BASELINE_BIN=bin/callrouter.js with BASELINE_NODE_ARGS compares node
 * options on one build, e.g. BASELINE_NODE_ARGS=--single-threaded-gc), ROUTER_SIP_CALLS (the routers' sip.calls as JSON, e.g.
 * '{"maxReceiveQueueMs":200}', to compare admission limits), ROUTER_HEAP_LIMIT_MB and ROUTER_SEMI_SPACE_MB (the routers' process.heapLimitMB and process.semiSpaceMB), HEAP_SNAPSHOT (a folder: heap snapshots of each router before and after
 * its registrations, idle and while the memory step holds its calls, and right after each step and MEMORY_SETTLE_SECONDS later, to see what each keeps), ALLOCATIONS (a folder: an allocation profile of
 * each router step, garbage included, to see what makes the collector work), KEEP_WORK (1: the work folder and each
 * router's whole log are kept and named at the end, to see why a step failed), KEEP_GOING (1: a system that failed a step
 * runs the later ones too, for rounds of CPU per call compared on a loaded machine).
 */
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { documentsOf, generateLegs, leg, numberForms, TIME_ZONE } from '../test/support/cdr/dataset.js';
import { freeUdpPort, runSipp } from '../test/support/sip/sipp.js';
import { openSqliteCdrStore } from '../src/cdr/sqlite/store.js';
import { ensureKamailio, startKamailio, type KamailioProcess } from './sip/kamailio.js';
import { freeTcpPort, startRouterProcess, writeRouterConfig, type RouterProcess } from './sip/router-process.js';
import { startSippProcess, type SippProcess } from './sip/sipp-process.js';
import { carrierScenario, describeStep, printKinds, runStep, settle, table, type Carrier, type StepFigures, type SystemUnderTest } from './sip/steps.js';

const QUICK = process.env.QUICK === '1';
const list = (value: string | undefined, fallback: string) => (value ?? fallback).split(',').map((item) => item.trim()).filter(Boolean);
const setting = (name: string, full: number, quick: number) => Number(process.env[name] ?? (QUICK ? quick : full));
const RATES = list(process.env.RATES, QUICK ? '200' : '250,500,750,1000,1250,1500,2000,2500,3000,4000,5000').map(Number);
const STEP_SECONDS = setting('STEP_SECONDS', 10, 3);
const TALK_MS = setting('TALK_MS', 1_000, 500);
const AGENTS = setting('AGENTS', 5_000, 300);
const CDR_DOCUMENTS = setting('CDR_DOCUMENTS', 100_000, 5_000);
const MEMORY_CALLS = setting('MEMORY_CALLS', 1_000, 100);
const HOLD_MS = setting('HOLD_MS', 8_000, 3_000);
const OVERLOAD_SECONDS = setting('OVERLOAD_SECONDS', 60, 3);
const OVERLOAD_FACTOR = setting('OVERLOAD_FACTOR', 2, 2);
const COOLDOWN_MS = setting('COOLDOWN_SECONDS', 2, 1) * 1000;
/** Before each memory figure: 64×T1 and a second, so no transaction of what ran before is left. */
const MEMORY_SETTLE_MS = setting('MEMORY_SETTLE_SECONDS', 33, 0) * 1000;
const KAMAILIO_WORKERS = setting('KAMAILIO_WORKERS', 4, 4);
/** A folder for a heap snapshot of each router while its memory step's calls are held. */
const HEAP_SNAPSHOT = process.env.HEAP_SNAPSHOT ? resolve(process.env.HEAP_SNAPSHOT) : undefined;
/** A folder for an allocation profile of each router step (open it in Chrome's DevTools, Memory tab). */
const ALLOCATIONS = process.env.ALLOCATIONS ? resolve(process.env.ALLOCATIONS) : undefined;
const SCHEMAS = list(process.env.SCHEMAS, 'bridge,last-agent') as ('bridge' | 'last-agent')[];
const LOG_LEVELS = list(process.env.LOG_LEVELS, 'info,warn');
/** KEEP_WORK=1: the work folder stays, with each router's whole log (to see why a step failed). */
const KEEP_WORK = process.env.KEEP_WORK === '1';
/** KEEP_GOING=1: a system that failed a step runs the next ones too (rounds of CPU per call, A/B, on a loaded machine). */
const KEEP_GOING = process.env.KEEP_GOING === '1';

const DOMAIN = 'e2e.callrouter.test';
const CARRIER_IP = '127.0.0.2';
const NUMBERS = { bridge: '0441234567', 'last-agent': '0441234568' } as const;
const SCENARIOS = resolve('bench/sip');
const REGISTER_SCENARIO = resolve('test/sip/scenarios/register.xml');
const MB = 2 ** 20;
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`;
const passwordOf = (user: string) => `secret-${user}`;
const agents = Array.from({ length: AGENTS }, (_, index) => String(10_000 + index));
/** Customer i (national 6xxxxxxxx, outside the dataset's 5xxxxxxxx) last talked to agent i. */
const customerNational = (index: number) => String(600_000_000 + index);

const work = await mkdtemp(join(tmpdir(), 'callrouter-bench-sip-'));
const routers: RouterProcess[] = [];
const sipps: SippProcess[] = [];
let kamailio: KamailioProcess | undefined;
console.log(`bench:sip${QUICK ? ' (QUICK)' : ''}: ${new Date().toISOString()}, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}, work in ${work}`);

try {
  // --- the CDR store for last-agent, built once in this process and copied to each router's data directory ---
  const cdrTemplate = join(work, 'cdr-template.sqlite');
  if (SCHEMAS.includes('last-agent')) await buildCdrStore(cdrTemplate);

  // --- the systems: a router process per log level, Kamailio ---
  const carrierPort = await freeUdpPort(CARRIER_IP);
  // BASELINE_BIN: a second router per log level from another checkout's bin/callrouter.js, interleaved with this one.
  const builds = [{ label: '', bin: 'bin/callrouter.js' }, ...(process.env.BASELINE_BIN ? [{ label: 'baseline ', bin: process.env.BASELINE_BIN }] : [])];
  for (const level of LOG_LEVELS) {
    for (const build of builds) {
      const dir = join(work, `router-${build.label.trim()}${level}`);
      await mkdir(join(dir, 'data'), { recursive: true });
      if (SCHEMAS.includes('last-agent')) await copyFile(cdrTemplate, join(dir, 'data', 'cdr.sqlite'));
      const [sipPort, httpPort] = [await freeUdpPort(), await freeTcpPort()];
      const configFile = await writeRouterConfig({
        dir,
        sipPort,
        httpPort,
        logLevel: level,
        domain: DOMAIN,
        users: ['100', '101', '102', ...agents],
        passwordOf,
        gateway: { host: CARRIER_IP, port: carrierPort },
        timeZone: TIME_ZONE,
        ...(process.env.ROUTER_SIP_CALLS ? { sipCalls: JSON.parse(process.env.ROUTER_SIP_CALLS) as Record<string, unknown> } : {}),
        process: {
          ...(process.env.ROUTER_HEAP_LIMIT_MB ? { heapLimitMB: Number(process.env.ROUTER_HEAP_LIMIT_MB) } : {}),
          ...(process.env.ROUTER_SEMI_SPACE_MB ? { semiSpaceMB: Number(process.env.ROUTER_SEMI_SPACE_MB) } : {}),
        },
        routes: [
          { name: 'bridge', number: NUMBERS.bridge, schema: [{ bridge: { endpoints: [{ type: 'user', name: '101' }] } }] },
          { name: 'last-agent', number: NUMBERS['last-agent'], schema: resolve('examples/last-agent.json') },
        ],
      });
      const extraArgs = build.label ? list(process.env.BASELINE_NODE_ARGS, '') : [];
      const nodeArgs = [...list(process.env.ROUTER_NODE_ARGS, ''), ...extraArgs].map((arg) => arg.replace('%s', `${build.label.trim()}${level}`));
      routers.push(await startRouterProcess({ name: `${build.label}log ${level}`, configFile, sipPort, httpPort, logFile: join(dir, 'router.log'), bin: build.bin, nodeArgs, keepLog: KEEP_WORK }));
    }
  }
  const kamailioMissing = process.env.KAMAILIO === '0' ? 'KAMAILIO=0' : ensureKamailio();
  if (kamailioMissing) console.log(`Kamailio left out: ${kamailioMissing}`);
  else kamailio = await startKamailio(join(work), await freeUdpPort(), NUMBERS.bridge, '101', KAMAILIO_WORKERS);

  // --- phones: registered with every system; heap per registration on the first router ---
  const phonePort = await freeUdpPort();
  const busyPort = await freeUdpPort();
  const register = async (users: string[], port: number, target: number) => {
    const result = await runSipp({
      scenario: REGISTER_SCENARIO,
      target: { port: target },
      accounts: users.map((user) => ({ user, domain: DOMAIN, password: passwordOf(user) })),
      keys: { expires: 3600 },
      rate: 1_000,
      concurrency: 500,
      localPort: port,
      timeoutSeconds: Math.ceil(users.length / 1_000) + 30,
    });
    if (result.exitCode !== 0 || result.failed > 0) throw new Error(`registering ${users.length} phones at ${target} failed:\n${result.diagnostics}`);
  };
  const phoneUsers = ['101', ...(SCHEMAS.includes('last-agent') ? agents : [])];
  const memoryLines: string[] = [];
  // Memory is measured on the routers of the first log level (this build's, and the baseline's when there is one).
  const measured = routers.filter((router) => router.name.endsWith(`log ${LOG_LEVELS[0]}`));
  const before = new Map<RouterProcess, number>();
  /** What the step's calls leave behind while their transactions end (up to 64×T1 after each call), and what stays. */
  const snapshotsAfterStep = async (system: SystemUnderTest, rate: number) => {
    const file = (what: string) => join(HEAP_SNAPSHOT!, `${system.label.replace(/\W+/g, '-')}-${rate}-${what}.heapsnapshot`);
    await system.heapSnapshot!(file('after'));
    await sleep(MEMORY_SETTLE_MS);
    await system.heapSnapshot!(file('settled'));
  };
  const snapshotFile = (router: RouterProcess, what: string) => join(HEAP_SNAPSHOT!, `${router.name.replace(/\W+/g, '-')}-${what}.heapsnapshot`);
  for (const router of measured) {
    before.set(router, (await router.liveHeap()).heapUsedBytes);
    if (HEAP_SNAPSHOT) await router.heapSnapshot(snapshotFile(router, 'before-registrations'));
  }
  for (const router of routers) {
    await register(phoneUsers, phonePort, router.sipPort);
    await register(['100', '102'], busyPort, router.sipPort);
  }
  // The REGISTER transactions live 64×T1 after their answers: only then is what is left the registrations.
  await sleep(MEMORY_SETTLE_MS);
  for (const router of measured) {
    const after = await router.liveHeap();
    const registrations = phoneUsers.length + 2;
    if (HEAP_SNAPSHOT) await router.heapSnapshot(snapshotFile(router, `${registrations}-registrations`));
    memoryLines.push(
      `registrations: ${count(registrations)} at router ${router.name}: live heap ${mb(before.get(router)!)} → ${mb(after.heapUsedBytes)}, ` +
        `${((after.heapUsedBytes - before.get(router)!) / registrations / 1024).toFixed(2)} kB per registration (RSS ${mb(after.rssBytes)})`,
    );
  }
  if (kamailio) {
    const before = await kamailio.pssBytes();
    await register(['101'], phonePort, kamailio.port);
    console.log(`kamailio: 101 registered (PSS ${mb(before)} → ${mb(await kamailio.pssBytes())})`);
  }
  const phones = await startSippProcess({ scenario: join(SCENARIOS, 'answer-uas.xml'), localIp: '127.0.0.1', localPort: phonePort });
  const ringGroup = await startSippProcess({ scenario: join(SCENARIOS, 'busy-uas.xml'), localIp: '127.0.0.1', localPort: busyPort });
  sipps.push(phones, ringGroup);
  await sleep(500);
  console.log(`phones: ${count(phoneUsers.length)} registered with each router (answer at once), ring group 100 + 102 (486); the caller talks ${TALK_MS} ms`);

  const carrierSource = join(SCENARIOS, 'carrier-uac.xml');
  const carrier: Carrier = { scenario: await carrierScenario(carrierSource, work, TALK_MS), ip: CARRIER_IP, port: carrierPort, talkMs: TALK_MS, phones };
  const routerSystem = (router: RouterProcess, schema: 'bridge' | 'last-agent'): SystemUnderTest => ({
    label: `router ${schema}, ${router.name}`,
    target: `127.0.0.1:${router.sipPort}`,
    dialled: NUMBERS[schema],
    callers: schema === 'bridge' ? [`0671234567;${CARRIER_IP};-`] : agents.map((_, index) => `0${customerNational(index)};${CARRIER_IP};-`),
    cpuSeconds: async () => (await router.figures()).cpuSeconds,
    threadCpuSeconds: async () => (await router.figures()).threadCpuSeconds,
    async memory() {
      const live = await router.liveHeap();
      return `RSS ${mb((await router.figures()).rssBytes)}, live heap ${mb(live.heapUsedBytes)}`;
    },
    refusals: () => router.refusals(),
    takeWarnings: () => router.takeWarnings(),
    fallbacks: async () => (await ringGroup.stats()).created,
    sampleAllocations: () => router.sampleAllocations(),
    heapSnapshot: (file) => router.heapSnapshot(file),
    rssBytes: async () => (await router.figures()).rssBytes,
  });
  const systems: SystemUnderTest[] = SCHEMAS.flatMap((schema) => routers.map((router) => routerSystem(router, schema)));
  if (kamailio) {
    const proxy = kamailio;
    systems.push({
      label: `kamailio proxy (${KAMAILIO_WORKERS} workers)`,
      target: `127.0.0.1:${proxy.port}`,
      dialled: NUMBERS.bridge,
      callers: [`0671234567;${CARRIER_IP};-`],
      cpuSeconds: () => proxy.cpuSeconds(),
      memory: async () => `PSS ${mb(await proxy.pssBytes())}`,
      refusals: async () => 0,
      takeWarnings: async () => new Map(),
    });
  }

  /**
   * `calls` calls placed at up to 200/s and held `holdMs`; `whileHeld` runs once `up` (by default the phones' count of
   * calls in progress) says they are all up, or 10 s after the last was placed.
   */
  const holdCalls = async (system: SystemUnderTest, calls: number, holdMs: number, whileHeld?: () => Promise<void>, up = async () => (await phones.stats()).current) => {
    const rate = Math.min(200, calls);
    const uac = await startSippProcess({
      scenario: await carrierScenario(carrierSource, work, holdMs),
      target: system.target,
      localIp: CARRIER_IP,
      localPort: carrierPort,
      injection: system.callers,
      calls,
      rate,
      limit: calls,
      pauseMs: holdMs,
      keys: { dialled: system.dialled },
      timeoutSeconds: Math.ceil(calls / rate + holdMs / 1000) + 40,
    });
    const deadline = Date.now() + (calls / rate) * 1000 + 10_000;
    while ((await up()) < calls && Date.now() < deadline) await sleep(100);
    await whileHeld?.();
    await uac.exited;
    await uac.cleanup();
    await settle([phones, ringGroup], COOLDOWN_MS);
  };

  // --- memory per call in progress: MEMORY_CALLS calls held HOLD_MS, live heap against idle (after a few calls, so not counting code compiled once) ---
  for (const router of MEMORY_CALLS > 0 ? measured : []) {
    for (const schema of SCHEMAS) {
      const system = routerSystem(router, schema);
      // A few calls first, so the code their path compiles (once, whatever the number of calls) is in idle's heap too.
      await holdCalls(system, Math.min(100, MEMORY_CALLS), 1_000);
      // The transactions of what ran before end 64×T1 after it: idle means without them.
      await sleep(MEMORY_SETTLE_MS);
      const idle = await router.liveHeap();
      if (HEAP_SNAPSHOT) await router.heapSnapshot(snapshotFile(router, `${schema}-idle`));
      let inProgress = 0;
      let counts = '';
      let held = idle;
      // The router's own count of answered calls: on a loaded machine the phones' sipp counts calls it has not let go of yet.
      const answeredCalls = async () => {
        const { inProgress, inSetup } = await router.calls();
        return inProgress - inSetup;
      };
      await holdCalls(
        system,
        MEMORY_CALLS,
        HOLD_MS,
        async () => {
          const [before, phoneCalls] = [await router.calls(), (await phones.stats()).current];
          held = await router.liveHeap();
          const after = await router.calls();
          inProgress = Math.round((before.inProgress + after.inProgress) / 2);
          counts = ` (the router's count, ${before.inProgress} → ${after.inProgress} while measured, ${after.inSetup} unanswered; the phones' ${phoneCalls})`;
          if (HEAP_SNAPSHOT) await router.heapSnapshot(snapshotFile(router, `${schema}-${inProgress}-calls`));
        },
        answeredCalls,
      );
      // Fewer calls up than asked (refused, or sipp starved on a loaded machine) would make a per-call figure of noise.
      const perCall =
        inProgress >= MEMORY_CALLS * 0.9 ? `${((held.heapUsedBytes - idle.heapUsedBytes) / inProgress / 1024).toFixed(1)} kB per call` : `no figure: ${count(MEMORY_CALLS)} were placed`;
      memoryLines.push(
        `${schema}: ${count(inProgress)} calls in progress${counts} at router ${router.name}: live heap ${mb(idle.heapUsedBytes)} → ${mb(held.heapUsedBytes)}, ` +
          `${perCall} (RSS ${mb(idle.rssBytes)} → ${mb(held.rssBytes)})`,
      );
    }
  }
  console.log(memoryLines.join('\n'));

  // --- the steps, interleaved ---
  console.log(`\n== steps of ${STEP_SECONDS} s, talk ${TALK_MS} ms; each rate runs on every system still passing ==`);
  const best = new Map<string, StepFigures>();
  const firstFailing = new Map<string, StepFigures>();
  for (const rate of RATES) {
    const running = systems.filter((system) => KEEP_GOING || !firstFailing.has(system.label));
    if (running.length === 0) break;
    for (const system of running) {
      const sampling = ALLOCATIONS ? await system.sampleAllocations?.() : undefined;
      const step = await runStep(system, carrier, rate, STEP_SECONDS);
      await sampling?.stop(join(ALLOCATIONS!, `${system.label.replace(/\W+/g, '-')}-${rate}.heapprofile`));
      console.log(describeStep(step));
      if (step.ok) best.set(system.label, step);
      else if (!firstFailing.has(system.label)) firstFailing.set(system.label, step);
      await settle([phones, ringGroup], COOLDOWN_MS);
      if (HEAP_SNAPSHOT && system.heapSnapshot) await snapshotsAfterStep(system, rate);
    }
  }

  // --- overload: OVERLOAD_FACTOR × the best rate, then half the best rate to show service is back ---
  const overloadLines: string[] = [];
  for (const system of systems.filter((candidate) => OVERLOAD_SECONDS > 0 && candidate.label.startsWith('router') && measured.some((router) => candidate.label.endsWith(`, ${router.name}`)))) {
    const clean = best.get(system.label);
    if (!clean) continue;
    console.log(`\n== overload: ${system.label} at ${OVERLOAD_FACTOR}× its best ${clean.offered}/s for ${OVERLOAD_SECONDS} s ==`);
    const overload = await runStep(system, carrier, clean.offered * OVERLOAD_FACTOR, OVERLOAD_SECONDS);
    console.log(describeStep(overload));
    // The router's 503 count read every second of the recovery step: when service was back.
    const refusalsAt = [await system.refusals()];
    const sampler = setInterval(() => void system.refusals().then((count) => refusalsAt.push(count)), 1000);
    const recovery = await runStep(system, carrier, Math.round(clean.offered / 2), 5).finally(() => clearInterval(sampler));
    const refusalsPerSecond = refusalsAt.slice(1).map((count, second) => count - refusalsAt[second]);
    console.log(`recovery: ${describeStep(recovery)}\n  503s sent in each second of the recovery step: ${refusalsPerSecond.join(', ')}`);
    overloadLines.push(
      `${system.label}: offered ${overload.offered}/s: completed ${Math.round(overload.achieved)}/s (${Math.round((overload.achieved / clean.achieved) * 100)}% of the clean ${Math.round(clean.achieved)}/s), ` +
        `${overload.refused} 503s sent, ${overload.failed} failed, setup p99 ${Math.round(overload.setupP99)} ms; right after, ${recovery.offered}/s ${recovery.ok ? 'passed' : 'FAILED'} ` +
        `(503s per second: ${refusalsPerSecond.join(', ')})`,
    );
    await settle([phones, ringGroup], COOLDOWN_MS);
  }

  // --- figures ---
  const kamailioBest = [...best.values()].find((step) => step.system.startsWith('kamailio'));
  console.log(`\nbench:sip results: UDP on loopback, router, Kamailio and sipp sharing ${QUICK ? 'the cores (QUICK run: small, not figures to quote)' : 'the cores'}; load average now ${loadavg()[0].toFixed(2)}`);
  const rows = [['system', 'best clean calls/s', 'vs Kamailio', 'setup p50/p99', 'CPU/call', 'memory after', 'load', 'first failing step']];
  for (const system of systems) {
    const top = best.get(system.label);
    const failing = firstFailing.get(system.label);
    rows.push([
      system.label,
      top ? String(top.offered) : '-',
      top && kamailioBest ? `${(top.offered / kamailioBest.offered).toFixed(2)}×` : '-',
      top ? `${Math.round(top.setupP50)} / ${Math.round(top.setupP99)} ms` : '-',
      top ? `${Math.round(top.cpuMicrosPerCall)} µs` : '-',
      top?.memory ?? '-',
      top ? top.load.toFixed(1) : '-',
      failing ? `${failing.offered}/s (${failing.completed}/${failing.calls} ok, ${failing.failed} failed, ${failing.refused} 503s, ${Math.round(failing.achieved)}/s)` : RATES.length > 0 ? `none up to ${RATES.at(-1)}/s` : '-',
    ]);
  }
  console.log(table(rows));
  if (kamailioBest) console.log(`CPU per call vs Kamailio: ${systems.filter((s) => best.has(s.label)).map((s) => `${s.label} ${(best.get(s.label)!.cpuMicrosPerCall / kamailioBest.cpuMicrosPerCall).toFixed(1)}×`).join('; ')}`);
  console.log(memoryLines.concat(overloadLines).join('\n'));
  // RATES= (none) measures memory alone: no step is then no failure.
  if (RATES.length > 0 && systems.some((system) => !best.has(system.label))) process.exitCode = 1;
} finally {
  await Promise.all(sipps.map((sipp) => sipp.stop(3_000)));
  await Promise.all(sipps.map((sipp) => sipp.cleanup()));
  await kamailio?.stop();
  for (const router of routers) {
    printKinds(`router ${router.name}: warnings since the last step`, await router.takeWarnings().catch(() => new Map()));
    await router.stop();
  }
  if (KEEP_WORK) console.log(`kept: ${work} (each router's configuration, data and whole log)`);
  else await rm(work, { recursive: true, force: true });
}

/** CDR_DOCUMENTS legs of 30 days, then each agent's recent outbound call to its customer. */
async function buildCdrStore(path: string): Promise<void> {
  const started = performance.now();
  const store = openSqliteCdrStore({ path, flushEachWrite: false });
  const now = new Date();
  const BATCH = 5_000;
  for (let done = 0; done < CDR_DOCUMENTS; done += BATCH) {
    const legs = generateLegs(Math.min(BATCH, CDR_DOCUMENTS - done), now, 30, done + 1, { agents: 200, customers: 100_000 });
    await store.index(documentsOf(legs.map((record) => ({ ...record, domain: DOMAIN }))));
    process.stderr.write(`\rCDR store: ${count(done + legs.length)} documents…`);
  }
  const recent = Date.now() - 60_000;
  const legs = agents.map((agent, index) => {
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
  await store.index(documentsOf(legs));
  await store.close();
  process.stderr.write('\n');
  console.log(`CDR store: ${count(CDR_DOCUMENTS)} documents of 30 days + ${count(AGENTS)} recent agent calls, built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
