import { z } from 'zod';
import { CallEndedError, type PlayItem } from '../call/call.js';
import type { AppSpec } from '../engine/app.js';
import { dtmfKeys, webitelObject } from './args.js';
import { fileObjectShape, playItemSchema, playItemsLoadProblems, resolvePlayItem, type PlayItemTemplate } from './play-items.js';
import { broadcastArg, getDigitsSchema, getSpeechArg, noteGetSpeech, playAndGetDigits, playOnce, promptFailed, unplayedBroadcast, type GetDigits } from './prompt.js';

const playbackArgs = webitelObject({
  ...fileObjectShape,
  files: z.array(playItemSchema).min(1, 'expected at least one file').optional(),
  getDigits: getDigitsSchema.optional(),
  getSpeech: getSpeechArg,
  /** Keys that stop the prompt (FreeSWITCH playback_terminators); with getDigits, the key that ends the input. */
  terminator: dtmfKeys.default('#'),
  broadcast: broadcastArg,
}).transform((args, ctx): PlaybackArgs => {
  const { files, getDigits, getSpeech, terminator, broadcast, ...file } = args;
  const common = { getDigits, getSpeech, terminator, broadcast };
  if (files) return { files, single: false, ...common };
  if (file.name === undefined && file.type === undefined && file.id === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: 'expected name (one file) or files' });
    return z.NEVER;
  }
  const one = playItemSchema.safeParse({ ...file, name: file.name?.text });
  if (!one.success) {
    for (const issue of one.error.issues) ctx.addIssue(issue);
    return z.NEVER;
  }
  return { files: [one.data], single: true, ...common };
});

interface PlaybackArgs {
  files: PlayItemTemplate[];
  /** Written as one file object (`name`, `type`) rather than `files`. */
  single: boolean;
  getDigits?: GetDigits;
  getSpeech?: unknown;
  terminator: string;
  broadcast?: string;
}

/** `playback`: plays files, silence, tones and speech to the caller; with getDigits, collects and checks what it presses. */
export const playbackApp: AppSpec<PlaybackArgs> = {
  name: 'playback',
  usesMedia: true,
  args: playbackArgs,
  checkLoaded: (args, context) => playItemsLoadProblems(args.files, context, (index) => (args.single ? [] : ['files', index])),
  async run(ctx, args) {
    const unplayed = unplayedBroadcast(ctx, args.broadcast);
    if (unplayed) return unplayed;
    const items: PlayItem[] = [];
    for (const file of args.files) {
      const resolved = await resolvePlayItem(ctx, file);
      if ('fail' in resolved) return promptFailed(ctx, resolved.fail);
      if ('skip' in resolved) ctx.log(resolved.skip);
      else items.push(...resolved.items);
    }
    noteGetSpeech(ctx, args.getSpeech);
    try {
      return args.getDigits ? await playAndGetDigits(ctx, items, args.getDigits, args.terminator) : await playOnce(ctx, items, args.terminator);
    } catch (error) {
      if (error instanceof CallEndedError || ctx.call.signal.aborted) return { result: 'interrupted: the call ended' };
      throw error;
    }
  },
};
