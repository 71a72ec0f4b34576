import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';

/** `flushDTMF`: drops the digits the caller pressed and nobody collected (FreeSWITCH flush_dtmf). */
export const flushDtmfApp: AppSpec<unknown> = {
  name: 'flushDTMF',
  usesMedia: true,
  args: z.unknown(),
  run(ctx) {
    ctx.call.flushDigits();
    return { result: 'digits flushed' };
  },
};
