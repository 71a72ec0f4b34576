import { z } from 'zod';
import { CallEndedError } from '../call/call.js';
import type { AppSpec } from '../engine/app.js';
import type { Template } from '../engine/template.js';
import { flag, substituteWholeNumbers, template, webitelObject, wholeNumberOrTemplate } from './args.js';

const RECORD_FILE_VARIABLE = 'webitel_record_file_name';

/**
 * Webitel's options, with ACR's defaults. Without an mp3 encoder `type` mp3
 * (the default) is written as WAV; `stereo: false` mixes both sides into a
 * mono file; `bridged` (the default) records only while the call is bridged
 * (FreeSWITCH's RECORD_BRIDGE_REQ); a recording shorter than `minSec`
 * (default 2) is deleted when it stops (RECORD_MIN_SEC). `followTransfer`
 * and `email` are accepted and not applied yet (the trace says so for
 * `email`; see docs/media.md).
 */
const recordOptions = webitelObject({
  action: z.enum(['start', 'stop']).default('start'),
  name: template.default('recordSession'),
  type: z.enum(['wav', 'mp3']).default('mp3'),
  minSec: wholeNumberOrTemplate(0).default('2'),
  stereo: flag.default(true),
  bridged: flag.default(true),
  followTransfer: flag.optional(),
  email: z.union([z.string(), z.array(z.string())]).optional(),
  emailSubject: z.string().optional(),
  emailBody: z.string().optional(),
});

type RecordArgs = { action: 'start' | 'stop'; name: Template; stereo: boolean; bridged: boolean; minSec: Template; email?: string | string[] };

/** `recordSession`: records the call to `<dataDir>/recordings/<domain>/<uuid>_<name>.wav` (start) or finishes it (stop). */
export const recordSessionApp: AppSpec<RecordArgs> = {
  name: 'recordSession',
  usesMedia: true,
  args: z.union([
    z.enum(['start', 'stop']).transform((action): RecordArgs => ({ ...recordOptions.parse({}), action })),
    recordOptions.transform(({ action, name, stereo, bridged, minSec, email }): RecordArgs => ({ action, name, stereo, bridged, minSec, email })),
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
      const options = { stereo: args.stereo, onlyWhileBridged: args.bridged, minDurationMs: (limits.minSec ?? 0) * 1000 };
      const path = await ctx.call.startRecording(ctx.expand(args.name), options);
      ctx.setVariable(RECORD_FILE_VARIABLE, path);
      if (args.email) ctx.log('not e-mailing the recording: e-mail of recordings is not supported yet');
      return { result: `recording to ${path}` };
    } catch (error) {
      if (error instanceof CallEndedError || ctx.call.signal.aborted) return { result: 'interrupted: the call ended' };
      throw error;
    }
  },
};
