import { z } from 'zod';
import { CallEndedError, type PlayItem } from '../call/call.js';
import type { AppContext, AppOutcome, AppSpec } from '../engine/app.js';
import { Template } from '../engine/template.js';
import { NAMED_TONES } from '../media/audio/tone-stream.js';
import type { VoicemailMessage } from '../voicemail/store.js';
import { templateList } from './args.js';
import { describeMessage, messageOptions } from './record-file.js';
import { recipients } from './services/mailer.js';
import { emailMessage, mailboxAddresses } from './voicemail-email.js';
import { checkMailbox } from './voicemail-check.js';

/** How a message left here ends: FreeSWITCH voicemail's limits (5 minutes), Webitel's silence rule, # to finish. */
const MESSAGE_LIMITS = { maxSec: 300, silenceThresh: 200, silenceHits: 5, terminators: '#' };
/** A shorter recording is someone hanging up at the beep, not a message (FreeSWITCH keeps none under 3 s). */
export const MIN_MESSAGE_MS = 1000;

const userRef = z.union([z.string().min(1, 'expected a user id'), z.number()]).transform((value) => Template.compile(String(value)));
const flag = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]);

/** `{user, skip_greeting, skip_instructions, cc}`: leave a message (Webitel's default). */
const leaveObject = z
  .object({
    check: z.literal(false),
    user: userRef,
    skip_greeting: flag.default(false),
    skip_instructions: flag.default(false),
    /** Mailboxes that get a copy (FreeSWITCH vm_cc). */
    cc: z.union([userRef, z.array(userRef)]).optional(),
    /** Addresses the message is e-mailed to, besides each receiving mailbox's `vm-mailto` (callrouter's addition). */
    email: templateList.optional(),
  })
  .strict();
const toLeave = ({ user, skip_greeting, skip_instructions, cc, email }: z.output<typeof leaveObject>) => ({
  mode: 'leave' as const,
  user,
  skipGreeting: skip_greeting,
  skipInstructions: skip_instructions,
  cc: cc === undefined ? [] : Array.isArray(cc) ? cc : [cc],
  email: email ?? [],
});

/** `{check: true, user, auth, announce}`: listen to and delete one's messages. */
const checkObject = z
  .object({
    check: z.literal(true),
    /** Absent: the mailbox of the user who calls. */
    user: userRef.optional(),
    /** true: the PIN is asked; false: it is not; absent: asked unless the caller is the mailbox's user on its own phone. */
    auth: flag.optional(),
    announce: flag.optional(),
  })
  .strict();
const toCheck = ({ user, auth, announce }: z.output<typeof checkObject>) => ({ mode: 'check' as const, user, auth, announce });

export type LeaveArgs = ReturnType<typeof toLeave>;
export type CheckArgs = ReturnType<typeof toCheck>;

/** Without `check` the object is the leave form. */
const voicemailArgs = z.preprocess(
  (value) => (typeof value === 'object' && value !== null && !Array.isArray(value) && !('check' in value) ? { ...value, check: false } : value),
  z.discriminatedUnion('check', [leaveObject, checkObject]).transform((args) => (args.check ? toCheck(args) : toLeave(args))),
);

/** `voicemail`: a caller leaves a message for a user, or a user listens to (and deletes) its messages (`check`). */
export const voicemailApp: AppSpec<LeaveArgs | CheckArgs> = {
  name: 'voicemail',
  usesMedia: true,
  args: voicemailArgs,
  async run(ctx, args) {
    try {
      // FreeSWITCH's voicemail answers first: the greeting is heard on an answered call, not as early media.
      await ctx.call.answer();
      return args.mode === 'leave' ? await leaveMessage(ctx, args) : await checkMailbox(ctx, args);
    } catch (error) {
      if (error instanceof CallEndedError || ctx.call.signal.aborted) return { result: 'interrupted: the call ended' };
      throw error;
    }
  },
};

/** Greeting (the user's own, else the generated one), instructions, beep, then the caller's message into the mailbox. */
async function leaveMessage(ctx: AppContext, args: LeaveArgs): Promise<AppOutcome> {
  const domain = ctx.domainName;
  const user = ctx.expand(args.user).trim();
  if (!ctx.services.directory.user(domain, user)) return { result: `failed: no user ${JSON.stringify(user)} in ${domain}` };
  const { voicemail, prompts } = ctx.services.acr;
  const intro: PlayItem[] = [];
  if (!args.skipGreeting) {
    const greeting = await voicemail.greeting(domain, user);
    intro.push(...(greeting ? [{ kind: 'file' as const, path: greeting }] : await prompts.items('vm-unavailable')));
  }
  if (!args.skipInstructions) intro.push(...(await prompts.items('vm-instructions')));
  // # skips the greeting, as on FreeSWITCH.
  const played = intro.length > 0 ? await ctx.call.play({ items: intro, terminators: '#' }) : undefined;
  if (played?.reason === 'failed') ctx.log(`greeting not played: ${played.error}`);
  if (ctx.call.signal.aborted) return { result: 'interrupted: the call ended' };
  ctx.call.flushDigits();
  await ctx.call.play({ items: [{ kind: 'tone', spec: NAMED_TONES.beep }] });

  const receivedAt = ctx.clock.now();
  const { id, audioPath } = voicemail.reserve(domain, user, receivedAt);
  const recording = await ctx.call.recordMessage({ name: id, path: audioPath, ...messageOptions(MESSAGE_LIMITS) });
  if (recording.digit) ctx.call.flushDigits();
  if (recording.durationMs < MIN_MESSAGE_MS) {
    await voicemail.discard(domain, user, id);
    return { result: `no message left for ${user} (${describeMessage(recording)})` };
  }
  const message: VoicemailMessage = {
    id,
    domain,
    user,
    callerIdNumber: ctx.call.getVariable('caller_id_number') ?? '',
    callerIdName: ctx.call.getVariable('caller_id_name') ?? '',
    receivedAt: receivedAt.toISOString(),
    durationMs: recording.durationMs,
    callUuid: ctx.call.uuid,
    heard: false,
  };
  await voicemail.save(message);
  const mailboxes = [user];
  for (const copyTo of args.cc.map((cc) => ctx.expand(cc).trim())) {
    if (ctx.services.directory.user(domain, copyTo)) {
      await voicemail.copy(message, copyTo);
      mailboxes.push(copyTo);
    } else ctx.log(`no copy for ${JSON.stringify(copyTo)}: no such user in ${domain}`);
  }
  const mailTo = [...recipients(args.email.map((address) => ctx.expand(address))), ...mailboxAddresses(ctx, mailboxes)];
  // The caller hears the goodbye while the mail goes out; the step waits for the mail only to trace what became of it.
  const mailed = mailTo.length > 0 ? emailMessage(ctx, message, mailTo) : undefined;
  if (recording.reason !== 'stopped') await ctx.call.play({ items: await prompts.items('vm-saved') });
  const left = `message ${id} left for ${user} (${describeMessage(recording)})`;
  return { result: mailed ? `${left}; ${await mailed}` : left };
}
