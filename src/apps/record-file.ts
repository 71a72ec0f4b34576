import { z } from 'zod';
import { CallEndedError, type MessageRecording } from '../call/call.js';
import type { AppContext, AppSpec } from '../engine/app.js';
import { dtmfKeys, flag, substituteWholeNumbers, template, webitelObject, wholeNumberOrTemplate } from './args.js';
import { pushOntoArray } from './set-array.js';

const RECORD_FILE_VARIABLE = 'webitel_record_file_name';
/** FreeSWITCH's name for the key that ended a recording or a prompt. */
const TERMINATOR_VARIABLE = 'playback_terminator_used';

/**
 * When a caller's message ends, as Webitel writes it (FreeSWITCH `record`):
 * at `maxSec`, after `silenceHits` seconds under `silenceThresh` (mean
 * absolute amplitude; silenceHits 0 never), or on one of `terminators`.
 */
const LEAST = { maxSec: 1, silenceThresh: 0, silenceHits: 0 } as const;
type LimitName = keyof typeof LEAST;

export interface MessageLimits {
  maxSec: number;
  silenceThresh: number;
  silenceHits: number;
  terminators: string;
}

export function messageOptions(limits: MessageLimits) {
  return { maxMs: limits.maxSec * 1000, terminators: limits.terminators, silenceThreshold: limits.silenceThresh, silenceMs: limits.silenceHits * 1000 };
}

/** "12.3 s, ended by silence" for the trace. */
export function describeMessage(recording: MessageRecording): string {
  const why = { max: 'its maximum length', silence: 'silence', terminator: `the key ${recording.digit}`, stopped: 'the end of the call' }[recording.reason];
  return `${(recording.durationMs / 1000).toFixed(1)} s, ended by ${why}`;
}

/**
 * Webitel's options, numbers also as text or `${…}`. Without an mp3 encoder
 * `type` mp3 (the default) is written as WAV; `email` is accepted and not
 * applied yet (the trace says so); flow_manager's `voiceMail` tags the call
 * `vm` in `wbt_tags`.
 */
const recordFileArgs = webitelObject({
  name: template.default('recordFile'),
  type: z.enum(['wav', 'mp3']).default('mp3'),
  maxSec: wholeNumberOrTemplate(LEAST.maxSec).default(60),
  silenceThresh: wholeNumberOrTemplate(LEAST.silenceThresh).default(200),
  silenceHits: wholeNumberOrTemplate(LEAST.silenceHits).default(5),
  terminators: dtmfKeys.default('#'),
  voiceMail: flag.default(false),
  email: z.union([z.string(), z.array(z.string())]).optional(),
  emailSubject: z.string().optional(),
  emailBody: z.string().optional(),
}).transform(({ name, email, voiceMail, maxSec, silenceThresh, silenceHits, terminators }) => ({ name, email, voiceMail, limits: { maxSec, silenceThresh, silenceHits }, terminators }));

type RecordFileArgs = z.output<typeof recordFileArgs>;

/** The limits with their numbers substituted, or what is wrong with one of them. */
function substitutedLimits(ctx: AppContext, args: RecordFileArgs): MessageLimits | string {
  const limits = substituteWholeNumbers(ctx, args.limits, LEAST);
  return typeof limits === 'string' ? limits : { ...(limits as Record<LimitName, number>), terminators: args.terminators };
}

/** `recordFile`: records what the caller says to `<dataDir>/recordings/<domain>/<uuid>_<name>.wav` (mono) until it ends. */
export const recordFileApp: AppSpec<RecordFileArgs> = {
  name: 'recordFile',
  usesMedia: true,
  args: recordFileArgs,
  async run(ctx, args) {
    const limits = substitutedLimits(ctx, args);
    if (typeof limits === 'string') return { result: `failed: ${limits}` };
    if (args.voiceMail) pushOntoArray(ctx, 'wbt_tags', ['vm']);
    let recording: MessageRecording;
    try {
      recording = await ctx.call.recordMessage({ name: ctx.expand(args.name), ...messageOptions(limits) });
    } catch (error) {
      if (error instanceof CallEndedError || ctx.call.signal.aborted) return { result: 'interrupted: the call ended' };
      throw error;
    }
    ctx.setVariable(RECORD_FILE_VARIABLE, recording.path);
    if (recording.digit) {
      ctx.setVariable(TERMINATOR_VARIABLE, recording.digit);
      // The terminator answered this step; a later getDigits must not read it.
      ctx.call.flushDigits();
    }
    if (args.email) ctx.log('not e-mailing the recording: e-mail of recordings is not supported yet');
    return { result: `recorded ${recording.path} (${describeMessage(recording)})` };
  },
};
