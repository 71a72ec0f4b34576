/** Starting the router's worker threads, compiled or from source, each under its own name. */
import { writeFileSync } from 'node:fs';
import { getEnvironmentData, setEnvironmentData, Worker, type WorkerOptions } from 'node:worker_threads';

/** Where a worker finds the name it was started with (a worker copies the environment data as it is made). */
const THREAD_NAME = 'callrouter:thread-name';
/** Linux keeps a thread's name in 15 bytes and a terminator. */
const MAX_THREAD_NAME_BYTES = 15;

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
 * typeScriptWorkerSource.
 */
export function startWorkerThread(besideUrl: string, module: string, options: WorkerOptions): Worker {
  const settings = { ...options, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, ...options.resourceLimits } };
  setEnvironmentData(THREAD_NAME, options.name ?? module);
  if (!besideUrl.endsWith('.ts')) return new Worker(new URL(`./${module}.js`, besideUrl), settings);
  return new Worker(typeScriptWorkerSource(new URL(`./${module}.ts`, besideUrl)), { ...settings, eval: true });
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
 * Called first by each worker module: its operating-system thread takes the
 * name it was started with (`cdr-writer`, `cdr-calls`, `media-1`…), so that
 * `top -H`, `ps -L`, perf and /metrics' callrouter_thread_cpu_seconds_total
 * say which thread spends the CPU. Linux only; elsewhere threads keep their name.
 */
export function nameThisThread(): void {
  const name = getEnvironmentData(THREAD_NAME);
  if (typeof name !== 'string') return;
  try {
    writeFileSync('/proc/thread-self/comm', Buffer.from(name).subarray(0, MAX_THREAD_NAME_BYTES));
  } catch {
    // Not Linux, or no /proc: the name only helps tools, the thread works the same.
  }
}
