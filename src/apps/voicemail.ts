import { z } from 'zod';
import { CallEndedError, type PlayItem } from '../call/call.js';
import type { AppContext, AppOutcome, AppSpec } from '../engine/app.js';
import { Template } from '../engine/template.js';
import { NAMED_TONES } from '../media/audio/tone-stream.js';
import type { VoicemailMessage } from '../voicemail/store.js';
import { warnAtLoad } from '../engine/load-warnings.js';
import { flag, templateList, webitelObject } from './args.js';
import { describeMessage, messageOptions } from './record-file.js';
import { recipients } from './services/mailer.js';
import { emailMessage, mailboxAddresses } from './voicemail-email.js';
import { checkMailbox } from './voicemail-check.js';

/** How a message left here ends: FreeSWITCH voicemail's limits (5 minutes), Webitel's silence rule, # to finish. */
const MESSAGE_LIMITS = { maxSec: 300, silenceThresh: 200, silenceHits: 5, terminators: '#' };
/** A shorter recording is someone hanging up at the beep, not a message (FreeSWITCH keeps none under 3 s). */
export const MIN_MESSAGE_MS = 1000;

const userRef = z.union([z.string().min(1, 'expected a user id'), z.number()]).transform((value) => Template.compile(String(value)));

/** What only one of the two modes reads; the other ignores it, as Webitel did. */
const LEAVE_ONLY = ['skip_greeting', 'skip_instructions', 'cc', 'email'] as const;
const CHECK_ONLY = ['auth', 'announce'] as const;

/**
 * `{user, skip_greeting, skip_instructions, cc}` leaves a message (Webitel's
 * default); `{check: true, user, auth, announce}` listens to and deletes
 * one's messages. Flags may be written as text (`"check": "true"`, as ACR
 * compared them); `cc` may be a list or one text of users separated by commas.
 */
const voicemailArgs = webitelObject({
  check: flag.default(false),
  /** Leave: the mailbox's user (required). Check: absent, the mailbox of the user who calls. */
  user: userRef.optional(),
  skip_greeting: flag.optional(),
  skip_instructions: flag.optional(),
  /** Mailboxes that get a copy (FreeSWITCH vm_cc). */
  cc: z.union([userRef, z.array(userRef)]).optional(),
  /** Addresses the message is e-mailed to, besides each receiving mailbox's `vm-mailto` (callrouter's addition). */
  email: templateList.optional(),
  /** true: the PIN is asked; false: it is not; absent: asked unless the caller is the mailbox's user on its own phone. */
  auth: flag.optional(),
  announce: flag.optional(),
}).transform((args, ctx): LeaveArgs | CheckArgs => {
  for (const key of args.check ? LEAVE_ONLY : CHECK_ONLY) {
    if (args[key] !== undefined) warnAtLoad([...ctx.path, key], `applies only ${args.check ? 'to leaving a message' : 'with check: true'}; ignored`);
  }
  if (args.check) return { mode: 'check', user: args.user, auth: args.auth, announce: args.announce };
  if (!args.user) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['user'], message: 'missing; expected the user whose mailbox takes the message' });
    return z.NEVER;
  }
  const { user, skip_greeting, skip_instructions, cc, email } = args;
  return { mode: 'leave', user, skipGreeting: skip_greeting ?? false, skipInstructions: skip_instructions ?? false, cc: cc === undefined ? [] : Array.isArray(cc) ? cc : [cc], email: email ?? [] };
});

export interface LeaveArgs {
  mode: 'leave';
  user: Template;
  skipGreeting: boolean;
  skipInstructions: boolean;
  cc: Template[];
  email: Template[];
}

export interface CheckArgs {
  mode: 'check';
  user?: Template;
  auth?: boolean;
  announce?: boolean;
}

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
  // FreeSWITCH's vm_cc is a list separated by commas; ACR passed a text cc on as it was.
  const copies = args.cc.flatMap((cc) => ctx.expand(cc).split(',')).map((copyTo) => copyTo.trim()).filter(Boolean);
  for (const copyTo of copies) {
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
