import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';

interface SetSoundsArgs {
  lang: string;
  voice: string;
}

/**
 * `setSounds`: `{ "lang": "ru_RU", "voice": "elena" }` chooses the prompt set:
 * `sound_prefix` = `<sounds_dir>/ru/ru/elena` and `default_language` = `ru`, which prompts played later use.
 */
export const setSoundsApp: AppSpec<SetSoundsArgs> = {
  name: 'setSounds',
  args: z
    .object({
      lang: z.string().regex(/^[a-zA-Z]{2}[_-][a-zA-Z]{2}$/, 'expected a language such as en_US or ru_RU'),
      voice: z.string().regex(/^[\w-]+$/, 'expected a voice name such as callie or elena'),
    })
    .strict(),
  run(ctx, { lang, voice }) {
    const [language, country] = lang.toLowerCase().split(/[_-]/);
    const soundsDir = ctx.variables.global('sounds_dir') || 'sounds';
    ctx.setVariable('sound_prefix', `${soundsDir}/${language}/${country}/${voice}`);
    ctx.setVariable('default_language', language);
    return { result: `prompts: ${language}/${country}/${voice}` };
  },
};
