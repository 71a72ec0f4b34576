import { z } from 'zod';
import { CallEndedError, type PlayItem } from '../call/call.js';
import type { AppContext, AppOutcome, AppSpec } from '../engine/app.js';
import { DTMF_DIGITS } from '../media/dtmf/digits.js';
import { dtmfKeys, variableName, wholeNumber as count } from './args.js';
import { mediaFilePath } from '../media/media-folder.js';
import { fileObjectShape, playItemProblem, playItemSchema, playItemsLoadProblems, toPlayItem, type PlayItemTemplate, type PlayPlaces } from './play-items.js';

/** Webitel's getDigits: FreeSWITCH play_and_get_digits. */
export const getDigitsSchema = z
  .object({
    min: count(0).default(1),
    max: count(1).default(1),
    tries: count(1).default(1),
    /** Milliseconds for the first digit and between digits. */
    timeout: count(1).default(3000),
    setVar: variableName.default('MyVar'),
    regexp: z
      .string()
      .default('.*')
      .transform((source, ctx) => {
        try {
          return new RegExp(source);
        } catch (error) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
          return z.NEVER;
        }
      }),
    /** Drop digits pressed before the prompt. */
    flushDTMF: z.boolean().default(false),
  })
  .strict()
  .refine((digits) => digits.max >= digits.min, { message: 'expected max >= min', path: ['max'] });

export type GetDigits = z.output<typeof getDigitsSchema>;

const playbackArgs = z
  .object({
    ...fileObjectShape,
    name: fileObjectShape.name.optional(),
    files: z.array(playItemSchema).min(1, 'expected at least one file').optional(),
    getDigits: getDigitsSchema.optional(),
    /** Keys that stop the prompt (FreeSWITCH playback_terminators); with getDigits, the key that ends the input. */
    terminator: dtmfKeys.default('#'),
    broadcast: z.never({ invalid_type_error: 'broadcast (playing to a bridged call) is not supported yet' }).optional(),
  })
  .strict()
  .transform((args, ctx): PlaybackArgs => {
    const { files, getDigits, terminator, name, type, lang, method, refresh } = args;
    if (files) return { files, getDigits, terminator, single: false };
    if (name === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: 'expected name (one file) or files' });
      return z.NEVER;
    }
    const one = playItemSchema.safeParse({ name: name.text, type, lang, method, refresh });
    if (!one.success) {
      for (const issue of one.error.issues) ctx.addIssue(issue);
      return z.NEVER;
    }
    return { files: [one.data], getDigits, terminator, single: true };
  });

interface PlaybackArgs {
  files: PlayItemTemplate[];
  /** Written as one file object (`name`, `type`) rather than `files`. */
  single: boolean;
  getDigits?: GetDigits;
  terminator: string;
}

/** `playback`: plays files, silence and tones to the caller; with getDigits, collects and checks what it presses. */
export const playbackApp: AppSpec<PlaybackArgs> = {
  name: 'playback',
  usesMedia: true,
  args: playbackArgs,
  checkLoaded: (args, context) => playItemsLoadProblems(args.files, context, (index) => (args.single ? [] : ['files', index])),
  async run(ctx, args) {
    const items: PlayItem[] = [];
    const places = playPlaces(ctx);
    for (const file of args.files) {
      const name = ctx.expand(file.name);
      if (file.type === 'unavailable') {
        ctx.log(`skipping ${file.written} "${name}": ${file.reason}`);
        continue;
      }
      try {
        items.push(toPlayItem(file.type, name, places));
      } catch (error) {
        return failed(ctx, (error as Error).message);
      }
    }
    const invalid = items.map((item) => (item.kind === 'file' ? undefined : playItemProblem(item))).find(Boolean);
    if (invalid) return failed(ctx, invalid);
    try {
      return args.getDigits ? await playAndGetDigits(ctx, items, args.getDigits, args.terminator) : await playOnce(ctx, items, args.terminator);
    } catch (error) {
      if (error instanceof CallEndedError || ctx.call.signal.aborted) return { result: 'interrupted: the call ended' };
      throw error;
    }
  },
};

export async function playOnce(ctx: AppContext, items: PlayItem[], terminators: string): Promise<AppOutcome> {
  const outcome = await ctx.call.play({ items, terminators });
  if (outcome.reason === 'failed') return failed(ctx, outcome.error);
  return { result: outcome.reason === 'terminator' ? `stopped by ${outcome.digit}` : outcome.reason };
}

/** Prompt, then digits; an input too short or not matching `regexp` plays the prompt again, up to `tries` times. */
export async function playAndGetDigits(ctx: AppContext, items: PlayItem[], request: GetDigits, terminator: string): Promise<AppOutcome> {
  if (request.flushDTMF) ctx.call.flushDigits();
  for (let attempt = 1; attempt <= request.tries; attempt++) {
    // Any key stops the prompt, as on FreeSWITCH; the key itself is the first digit collected.
    const outcome = await ctx.call.play({ items, terminators: DTMF_DIGITS });
    if (outcome.reason === 'failed') return failed(ctx, outcome.error);
    const digits = await ctx.call.collectDigits({ min: request.min, max: request.max, timeoutMs: request.timeout, terminators: terminator });
    const command = digits === '' ? undefined : ctx.triggerCommand(digits);
    if (command) return { result: `"${digits}" runs trigger command ${digits}, then this step again`, next: { call: command, resume: 'self' } };
    if (digits.length >= request.min && request.regexp.test(digits)) {
      ctx.setVariable(request.setVar, digits);
      return { result: `collected "${digits}" (try ${attempt})` };
    }
    ctx.log(`getDigits try ${attempt}: "${digits}" is not valid input`);
  }
  // A stale value from an earlier menu must not be taken for this answer.
  ctx.setVariable(request.setVar, '');
  return { result: `no valid digits after ${request.tries} tries` };
}

/** Where this call's files are: its sound_prefix, and its domain's media folder. */
export function playPlaces(ctx: AppContext): PlayPlaces {
  const { mediaDir } = ctx.services.acr;
  return {
    soundPrefix: ctx.call.getVariable('sound_prefix'),
    mediaFile: (name) => {
      if (!mediaDir) throw new Error(`no media folder for ${JSON.stringify(name)}: the router has none configured (media.dir)`);
      return mediaFilePath(mediaDir, ctx.domainName, name);
    },
  };
}

function failed(ctx: AppContext, error: string): AppOutcome {
  ctx.services.logger.warn({ uuid: ctx.call.uuid, app: 'playback' }, `cannot play: ${error}`);
  return { result: `failed: ${error}` };
}
