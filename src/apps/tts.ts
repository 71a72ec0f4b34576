import { z } from 'zod';
import { CallEndedError } from '../call/call.js';
import type { AppContext, AppSpec } from '../engine/app.js';
import { Template } from '../engine/template.js';
import { getDigitsSchema, playAndGetDigits, playOnce, type GetDigits } from './playback.js';
import { LOCAL_PROVIDER, localProviderInstalled, MAX_TEXT_CHARS } from './services/speech.js';

/** Providers that mean "the one this server has"; Webitel's cloud ones (polly, microsoft, google…) are spoken by it too, and the trace says so. */
const LOCAL_NAMES = ['default', 'local', 'espeak', LOCAL_PROVIDER];
const ESPEAK_VOICE = /^[a-z]{2,3}(?:-[a-z0-9]+)*(?:\+[a-z0-9]+)?$/i;

/** Webitel's `voice`: a name (an espeak-ng voice, or a cloud provider's such as "Maxim") or `{language, gender}`. */
const voiceSchema = z.union([
  z.string(),
  z.object({ language: z.string().optional(), gender: z.string().optional() }).passthrough(),
]);

const ttsArgs = z
  .object({
    text: z.union([z.string(), z.number()]).transform((value) => String(value)).pipe(z.string().min(1, 'expected text to speak')),
    provider: z.string().optional(),
    voice: voiceSchema.optional(),
    textType: z.enum(['text', 'ssml']).optional(),
    getDigits: getDigitsSchema.optional(),
    terminator: z.string().regex(/^[0-9*#A-D]*$/, 'expected DTMF keys 0-9 * # A-D').default('#'),
    broadcast: z.never({ invalid_type_error: 'broadcast (speaking to a bridged call) is not supported yet' }).optional(),
  })
  // The original passed the provider's other keys (region, accessKey, accessToken…) on; a cloud provider's settings load.
  .passthrough()
  .superRefine((_args, ctx) => {
    if (localProviderInstalled()) return;
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `tts needs its speech provider ${LOCAL_PROVIDER}, which is not installed (apt-get install espeak-ng)` });
  })
  .transform(({ text, provider, voice, textType, getDigits, terminator }) => ({
    text: Template.compile(text),
    provider: provider ?? 'default',
    voice,
    ssml: textType === 'ssml',
    getDigits,
    terminator,
  }));

interface TtsArgs {
  text: Template;
  provider: string;
  voice: z.output<typeof voiceSchema> | undefined;
  ssml: boolean;
  getDigits?: GetDigits;
  terminator: string;
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
    const text = ctx.expand(args.text);
    if (text.trim() === '') return { result: 'nothing to say: the text is empty' };
    if (text.length > MAX_TEXT_CHARS) return { result: `failed: the text has ${text.length} characters; at most ${MAX_TEXT_CHARS} are spoken` };
    if (!LOCAL_NAMES.includes(args.provider)) ctx.log(`provider ${args.provider} is not available here: spoken by ${LOCAL_PROVIDER}`);
    const voice = espeakVoice(ctx, args.voice);
    let path: string;
    try {
      path = await ctx.services.acr.speech.render({ text, voice, ssml: args.ssml });
    } catch (error) {
      ctx.services.logger.warn({ uuid: ctx.call.uuid, app: 'tts' }, `cannot speak: ${(error as Error).message}`);
      return { result: `failed: ${(error as Error).message}` };
    }
    const items = [{ kind: 'file' as const, path }];
    try {
      return args.getDigits ? await playAndGetDigits(ctx, items, args.getDigits, args.terminator) : await playOnce(ctx, items, args.terminator);
    } catch (error) {
      if (error instanceof CallEndedError || ctx.call.signal.aborted) return { result: 'interrupted: the call ended' };
      throw error;
    }
  },
};

/** The espeak-ng voice: as named when it is one, else the language (`ru-RU` → `ru-ru`, `+f3`/`+m3` by gender), else `default_language`, else English. */
function espeakVoice(ctx: AppContext, voice: TtsArgs['voice']): string {
  if (typeof voice === 'string') {
    if (ESPEAK_VOICE.test(voice)) return voice.toLowerCase();
    ctx.log(`voice ${voice} is not an ${LOCAL_PROVIDER} voice: speaking in the call's language`);
  } else if (voice?.language && ESPEAK_VOICE.test(voice.language)) {
    const gender = voice.gender?.toLowerCase();
    return `${voice.language.toLowerCase()}${gender === 'female' ? '+f3' : gender === 'male' ? '+m3' : ''}`;
  }
  const language = ctx.call.getVariable('default_language');
  return language && ESPEAK_VOICE.test(language) ? language.toLowerCase() : 'en';
}
