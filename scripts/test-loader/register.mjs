// `node --import ./scripts/test-loader/register.mjs`: TypeScript modules through hooks.mjs.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
