import { z } from 'zod';
import { channelValueOfPrompt, promptFromChannelValue } from '../call/channel-prompts.js';
import type { AppContext, AppSpec } from '../engine/app.js';
import type { Template } from '../engine/template.js';
import { flag, template, webitelObject } from './args.js';
import { fileObjectShape, playItemProblem, playPlaces, resolvePlayItem, toPlayItemTemplate, type PlayItemTemplate } from './play-items.js';

/** Which channel variable each form sets, as the original (FreeSWITCH) names them. */
const VARIABLES = { call: 'ringback', hold: 'hold_music', transfer: 'transfer_ringback' } as const;
type Form = keyof typeof VARIABLES;

/**
 * A file object (with its own `all`, as ACR read it), or a string: the
 * channel variable's value as FreeSWITCH reads it (`%(…)` or `tone_stream://…`,
 * `silence_stream://…`, a sound file), as `setVar` would write it.
 */
const promptSchema = z.union([
  template.transform((value): Prompt => ({ value, all: false })),
  webitelObject({ ...fileObjectShape, all: flag.default(false) }).transform(({ all, ...file }, ctx): Prompt => ({ file: toPlayItemTemplate(file, ctx), all })),
]);

type Prompt = { value: Template; all: boolean } | { file: PlayItemTemplate; all: boolean };

const ringbackArgs = webitelObject({
  /** What the caller hears while a bridge rings (generated US ringback when unset). */
  call: promptSchema.optional(),
  /** What a party hears while the other holds (our own chime when unset). */
  hold: promptSchema.optional(),
  /** Ringback on a call already answered (after a transfer). */
  transfer: promptSchema.optional(),
  /** Export the variables to the legs the call makes later, too. */
  all: flag.default(false),
}).refine((args) => args.call || args.hold || args.transfer, { message: 'expected at least one of call, hold, transfer' });

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
  async run(ctx, args) {
    const set: string[] = [];
    for (const form of Object.keys(VARIABLES) as Form[]) {
      const prompt = args[form];
      if (!prompt) continue;
      const value = await channelValue(ctx, prompt);
      if (value === undefined) continue;
      const name = VARIABLES[form];
      if (args.all || prompt.all) ctx.exportVariable(name, value, 'all');
      else ctx.setVariable(name, value);
      set.push(name);
    }
    return { result: set.length > 0 ? `set ${set.join(', ')}` : 'nothing set' };
  },
};

/** The variable's value for a prompt, or undefined (logged) when it names nothing playable. */
async function channelValue(ctx: AppContext, prompt: Prompt): Promise<string | undefined> {
  if ('value' in prompt) {
    const value = ctx.expand(prompt.value).trim();
    const problem = playItemProblem(promptFromChannelValue(value, playPlaces(ctx).soundPrefix));
    if (!problem) return value;
    ctx.log(`skipping "${value}": ${problem}`);
    return undefined;
  }
  const resolved = await resolvePlayItem(ctx, prompt.file);
  if ('skip' in resolved) ctx.log(resolved.skip);
  else if ('fail' in resolved) ctx.log(`skipping: ${resolved.fail}`);
  else if (resolved.items.length !== 1) ctx.log(`skipping: ${resolved.items.length} prompts; a ringback here is one`);
  else {
    const [item] = resolved.items;
    const problem = playItemProblem(item);
    if (!problem) return channelValueOfPrompt(item);
    ctx.log(`skipping ${channelValueOfPrompt(item)}: ${problem}`);
  }
  return undefined;
}
