import { z } from 'zod';
import type { PlayItem } from '../call/call.js';
import { channelValueOfPrompt } from '../call/channel-prompts.js';
import type { AppContext, AppSpec } from '../engine/app.js';
import { playItemProblem, playItemSchema, toPlayItem, type PlayItemTemplate } from './play-items.js';
import { playPlaces } from './playback.js';

/** Which channel variable each form sets, as the original (FreeSWITCH) names them. */
const VARIABLES = { call: 'ringback', hold: 'hold_music', transfer: 'transfer_ringback' } as const;
type Form = keyof typeof VARIABLES;
/** An hour: silence that outlasts any ringing or hold it is played for (and is replayed if not). */
const ENDLESS = '3600000';

/** A file object; `{type: "silence"}` without a name (Webitel's documentation writes it so) is silence for as long as it lasts. */
const promptSchema = z.preprocess(
  (file) => (file && typeof file === 'object' && !('name' in file) && (file as { type?: unknown }).type === 'silence' ? { ...file, name: ENDLESS } : file),
  playItemSchema,
);

const ringbackArgs = z
  .object({
    /** What the caller hears while a bridge rings (generated US ringback when unset). */
    call: promptSchema.optional(),
    /** What a party hears while the other holds (our own chime when unset). */
    hold: promptSchema.optional(),
    /** Ringback on a call already answered (after a transfer). */
    transfer: promptSchema.optional(),
    /** Export the variables to the legs the call makes later, too. */
    all: z.union([z.boolean(), z.enum(['true', 'false'])]).transform((all) => all === true || all === 'true').optional(),
  })
  .strict()
  .refine((args) => args.call || args.hold || args.transfer, { message: 'expected at least one of call, hold, transfer' });

type RingbackArgs = z.output<typeof ringbackArgs>;

/**
 * `ringback`: sets `ringback`, `hold_music` and `transfer_ringback` (exported
 * with `all`). The route becomes one whose media is ours, so the caller
 * hears them: ringback while a later bridge rings, music on hold while the
 * other party holds.
 */
export const ringbackApp: AppSpec<RingbackArgs> = {
  name: 'ringback',
  usesMedia: true,
  args: ringbackArgs,
  run(ctx, args) {
    const set: string[] = [];
    for (const form of Object.keys(VARIABLES) as Form[]) {
      const file = args[form];
      if (!file) continue;
      const value = channelValue(ctx, file);
      if (value === undefined) continue;
      const name = VARIABLES[form];
      if (args.all) ctx.exportVariable(name, value, 'all');
      else ctx.setVariable(name, value);
      set.push(name);
    }
    return { result: set.length > 0 ? `set ${set.join(', ')}` : 'nothing set' };
  },
};

/** The variable's value for a file object, or undefined (logged) when it names nothing playable. */
function channelValue(ctx: AppContext, file: PlayItemTemplate): string | undefined {
  const name = ctx.expand(file.name);
  if (file.type === 'unavailable') {
    ctx.log(`skipping ${file.written} "${name}": ${file.reason}`);
    return undefined;
  }
  let item: PlayItem;
  try {
    item = toPlayItem(file.type, name, playPlaces(ctx));
  } catch (error) {
    ctx.log(`skipping "${name}": ${(error as Error).message}`);
    return undefined;
  }
  const problem = playItemProblem(item);
  if (problem) {
    ctx.log(`skipping "${name}": ${problem}`);
    return undefined;
  }
  return channelValueOfPrompt(item);
}
