/**
 * `npm run bench:media`: the router as `npm start` runs it (compiled dist/,
 * its own process, a configuration generated here) carrying the media of
 * calls placed over SIP by a carrier (bench/media-carrier.ts, 127.0.0.2, the
 * router's gateway), their RTP from the native load phones
 * (bench/media-phones.ts). The modes and load are in bench/media-harness.ts;
 * here each call kind is a public number whose schema does what real flows do:
 * - ivr: answer, a looping prompt with getDigits (up to 200 digits, ended
 *   by #) into `pressed`, then the prompt again. The phone presses # before
 *   it hangs up; each call's CDR must hold exactly the digits it pressed.
 * - relay: answer, a short prompt (so the media is the router's), then a
 *   bridge to the carrier, which answers with the call's second phone.
 * - record: recordSession, then the same bridge.
 * Reported from the router's /metrics: its media clock's tick intervals,
 * RTP packets sent and received, CPU, memory; and the signalling it did
 * meanwhile (calls set up per second, set-up time). THREADS sets
 * media.threads.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteCdrStore } from '../src/cdr/sqlite/store.js';
import { SLOT_INTERVAL_BOUNDS_MS } from '../src/media/session/ticker.js';
import { freeUdpPort } from '../test/support/sip/sipp.js';
import { Carrier, type PlacedCall } from './media-carrier.js';
import { DIGIT_SLOTS } from './media-phones.js';
import { runMediaBench, type Call, type CallKind, type MediaSystem, type SystemReport } from './media-harness.js';
import { freeTcpPort, startRouterProcess, writeRouterConfig } from './sip/router-process.js';

const CARRIER_IP = '127.0.0.2';
const DOMAIN = 'bench.example';
const NUMBERS: Record<CallKind, string> = { ivr: '0441000001', relay: '0441000002', record: '0441000003' };
const PROMPT = { type: 'tone', name: '%(1000,0,440);loops=-1' };
const TO_CARRIER = { bridge: { endpoints: [{ type: 'gateway', name: 'carrier', dialString: '${caller_id_number}' }] } };
const SCHEMAS: Record<CallKind, unknown[]> = {
  ivr: [
    { answer: '' },
    { playback: { files: [PROMPT], terminator: '#', getDigits: { min: 1, max: 200, timeout: 3_600_000, setVar: 'pressed' } } },
    { playback: { files: [PROMPT] } },
  ],
  relay: [{ answer: '' }, { playback: { files: [{ type: 'silence', name: '100' }] } }, TO_CARRIER],
  record: [{ recordSession: { action: 'start', name: 'bench' } }, TO_CARRIER],
};
const HASH_EVENT = 11;
/** The phones' caller numbers: a call's number names it when the router's bridge comes back to the carrier. */
const FIRST_CALLER = 380_500_000_000;

interface Link {
  placed: PlacedCall;
  callerNumber: string;
}

const work = await mkdtemp(join(tmpdir(), 'bench-media-router-'));
const dataDir = join(work, 'data');
await mkdir(dataDir, { recursive: true });
const [sipPort, httpPort, carrierPort] = [await freeUdpPort(), await freeTcpPort(), await freeUdpPort(CARRIER_IP)];
const configFile = await writeRouterConfig({
  dir: work,
  sipPort,
  httpPort,
  logLevel: process.env.LOG_LEVEL_ROUTER ?? 'warn',
  domain: DOMAIN,
  users: ['100'],
  passwordOf: () => 'bench-secret-100',
  gateway: { host: CARRIER_IP, port: carrierPort },
  timeZone: 'Europe/Kyiv',
  media: { bindAddress: '127.0.0.1', ...(process.env.THREADS ? { threads: Number(process.env.THREADS) } : {}) },
  routes: (Object.keys(NUMBERS) as CallKind[]).map((kind) => ({ name: kind, number: NUMBERS[kind], schema: SCHEMAS[kind] })),
});
const router = await startRouterProcess({ name: 'router', configFile, sipPort, httpPort, logFile: join(work, 'router.log'), bin: 'bin/callrouter.js', nodeArgs: [] });
const carrier = await Carrier.open(CARRIER_IP, carrierPort, { address: '127.0.0.1', port: sipPort });

/**
 * Calls waiting for the router's bridge to reach the carrier, by the caller
 * number's last nine digits (the router writes it in national format,
 * 0500000000 for 380500000000): their second phone answers it.
 */
const bridging = new Map<string, { call: Call<Link>; joined(): void }>();
const bridgeKey = (number: string) => number.slice(-9);
const BRIDGE_WAIT_MS = 10_000;
carrier.onOffer = (offer) => {
  const key = bridgeKey(offer.user);
  const waiting = bridging.get(key);
  if (!waiting) return undefined;
  bridging.delete(key);
  const callee = waiting.call.phones[1];
  // As a phone starts sending once it has answered: a packet that came before the router read the 200 would have nowhere to go yet.
  setTimeout(() => {
    callee.join(offer.offerSdp);
    waiting.joined();
  }, 50);
  return callee.offer();
};

let nextCaller = FIRST_CALLER;
/** What each IVR call pressed, by its Call-ID, for the CDRs at the end. */
const pressedByCallId = new Map<string, string>();
let before: { cpuSeconds: number; slotIntervals: number[] } | undefined;

/** The router's /metrics now: a series' value by its name and labels as written there. */
async function metrics(): Promise<{ value(series: string): number }> {
  const lines = (await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text()).split('\n');
  return { value: (series) => Number(lines.find((line) => line.startsWith(`${series} `))?.split(' ')[1] ?? NaN) };
}

function slotIntervals(reading: { value(series: string): number }): number[] {
  return SLOT_INTERVAL_BOUNDS_MS.map(String).concat('+Inf').map((bound) => reading.value(`callrouter_media_slot_intervals_total{upto_ms="${bound}"}`) || 0);
}

/** Each IVR call's CDR against what its phone pressed (the router stopped: every CDR is written). */
async function checkDigits(): Promise<{ heard: number; mismatches: number; notes: string[] }> {
  const store = openSqliteCdrStore({ path: join(dataDir, 'cdr.sqlite') });
  const heardByCallId = new Map<string, string>();
  try {
    // Pages after the last one's sort values: a long soak has more IVR calls than one search may page through (10,000).
    let after: unknown[] | undefined;
    for (;;) {
      const page = await store.search({
        query: { exists: { field: 'variables.pressed' } },
        sort: [{ 'Call start time': 'asc' }, { 'variables.uuid': 'asc' }],
        size: 5_000,
        ...(after ? { search_after: after } : {}),
      });
      for (const hit of page.hits.hits) {
        const variables = (hit._source?.variables ?? {}) as Record<string, unknown>;
        if (typeof variables.sip_call_id === 'string') heardByCallId.set(variables.sip_call_id, String(variables.pressed));
      }
      if (page.hits.hits.length < 5_000) break;
      after = page.hits.hits.at(-1)!.sort;
    }
  } finally {
    await store.close();
  }
  let heard = 0;
  let mismatches = 0;
  for (const [callId, pressed] of pressedByCallId) {
    const got = heardByCallId.get(callId);
    heard += got?.length ?? 0;
    if (got !== pressed) mismatches += 1;
  }
  const missing = [...pressedByCallId.keys()].filter((callId) => !heardByCallId.has(callId)).length;
  return { heard, mismatches, notes: missing > 0 ? [`${missing} IVR calls without a CDR naming their digits`] : [] };
}

/** `promise`, or an error once `ms` have passed without it. */
async function within(promise: Promise<void>, ms: number, what: string): Promise<void> {
  const timer = new AbortController();
  const late = sleep(ms, undefined, { signal: timer.signal }).then(() => {
    throw new Error(`${what} in ${ms} ms`);
  });
  try {
    await Promise.race([promise, late]);
  } finally {
    timer.abort();
    await late.catch(() => undefined);
  }
}

const system: MediaSystem<Link> = {
  name: 'router process',
  // The IVR's input ends on #: its phones press 0–9.
  digitEvents: 10,
  async connect(call) {
    const callerNumber = String(nextCaller++);
    const key = bridgeKey(callerNumber);
    // A bridged call is connected once its second phone has answered the router's bridge.
    const bridged = call.kind === 'ivr' ? undefined : new Promise<void>((joined) => bridging.set(key, { call, joined }));
    try {
      const placed = await carrier.call(NUMBERS[call.kind], callerNumber, call.phones[0].offer());
      call.phones[0].join(placed.answerSdp);
      if (bridged) await within(bridged, BRIDGE_WAIT_MS, `the router's bridge for ${callerNumber} did not reach the carrier`);
      return { placed, callerNumber };
    } finally {
      bridging.delete(key);
    }
  },
  async beforeHangUp(call, slot) {
    if (call.kind !== 'ivr') return;
    const [phone] = call.phones;
    // A digit still being sent finishes first.
    if (phone.pressing(slot)) await sleep((DIGIT_SLOTS + 2) * 20);
    phone.press(HASH_EVENT, slot + DIGIT_SLOTS + 2);
    await sleep(200);
  },
  async hangUp(call, link) {
    if (call.kind === 'ivr') pressedByCallId.set(link.placed.callId, call.phones[0].digitsSent.replace(/#$/, ''));
    await link.placed.hangUp();
  },
  async measure() {
    const reading = await metrics();
    before = { cpuSeconds: reading.value('callrouter_process_cpu_seconds_total'), slotIntervals: slotIntervals(reading) };
  },
  async resources() {
    const reading = await metrics();
    return {
      rssMb: reading.value('callrouter_process_resident_memory_bytes') / 2 ** 20,
      heapUsedMb: reading.value('callrouter_nodejs_heap_size_used_bytes') / 2 ** 20,
      fileDescriptors: reading.value('callrouter_process_open_fds'),
      sessions: reading.value('callrouter_media_sessions'),
    };
  },
  async finish(calls): Promise<SystemReport> {
    const atEnd = await metrics();
    const start = before!;
    await Promise.all(calls.filter((call) => call.link).map((call) => this.hangUp(call, call.link!)));
    let reading = await metrics();
    for (let waited = 0; reading.value('callrouter_media_sessions') > 0 && waited < 10_000; waited += 100) {
      await sleep(100);
      reading = await metrics();
    }
    const packets = { sent: reading.value('callrouter_media_packets_total{direction="sent"}'), received: reading.value('callrouter_media_packets_total{direction="received"}') };
    const slotFailures = reading.value('callrouter_media_slot_failures');
    await router.stop();
    const digits = await checkDigits();
    return {
      cpuMicros: (atEnd.value('callrouter_process_cpu_seconds_total') - start.cpuSeconds) * 1e6,
      slotIntervals: slotIntervals(atEnd).map((count, bucket) => count - start.slotIntervals[bucket]),
      packetsSent: packets.sent,
      packetsReceived: packets.received,
      slotFailures,
      digitsHeard: digits.heard,
      digitMismatches: digits.mismatches,
      notes: digits.notes,
    };
  },
  async stop() {
    carrier.close();
    await router.stop();
    if (!process.env.KEEP) await rm(work, { recursive: true, force: true });
    else console.log(`  kept ${work}`);
  },
};

await runMediaBench(system);
