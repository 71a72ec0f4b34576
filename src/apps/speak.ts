/**
 * Speech for the prompts schemas ask for (`tts`, and `playback` files of
 * type tts): whatever provider and voice Webitel's schema names, espeak-ng
 * speaks it here, in the voice's language.
 */
import { z } from 'zod';
import type { AppContext } from '../engine/app.js';
import { LOCAL_PROVIDER, localProviderInstalled, MAX_TEXT_CHARS } from './services/speech.js';

/** Providers that mean "the one this server has"; Webitel's cloud ones (polly, microsoft, google…) are spoken by it too, and the trace says so. */
const LOCAL_NAMES = ['default', 'local', 'espeak', LOCAL_PROVIDER];
const ESPEAK_VOICE = /^[a-z]{2,3}(?:-[a-z0-9]+)*(?:\+[a-z0-9]+)?$/i;

/** Webitel's `voice`: a name (an espeak-ng voice, or a cloud provider's such as "Maxim") or `{language, gender}`. */
export const voiceSchema = z.union([
  z.string(),
  z.object({ language: z.string().optional(), gender: z.string().optional() }).passthrough(),
]);
export type Voice = z.output<typeof voiceSchema>;

/** `textType` as Webitel writes it: `ssml`, else plain text (`text`, `plain`, any case). */
export const textTypeSchema = z.string().transform((type) => type.trim().toLowerCase() === 'ssml');

/** What a cloud provider needed (keys, region, its own voice settings): accepted, not needed here. */
const providerSetting = z.unknown().optional();
export const cloudProviderShape = {
  accessKey: providerSetting,
  accessToken: providerSetting,
  region: providerSetting,
  key: providerSetting,
  token: providerSetting,
  profile: providerSetting,
  format: providerSetting,
  static: providerSetting,
  voice_settings: providerSetting,
  speakingRate: providerSetting,
  pitch: providerSetting,
  volumeGainDb: providerSetting,
  effectsProfileId: providerSetting,
  background: providerSetting,
};

/** A schema that speaks loads only where it can be spoken. */
export function speechProviderProblem(): string | undefined {
  return localProviderInstalled() ? undefined : `tts needs its speech provider ${LOCAL_PROVIDER}, which is not installed (apt-get install espeak-ng)`;
}

export interface Utterance {
  text: string;
  provider?: string;
  voice?: Voice;
  /** flow_manager's `language` beside a provider's voice name. */
  language?: string;
  ssml: boolean;
}

/** The path of the WAV speaking the text, or why there is none (the trace says which). */
export async function speak(ctx: AppContext, utterance: Utterance): Promise<{ path: string } | { error: string }> {
  const { text, provider = 'default' } = utterance;
  if (text.trim() === '') return { error: 'the text is empty' };
  if (text.length > MAX_TEXT_CHARS) return { error: `the text has ${text.length} characters; at most ${MAX_TEXT_CHARS} are spoken` };
  if (!LOCAL_NAMES.includes(provider)) ctx.log(`provider ${provider} is not available here: spoken by ${LOCAL_PROVIDER}`);
  const voice = espeakVoice(ctx, utterance);
  try {
    return { path: await ctx.services.acr.speech.render({ text, voice, ssml: utterance.ssml }) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** The espeak-ng voice: as named when it is one, else the language (`ru-RU` → `ru-ru`, `+f3`/`+m3` by gender), else `default_language`, else English. */
function espeakVoice(ctx: AppContext, { voice, language }: Utterance): string {
  if (typeof voice === 'string') {
    if (ESPEAK_VOICE.test(voice)) return voice.toLowerCase();
    ctx.log(`voice ${voice} is not an ${LOCAL_PROVIDER} voice: speaking in the ${language ? 'language given' : "call's language"}`);
  } else if (voice?.language && ESPEAK_VOICE.test(voice.language)) {
    const gender = voice.gender?.toLowerCase();
    return `${voice.language.toLowerCase()}${gender === 'female' ? '+f3' : gender === 'male' ? '+m3' : ''}`;
  }
  if (language && ESPEAK_VOICE.test(language)) return language.toLowerCase();
  const fallback = ctx.call.getVariable('default_language');
  return fallback && ESPEAK_VOICE.test(fallback) ? fallback.toLowerCase() : 'en';
}
