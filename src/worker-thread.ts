/** Starting the router's worker threads, compiled or from source, each under its own name and at its own priority. */
import { existsSync, writeFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { pathToFileURL } from 'node:url';
import { getEnvironmentData, setEnvironmentData, Worker, type WorkerOptions } from 'node:worker_threads';

/** Where a worker finds how it was started (a worker copies the environment data as it is made). */
const THREAD_SETTINGS = 'callrouter:thread';
/** Linux keeps a thread's name in 15 bytes and a terminator. */
const MAX_THREAD_NAME_BYTES = 15;
/** The least priority Linux has (the highest nice value). */
const LOWEST_PRIORITY = 19;

/**
 * How much lower a background thread runs than the calls' threads, in nice
 * steps (each about 10 % less CPU against a busy thread at the calls' own).
 * The router shares its cores with everything else on the machine, its own
 * background work included: a large `_bulk` upload, an API search over
 * months of CDRs or a burst of CDR commits can each keep a core busy, and the
 * SIP thread waiting for a core meanwhile lets datagrams queue — past 100 ms
 * of queue new calls are refused (`sip.calls.maxReceiveQueueMs`). Lowered,
 * that work waits for idle CPU instead; on a machine with CPU to spare
 * nothing changes. bench:sip (15,000 phones, last-agent, sipp on the same two
 * cores) showed no cost: interleaved with the build before, both clean at 450
 * and 550 calls/s with the same CPU per call and setup p99 (92/92 ms,
 * 140/132 ms). In separate five-minute runs at 550/s the build before refused
 * 238 calls in two queue episodes, and none with its CDR writer and journal
 * lowered by hand; but an episode more or less is within such runs' spread.
 */
const BACKGROUND_NICE_STEPS = 10;

interface ThreadSettings {
  name: string;
  background: boolean;
}

export interface WorkerThreadOptions extends WorkerOptions {
  /**
   * Work no call waits for — writing CDRs and the crash journal, the HTTP API's searches and bulk uploads —
   * whose thread yields the CPU to the calls' (the SIP thread, the calls' CDR lookups, media) when cores are short.
   */
  background?: boolean;
}

/**
 * The young generation of each worker thread's heap, in MB (V8 splits it into
 * two semi-spaces and a space for new large objects). Left alone, V8 grows it
 * to 48 MB in every thread that allocates steadily — the CDR threads decode
 * and encode documents for every call — and keeps it: in bench:sip with
 * 15,000 phones and 250 last-agent calls/s the two CDR threads held 44 and
 * 24 MB of heap with 7 MB live each. Capped, they hold 17 and 20 MB, and the
 * router's RSS was 411–422 MB instead of 450–457. The price is more frequent
 * scavenges of mostly dead objects, off the call path's thread: 1.8 s of
 * collection in 7 minutes instead of 1.2.
 */
const WORKER_YOUNG_GENERATION_MB = 8;

/**
 * Starts the worker module `<module>.js` that sits beside `besideUrl` (the
 * caller's `import.meta.url`) — from source, `<module>.ts`, through
 * typeScriptWorkerSource, or in `npm test` its compiled copy.
 */
export function startWorkerThread(besideUrl: string, module: string, options: WorkerThreadOptions): Worker {
  const { background = false, ...workerOptions } = options;
  const settings = { ...workerOptions, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, ...options.resourceLimits } };
  setEnvironmentData(THREAD_SETTINGS, { name: options.name ?? module, background } satisfies ThreadSettings);
  if (!besideUrl.endsWith('.ts')) return new Worker(new URL(`./${module}.js`, besideUrl), settings);
  const source = new URL(`./${module}.ts`, besideUrl);
  const compiled = compiledForTests(source);
  if (compiled) return new Worker(compiled, settings);
  return new Worker(typeScriptWorkerSource(source), { ...settings, eval: true });
}

/**
 * The JavaScript that `npm test` compiled from the source module `source`, in the folder
 * CALLROUTER_TS_COMPILED names (scripts/test-loader/compile.mjs, run just before the tests).
 * A worker started on it needs no TypeScript hooks: registered in a worker, Node runs them on a
 * thread of their own, which cost each of a test router's workers about 0.15–0.3 CPU-s more.
 */
function compiledForTests(source: URL): URL | undefined {
  const compiled = process.env.CALLROUTER_TS_COMPILED;
  const repository = new URL('../', import.meta.url).href;
  if (!compiled || !source.href.startsWith(repository)) return undefined;
  const copy = new URL(`${source.href.slice(repository.length, -'.ts'.length)}.js`, pathToFileURL(compiled));
  // A module written since the run compiled the others starts from source.
  return existsSync(copy) ? copy : undefined;
}

/**
 * The source of a worker (eval) running the TypeScript module `entry`. Node 20
 * does not apply the parent's `--import` hooks in a worker thread, so the
 * bootstrap registers them there first: tsx, or the hooks module that
 * CALLROUTER_TS_HOOKS names (npm test's, which serves the modules it compiled
 * once for the whole run and costs each worker less CPU than tsx).
 */
export function typeScriptWorkerSource(entry: URL): string {
  const hooks = process.env.CALLROUTER_TS_HOOKS;
  const target = JSON.stringify(entry.href);
  if (hooks) return `import('node:module').then((module) => { module.register(${JSON.stringify(hooks)}); return import(${target}); });`;
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return `import(${tsx}).then((tsx) => { tsx.register(); return import(${target}); });`;
}

/**
 * Called first by each worker module. Its operating-system thread takes the
 * name it was started with (`cdr-writer`, `cdr-calls`, `media-1`…), so that
 * `top -H`, `ps -L`, perf and /metrics' callrouter_thread_cpu_seconds_total
 * say which thread spends the CPU; a background thread lowers its own
 * priority. Linux only: there a thread's nice value is its own (elsewhere it
 * is the whole process's), and threads keep their name and priority elsewhere.
 */
export function setUpThisThread(): void {
  const settings = getEnvironmentData(THREAD_SETTINGS) as ThreadSettings | undefined;
  if (!settings || process.platform !== 'linux') return;
  try {
    writeFileSync('/proc/thread-self/comm', Buffer.from(settings.name).subarray(0, MAX_THREAD_NAME_BYTES));
  } catch {
    // No /proc: the name only helps tools, the thread works the same.
  }
  if (!settings.background) return;
  try {
    // Process 0 is this thread: the rest of the router keeps its priority.
    setPriority(0, Math.min(LOWEST_PRIORITY, getPriority(0) + BACKGROUND_NICE_STEPS));
  } catch {
    // Not allowed here (a container's policy): the thread works the same, only without yielding.
  }
}
