/** Starting the router's worker threads, compiled or from source. */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts the worker module `<module>.js` that sits beside `besideUrl` (the
 * caller's `import.meta.url`) — from source under tsx, `<module>.ts`; since
 * Node 20 does not apply the parent's `--import tsx` hooks in a worker
 * thread, a small bootstrap registers tsx there first.
 */
export function startWorkerThread(besideUrl: string, module: string, options: WorkerOptions): Worker {
  if (!besideUrl.endsWith('.ts')) return new Worker(new URL(`./${module}.js`, besideUrl), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${module}.ts`, besideUrl).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
