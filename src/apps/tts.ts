import { z } from 'zod';
import { CallEndedError } from '../call/call.js';
import type { AppSpec } from '../engine/app.js';
import { Template } from '../engine/template.js';
import { dtmfKeys, webitelObject } from './args.js';
import { broadcastArg, getDigitsSchema, getSpeechArg, noteGetSpeech, playAndGetDigits, playOnce, promptFailed, unplayedBroadcast, type GetDigits } from './prompt.js';
import { cloudProviderShape, speak, speechProviderProblem, textTypeSchema, voiceSchema, type Voice } from './speak.js';

const ttsArgs = webitelObject({
  text: z.union([z.string(), z.number()]).transform((value) => String(value)).pipe(z.string().min(1, 'expected text to speak')),
  provider: z.string().optional(),
  voice: voiceSchema.optional(),
  /** flow_manager: the language beside a provider's voice name. */
  language: z.string().optional(),
  textType: textTypeSchema.optional(),
  getDigits: getDigitsSchema.optional(),
  getSpeech: getSpeechArg,
  terminator: dtmfKeys.default('#'),
  broadcast: broadcastArg,
  ...cloudProviderShape,
})
  .superRefine((_args, ctx) => {
    const problem = speechProviderProblem();
    if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: problem });
  })
  .transform(({ text, provider, voice, language, textType, getDigits, getSpeech, terminator, broadcast }) => ({
    text: Template.compile(text),
    provider: provider ?? 'default',
    voice,
    language,
    ssml: textType ?? false,
    getDigits,
    getSpeech,
    terminator,
    broadcast,
  }));

interface TtsArgs {
  text: Template;
  provider: string;
  voice: Voice | undefined;
  language: string | undefined;
  ssml: boolean;
  getDigits?: GetDigits;
  getSpeech?: unknown;
  terminator: string;
  broadcast?: string;
}

/**
 * `tts`: speaks the text to the caller with espeak-ng (rendered once per
 * phrase and voice, then cached) as a prompt; with getDigits, collects the
 * answer as `playback` does.
 */
export const ttsApp: AppSpec<TtsArgs> = {
  name: 'tts',
  usesMedia: true,
  args: ttsArgs,
  async run(ctx, args) {
    const unplayed = unplayedBroadcast(ctx, args.broadcast);
    if (unplayed) return unplayed;
    const text = ctx.expand(args.text);
    if (text.trim() === '') return { result: 'nothing to say: the text is empty' };
    noteGetSpeech(ctx, args.getSpeech);
    const spoken = await speak(ctx, { ...args, text });
    if ('error' in spoken) return promptFailed(ctx, spoken.error);
    const items = [{ kind: 'file' as const, path: spoken.path }];
    try {
      return args.getDigits ? await playAndGetDigits(ctx, items, args.getDigits, args.terminator) : await playOnce(ctx, items, args.terminator);
    } catch (error) {
      if (error instanceof CallEndedError || ctx.call.signal.aborted) return { result: 'interrupted: the call ended' };
      throw error;
    }
  },
};
