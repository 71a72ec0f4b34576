/** Starting the router's worker threads, compiled or from source. */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker module `<module>.js` that sits beside `besideUrl` (the
 * caller's `import.meta.url`) — from source, `<module>.ts`, through
 * typeScriptWorkerSource.
 */
export function startWorkerThread(besideUrl: string, module: string, options: WorkerOptions): Worker {
  if (!besideUrl.endsWith('.ts')) return new Worker(new URL(`./${module}.js`, besideUrl), options);
  return new Worker(typeScriptWorkerSource(new URL(`./${module}.ts`, besideUrl)), { ...options, eval: true });
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
