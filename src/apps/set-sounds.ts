import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';
import type { Template } from '../engine/template.js';
import { template, webitelObject } from './args.js';

/** `ru`, `ru_RU`, `en-US`: a language, with its country or without. */
const LANGUAGE = /^[a-z]{2,3}(?:[_-][a-z]{2,3})?$/i;
const VOICE = /^[\w.-]+$/;

interface SetSoundsArgs {
  lang: Template;
  voice: Template;
}

/** A constant that cannot be what it names is a load error; one with `${…}` is checked when substituted. */
const checked = (pattern: RegExp, expected: string) =>
  template.superRefine((value, ctx) => {
    if (value.isConstant && !pattern.test(value.text.trim())) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected ${expected}, got ${JSON.stringify(value.text)}` });
  });

const LANGUAGE_EXPECTED = 'a language such as en_US, ru_RU or ru';
const VOICE_EXPECTED = 'a voice name such as callie or elena';

/**
 * `setSounds`: `{ "lang": "ru_RU", "voice": "elena" }` chooses the prompt set:
 * `sound_prefix` = `<sounds_dir>/ru/ru/elena` and `default_language` = `ru`,
 * which prompts played later use. A language without a country (`ru`) is
 * `<sounds_dir>/ru/elena`, as Webitel joins the parts it is given.
 */
export const setSoundsApp: AppSpec<SetSoundsArgs> = {
  name: 'setSounds',
  args: webitelObject({ lang: checked(LANGUAGE, LANGUAGE_EXPECTED), voice: checked(VOICE, VOICE_EXPECTED) }),
  run(ctx, args) {
    const lang = ctx.expand(args.lang).trim();
    const voice = ctx.expand(args.voice).trim();
    if (!LANGUAGE.test(lang)) return { result: `failed: lang: expected ${LANGUAGE_EXPECTED}, got ${JSON.stringify(lang)}` };
    if (!VOICE.test(voice)) return { result: `failed: voice: expected ${VOICE_EXPECTED}, got ${JSON.stringify(voice)}` };
    const parts = lang.toLowerCase().split(/[_-]/);
    const soundsDir = ctx.variables.global('sounds_dir') || 'sounds';
    ctx.setVariable('sound_prefix', `${soundsDir}/${parts.join('/')}/${voice}`);
    ctx.setVariable('default_language', parts[0]);
    return { result: `prompts: ${parts.join('/')}/${voice}` };
  },
};
