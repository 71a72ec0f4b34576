/** Starting the CDR store's worker threads, compiled or from source. */
import { Worker } from 'node:worker_threads';

/**
 * Starts the worker module `<name>.js` beside this one — from source under
 * tsx, `<name>.ts`; since Node 20 does not apply the parent's `--import tsx`
 * hooks in a worker thread, a small bootstrap registers tsx there first.
 */
export function startWorkerThread(module: string, workerData: unknown, threadName: string): Worker {
  const options = { workerData, name: threadName };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(`./${module}.js`, import.meta.url), options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`./${module}.ts`, import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
