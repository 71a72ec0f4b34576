import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';

/**
 * `inBandDTMF`: `"stop"` (or false) stops detecting the caller's DTMF tones
 * in its audio (FreeSWITCH stop_dtmf), anything else starts it (start_dtmf),
 * also when the phone negotiated telephone-event. Without it, tones are
 * detected exactly when telephone-event was not negotiated.
 */
export const inBandDtmfApp: AppSpec<'on' | 'off'> = {
  name: 'inBandDTMF',
  usesMedia: true,
  // Webitel started detection for any argument but "stop" (`{}`, `true`, `""`).
  args: z.unknown().transform((value) => (value === false || (typeof value === 'string' && value.trim().toLowerCase() === 'stop') ? 'off' : 'on')),
  async run(ctx, mode) {
    await ctx.call.detectInbandDigits(mode);
    return { result: mode === 'on' ? 'in-band DTMF detection started' : 'in-band DTMF detection stopped' };
  },
};
