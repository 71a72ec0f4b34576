// `node --import ./scripts/test-loader/register.mjs`: TypeScript modules through hooks.mjs,
// in worker threads too (src/worker-thread.ts registers the hooks CALLROUTER_TS_HOOKS names).
import { register } from 'node:module';

const hooks = new URL('./hooks.mjs', import.meta.url).href;
process.env.CALLROUTER_TS_HOOKS ??= hooks;
register(hooks);
