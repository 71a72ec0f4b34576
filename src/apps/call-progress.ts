import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';

/** Any argument: the original ignored it. */
const ignored = z.unknown().transform(() => undefined);

/** `ringReady` (Webitel's current dialect): 180 Ringing. */
export const ringReadyApp: AppSpec<undefined> = {
  name: 'ringReady',
  args: ignored,
  async run(ctx) {
    await ctx.call.ringReady();
    return { result: 'ringing (180 Ringing)' };
  },
};

/** `preAnswer` (Webitel's current dialect): 183 Session Progress, early media. */
export const preAnswerApp: AppSpec<undefined> = {
  name: 'preAnswer',
  args: ignored,
  async run(ctx) {
    await ctx.call.preAnswer();
    return { result: 'early media (183 Session Progress)' };
  },
};
