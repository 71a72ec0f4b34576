// `node --import ./scripts/test-loader/register.mjs`: TypeScript modules through hooks.mjs,
// in worker threads too (src/worker-thread.ts registers the hooks CALLROUTER_TS_HOOKS names).
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

const hooks = new URL('./hooks.mjs', import.meta.url).href;
process.env.CALLROUTER_TS_HOOKS ??= hooks;
// A worker runs this too (it inherits the process's --import), but has no need of it: it was started on
// compiled JavaScript (CALLROUTER_TS_COMPILED), or registers the hooks itself. Registered, Node would run
// them on a thread of their own for each worker.
if (isMainThread) register(hooks);
