import { z } from 'zod';
import { CallEndedError } from '../call/call.js';
import type { AppSpec } from '../engine/app.js';
import type { Template } from '../engine/template.js';
import { flag, substituteWholeNumbers, template, webitelObject, wholeNumberOrTemplate } from './args.js';
import { mailWhenFinished, recordingEmail } from './recording-email.js';

const RECORD_FILE_VARIABLE = 'webitel_record_file_name';

/**
 * Webitel's options, with ACR's defaults. Without an mp3 encoder `type` mp3
 * (the default) is written as WAV; `stereo: false` mixes both sides into a
 * mono file; `bridged` (the default) records only while the call is bridged
 * (FreeSWITCH's RECORD_BRIDGE_REQ); a recording shorter than `minSec`
 * (default 2) is deleted when it stops (RECORD_MIN_SEC); `email` mails the
 * finished WAV (`recording-email.ts`); `followTransfer` (FreeSWITCH's
 * recording_follow_transfer, false by default as in ACR) keeps recording
 * when the answering party transfers the call, else the transfer stops the recording.
 */
const recordOptions = webitelObject({
  action: z.enum(['start', 'stop']).default('start'),
  name: template.default('recordSession'),
  type: z.enum(['wav', 'mp3']).default('mp3'),
  minSec: wholeNumberOrTemplate(0).default('2'),
  stereo: flag.default(true),
  bridged: flag.default(true),
  followTransfer: flag.default(false),
  email: z.union([template.transform((address) => [address]), z.array(template)]).optional(),
  emailSubject: template.optional(),
  emailBody: template.optional(),
});

type RecordArgs = {
  action: 'start' | 'stop';
  name: Template;
  stereo: boolean;
  bridged: boolean;
  followTransfer: boolean;
  minSec: Template;
  email?: Template[];
  emailSubject?: Template;
  emailBody?: Template;
};

/** `recordSession`: records the call to `<dataDir>/recordings/<domain>/<uuid>_<name>.wav` (start) or finishes it (stop). */
export const recordSessionApp: AppSpec<RecordArgs> = {
  name: 'recordSession',
  usesMedia: true,
  args: z.union([
    z.enum(['start', 'stop']).transform((action): RecordArgs => ({ ...recordOptions.parse({}), action })),
    recordOptions.transform(({ type: _written, ...args }): RecordArgs => args),
  ]),
  async run(ctx, args) {
    try {
      if (args.action === 'stop') {
        const summary = await ctx.call.stopRecording();
        if (!summary) return { result: 'no recording in progress' };
        const seconds = Math.round(summary.durationMs / 1000);
        return { result: summary.discarded ? `stopped and deleted: ${summary.path} was shorter than minSec (${seconds} s)` : `stopped: ${summary.path} (${seconds} s)` };
      }
      const limits = substituteWholeNumbers(ctx, { minSec: args.minSec }, { minSec: 0 });
      if (typeof limits === 'string') return { result: `failed: ${limits}` };
      const email = args.email && recordingEmail(ctx, args.email, args.emailSubject, args.emailBody);
      const options = {
        stereo: args.stereo,
        onlyWhileBridged: args.bridged,
        minDurationMs: (limits.minSec ?? 0) * 1000,
        followTransfer: args.followTransfer,
        finished: email && mailWhenFinished(ctx, email),
      };
      const path = await ctx.call.startRecording(ctx.expand(args.name), options);
      ctx.setVariable(RECORD_FILE_VARIABLE, path);
      return { result: `recording to ${path}${email ? `, to be e-mailed to ${email.to.join(', ')} when finished` : ''}` };
    } catch (error) {
      if (error instanceof CallEndedError || ctx.call.signal.aborted) return { result: 'interrupted: the call ended' };
      throw error;
    }
  },
};
