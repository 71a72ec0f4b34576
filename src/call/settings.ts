/** `calls` in the configuration: what holds for every call, whichever telephony adapter carries it. */
import { z } from 'zod';
import { DEFAULT_VARIABLE_LIMITS } from './variable-limits.js';

export const callSettings = z
  .object({
    variables: z
      .object({
        /** Longest value of one channel variable; a longer one fails the app that sets it (traced, the flow goes on). */
        maxValueChars: z.number().int().min(1).default(DEFAULT_VARIABLE_LIMITS.maxValueChars),
        /** All of a call's variables together (names and values), which also bounds its CDR. */
        maxTotalChars: z.number().int().min(1).default(DEFAULT_VARIABLE_LIMITS.maxTotalChars),
      })
      .strict()
      .default({}),
  })
  .strict()
  .default({});

export type CallSettings = z.infer<typeof callSettings>;
