import { z } from 'zod';
import type { AppSpec } from '../engine/app.js';

type Answer = 'answer' | 'preAnswer' | 'ringReady';

/** The original matched these words anywhere in the argument (`"200 OK"`, `"183 Session Progress"`). */
const FORMS: readonly [pattern: RegExp, answer: Answer][] = [
  [/\b200\b|\bOK\b/, 'answer'],
  [/\b183\b|\bSession Progress\b/, 'preAnswer'],
  [/\b180\b|\bRinging\b/, 'ringReady'],
];

const RESULT: Record<Answer, string> = {
  answer: 'answered (200 OK)',
  preAnswer: 'early media (183 Session Progress)',
  ringReady: 'ringing (180 Ringing)',
};

/** `answer`: `""`, `"200"`, `"OK"` answer; `"183"` pre-answers; `"180"` signals ringing. */
export const answerApp: AppSpec<Answer> = {
  name: 'answer',
  args: z.union([z.string(), z.number()]).transform((value, ctx): Answer => {
    const text = String(value).trim();
    const answer = text === '' ? 'answer' : FORMS.find(([pattern]) => pattern.test(text))?.[1];
    if (answer) return answer;
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: 'expected "", "200" or "OK" (answer), "183" (early media) or "180" (ringing)',
    });
    return z.NEVER;
  }),
  async run(ctx, answer) {
    await ctx.call[answer]();
    return { result: RESULT[answer] };
  },
};
