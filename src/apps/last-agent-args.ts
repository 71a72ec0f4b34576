/**
 * The arguments of `lastAgent`, checked when the schema loads: every option
 * with its default, a look-back window written `30m` / `12h` / `48d`, and no
 * option that is not one of these (a misspelt one gets a did-you-mean).
 */
import { z } from 'zod';
import type { Template } from '../engine/template.js';
import { bridgeParameterListOrMap, unknownNameMessage, variableName } from './args.js';

export const LAST_AGENT_RESULTS = ['answered', 'busy', 'no-answer', 'not-found', 'unavailable'] as const;
export type LastAgentResult = (typeof LAST_AGENT_RESULTS)[number];

const PHONE_STATES = ['onhook', 'ringing', 'isbusy', 'nonreg', 'dnd'] as const;
export type PhoneStateName = (typeof PHONE_STATES)[number];

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** CDRs are kept a year by default (cdr.retentionDays); a longer look-back finds nothing more. */
const MAX_WINDOW_MS = 366 * UNIT_MS.d;
export const MAX_AGENTS = 10;
export const MAX_WAIT_SECONDS = 3_600;
const DEFAULT_STRICT_WAIT_SECONDS = 30;

export interface LastAgentArgs {
  /** The look-back as written (`48d`), and in milliseconds. */
  window: { text: string; ms: number };
  directions: ('outbound' | 'inbound')[];
  answeredOnly: boolean;
  minTalkSeconds: number;
  agents: number;
  states: PhoneStateName[];
  ring: Template[];
  mode: 'loose' | 'strict';
  waitSeconds: number;
  setVar: string;
}

const windowSetting = z.string().transform((text, ctx) => {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!match) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a look-back such as "30m", "12h" or "48d" (s, m, h, d), got ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  if (ms === 0 || ms > MAX_WINDOW_MS) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: `expected a look-back longer than 0 and at most 366d, got ${JSON.stringify(text)}` });
    return z.NEVER;
  }
  return { text: text.trim(), ms };
});

const OPTIONS = ['window', 'directions', 'answeredOnly', 'minTalkSeconds', 'agents', 'states', 'ring', 'mode', 'waitSeconds', 'setVar'];

/** `{ "lastAgent": {} }` takes every default. */
export const lastAgentArguments = z
  .object({
    window: windowSetting.default('30m'),
    directions: z
      .array(z.enum(['outbound', 'inbound']))
      .min(1, 'expected at least one of outbound, inbound')
      .default(['outbound', 'inbound'])
      .transform((directions) => [...new Set(directions)]),
    answeredOnly: z.boolean().default(true),
    minTalkSeconds: z.number().int().min(0).max(86_400).default(0),
    agents: z.number().int().min(1).max(MAX_AGENTS).default(1),
    states: z.array(z.enum(PHONE_STATES)).min(1, 'expected at least one phone state, such as onhook').default(['onhook']),
    ring: bridgeParameterListOrMap.default([]),
    mode: z.enum(['loose', 'strict']).default('loose'),
    waitSeconds: z.number().min(0).max(MAX_WAIT_SECONDS).optional(),
    setVar: variableName.default('last_agent'),
  })
  .passthrough()
  .superRefine((args, ctx) => {
    for (const key of Object.keys(args)) {
      if (!OPTIONS.includes(key)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: unknownNameMessage('lastAgent option', key, OPTIONS) });
    }
    if (args.waitSeconds !== undefined && args.mode !== 'strict') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['waitSeconds'], message: 'waitSeconds applies to mode "strict" only (loose never waits)' });
    }
  })
  .transform(
    (args): LastAgentArgs => ({
      window: args.window,
      directions: args.directions,
      answeredOnly: args.answeredOnly,
      minTalkSeconds: args.minTalkSeconds,
      agents: args.agents,
      states: args.states,
      ring: args.ring,
      mode: args.mode,
      waitSeconds: args.waitSeconds ?? (args.mode === 'strict' ? DEFAULT_STRICT_WAIT_SECONDS : 0),
      setVar: args.setVar,
    }),
  );
