/**
 * How `playback` and `tts` play what they have to the caller: once, or as a
 * menu with Webitel's `getDigits` (FreeSWITCH play_and_get_digits), whose
 * arguments both dialects write: ACR's `min`, `max`, `tries`, `timeout`,
 * `setVar`, `regexp`, and flow_manager's `flushDTMF`, `digitTimeout`,
 * `terminators`. Numbers may be written as text or with `${…}`; those are
 * checked once substituted.
 */
import { z } from 'zod';
import type { PlayItem } from '../call/call.js';
import type { AppContext, AppOutcome } from '../engine/app.js';
import { DTMF_DIGITS } from '../media/dtmf/digits.js';
import { dtmfKeys, flag, substituteWholeNumbers, variableName, webitelObject, wholeNumberOrTemplate } from './args.js';

const COUNTS = { min: 0, max: 1, tries: 1, timeout: 1, digitTimeout: 1 } as const;

const regexp = z.string().transform((source, ctx) => {
  try {
    return new RegExp(source);
  } catch (error) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (error as Error).message });
    return z.NEVER;
  }
});

export const getDigitsSchema = webitelObject({
  min: wholeNumberOrTemplate(COUNTS.min).default(1),
  max: wholeNumberOrTemplate(COUNTS.max).default(1),
  tries: wholeNumberOrTemplate(COUNTS.tries).default(1),
  /** Milliseconds for the first digit (and between digits unless digitTimeout). */
  timeout: wholeNumberOrTemplate(COUNTS.timeout).default(3000),
  /** Milliseconds between digits (flow_manager). */
  digitTimeout: wholeNumberOrTemplate(COUNTS.digitTimeout).optional(),
  setVar: variableName.default('MyVar'),
  regexp: regexp.default('.*'),
  /** Drop digits pressed before the prompt. */
  flushDTMF: flag.default(false),
  /** Keys that end the input (flow_manager); else the playback's `terminator`. */
  terminators: dtmfKeys.optional(),
}).superRefine((digits, ctx) => {
  if (digits.min.isConstant && digits.max.isConstant && Number(digits.max.text) < Number(digits.min.text)) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['max'], message: 'expected max >= min' });
  }
});

export type GetDigits = z.output<typeof getDigitsSchema>;

/** getDigits with its numbers substituted. */
interface DigitsPrompt {
  min: number;
  max: number;
  tries: number;
  timeoutMs: number;
  digitTimeoutMs: number;
  setVar: string;
  regexp: RegExp;
  flush: boolean;
  terminators: string;
}

/** The numbers substituted and checked, or what is wrong with one of them. */
function substituted(ctx: AppContext, args: GetDigits, terminator: string): DigitsPrompt | string {
  const counts = substituteWholeNumbers(ctx, args, COUNTS);
  if (typeof counts === 'string') return `getDigits.${counts}`;
  const { min = 1, max = 1, tries = 1, timeout = 3000 } = counts;
  if (max < min) return `getDigits.max: expected max >= min, got ${max} < ${min}`;
  return {
    min,
    max,
    tries,
    timeoutMs: timeout,
    digitTimeoutMs: counts.digitTimeout ?? timeout,
    setVar: args.setVar,
    regexp: args.regexp,
    flush: args.flushDTMF,
    terminators: args.terminators ?? terminator,
  };
}

/** The prompt once; a key of `terminators` stops it. */
export async function playOnce(ctx: AppContext, items: PlayItem[], terminators: string): Promise<AppOutcome> {
  const outcome = await ctx.call.play({ items, terminators });
  if (outcome.reason === 'failed') return promptFailed(ctx, outcome.error);
  return { result: outcome.reason === 'terminator' ? `stopped by ${outcome.digit}` : outcome.reason };
}

/** Prompt, then digits; an input too short or not matching `regexp` plays the prompt again, up to `tries` times. */
export async function playAndGetDigits(ctx: AppContext, items: PlayItem[], args: GetDigits, terminator: string): Promise<AppOutcome> {
  const request = substituted(ctx, args, terminator);
  if (typeof request === 'string') return promptFailed(ctx, request);
  if (request.flush) ctx.call.flushDigits();
  for (let attempt = 1; attempt <= request.tries; attempt++) {
    // Any key stops the prompt, as on FreeSWITCH; the key itself is the first digit collected.
    const outcome = await ctx.call.play({ items, terminators: DTMF_DIGITS });
    if (outcome.reason === 'failed') return promptFailed(ctx, outcome.error);
    const digits = await ctx.call.collectDigits({
      min: request.min,
      max: request.max,
      timeoutMs: request.timeoutMs,
      digitTimeoutMs: request.digitTimeoutMs,
      terminators: request.terminators,
    });
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

/** A prompt that cannot be played: a warning in the log, the reason in the trace, and the flow goes on. */
export function promptFailed(ctx: AppContext, error: string): AppOutcome {
  ctx.services.logger.warn({ uuid: ctx.call.uuid, app: 'playback' }, `cannot play: ${error}`);
  return { result: `failed: ${error}` };
}

/** flow_manager's `getSpeech` (speech recognition of the answer): accepted, and the prompt plays without it. */
export const getSpeechArg = z.unknown().optional();

export function noteGetSpeech(ctx: AppContext, getSpeech: unknown): void {
  if (getSpeech !== undefined) ctx.log('getSpeech is not supported (no speech recognition here): the prompt is played, nothing is recognised');
}

/** FreeSWITCH uuid_broadcast's legs; Webitel sent other values as both. */
const BROADCAST_LEGS = ['aleg', 'bleg', 'both'];

/** `broadcast`: Webitel played to the legs without waiting (uuid_broadcast); here the caller hears it and the flow waits. */
export const broadcastArg = z
  .string()
  .transform((leg) => (BROADCAST_LEGS.includes(leg) ? leg : 'both'))
  .optional();

/** What a step with `broadcast` does instead of playing (to the bridged leg alone), or undefined when it plays, the trace saying how. */
export function unplayedBroadcast(ctx: AppContext, broadcast: string | undefined): AppOutcome | undefined {
  if (broadcast === 'bleg') return { result: 'not played: broadcast to the bridged leg alone is not supported' };
  if (broadcast) ctx.log(`broadcast ${broadcast}: played to the caller, and the flow waits for it (playing to a bridged leg is not supported)`);
  return undefined;
}
