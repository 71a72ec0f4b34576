import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';

/** `{ "break": true }`: ends the flow. Only an explicit `false` does nothing. */
export const breakApp: AppSpec<unknown> = {
  name: 'break',
  args: z.unknown(),
  run: (_ctx, value) => (value === false ? { result: 'break: false, flow goes on' } : { next: 'end' }),
};
