import { z } from 'zod';
import { CallEndedError } from '../call/call.js';
import type { AppSpec } from '../engine/app.js';
import type { Template } from '../engine/template.js';
import { flag, template, webitelObject, wholeNumberOrTemplate } from './args.js';

const RECORD_FILE_VARIABLE = 'webitel_record_file_name';

/**
 * Webitel's options. Without an mp3 encoder `type` mp3 (the default) is
 * written as WAV; `stereo: false` is recorded in stereo (the trace says so);
 * `minSec`, `bridged`, `followTransfer` and `email` are accepted and not
 * applied yet (the trace says so for `email`; see docs/media.md).
 */
const recordOptions = webitelObject({
  action: z.enum(['start', 'stop']).default('start'),
  name: template.default('recordSession'),
  type: z.enum(['wav', 'mp3']).default('mp3'),
  minSec: wholeNumberOrTemplate(0).optional(),
  stereo: flag.default(true),
  bridged: flag.optional(),
  followTransfer: flag.optional(),
  email: z.union([z.string(), z.array(z.string())]).optional(),
  emailSubject: z.string().optional(),
  emailBody: z.string().optional(),
});

type RecordArgs = { action: 'start' | 'stop'; name: Template; stereo: boolean; email?: string | string[] };

/** `recordSession`: records the call to `<dataDir>/recordings/<domain>/<uuid>_<name>.wav` (start) or finishes it (stop). */
export const recordSessionApp: AppSpec<RecordArgs> = {
  name: 'recordSession',
  usesMedia: true,
  args: z.union([
    z.enum(['start', 'stop']).transform((action): RecordArgs => ({ action, name: recordOptions.parse({}).name, stereo: true })),
    recordOptions.transform(({ action, name, stereo, email }): RecordArgs => ({ action, name, stereo, email })),
  ]),
  async run(ctx, args) {
    try {
      if (args.action === 'stop') {
        const summary = await ctx.call.stopRecording();
        return { result: summary ? `stopped: ${summary.path} (${Math.round(summary.durationMs / 1000)} s)` : 'no recording in progress' };
      }
      const path = await ctx.call.startRecording(ctx.expand(args.name));
      ctx.setVariable(RECORD_FILE_VARIABLE, path);
      if (!args.stereo) ctx.log('recording in stereo: mono recordings are not supported yet');
      if (args.email) ctx.log('not e-mailing the recording: e-mail of recordings is not supported yet');
      return { result: `recording to ${path}` };
    } catch (error) {
      if (error instanceof CallEndedError || ctx.call.signal.aborted) return { result: 'interrupted: the call ended' };
      throw error;
    }
  },
};
