/**
 * `voicemail` with `check`: the PIN (the user's `vm-password`) unless the
 * caller is the mailbox's user on its own phone, then each message — unheard
 * ones first — with a menu after it: 1 again, 7 delete, 9 (or nothing) keep
 * and go on. A key pressed while a message plays answers the menu at once.
 */
import { timingSafeEqual } from 'node:crypto';
import type { PlayItem } from '../call/call.js';
import type { AppContext, AppOutcome } from '../engine/app.js';
import { DTMF_DIGITS } from '../media/dtmf/digits.js';
import type { PromptName } from './services/prompt-catalog.js';
import type { CheckArgs } from './voicemail.js';

const PIN_VARIABLE = 'vm-password';
const PIN_TRIES = 3;
const ANSWER_TIMEOUT_MS = 5000;
const MAX_PIN_DIGITS = 16;

export async function checkMailbox(ctx: AppContext, args: CheckArgs): Promise<AppOutcome> {
  const domain = ctx.domainName;
  const caller = callingUser(ctx);
  const user = args.user ? ctx.expand(args.user).trim() : caller;
  const entry = user ? ctx.services.directory.user(domain, user) : undefined;
  if (!user || !entry) return { result: user ? `failed: no user ${JSON.stringify(user)} in ${domain}` : 'failed: no mailbox: give `user`, or call from a user’s phone' };
  const { voicemail, prompts } = ctx.services.acr;

  const mustAuthenticate = args.auth ?? caller !== user;
  if (mustAuthenticate) {
    const pin = entry.variables[PIN_VARIABLE];
    if (!pin) {
      await ctx.call.play({ items: await prompts.items('vm-wrong-pin') });
      return { result: `refused: user ${user} has no ${PIN_VARIABLE}` };
    }
    if (!(await pinAccepted(ctx, pin))) return { result: `refused: wrong PIN ${PIN_TRIES} times` };
  }

  const messages = (await voicemail.list(domain, user)).sort((a, b) => Number(a.heard) - Number(b.heard));
  if (messages.length === 0) {
    await ctx.call.play({ items: await prompts.items('vm-no-messages') });
    return { result: `no messages for ${user}` };
  }
  let deleted = 0;
  for (const message of messages) {
    const listen: PlayItem[] = [
      ...(await prompts.items('vm-message')),
      ...(args.announce ? await callerNumber(ctx, message.callerIdNumber) : []),
      { kind: 'file', path: voicemail.audioPath(domain, user, message.id) },
    ];
    let choice: string;
    do {
      choice = await ask(ctx, [...listen, ...(await prompts.items('vm-message-menu'))], 1, '');
      await voicemail.markHeard(domain, user, message.id);
    } while (choice === '1' && !ctx.call.signal.aborted);
    if (choice === '7') {
      await voicemail.delete(domain, user, message.id);
      deleted += 1;
      await ctx.call.play({ items: await prompts.items('vm-deleted') });
    }
  }
  await ctx.call.play({ items: await prompts.items('vm-goodbye') });
  return { result: `${messages.length} message(s) played for ${user}, ${deleted} deleted` };
}

/** `announce` (FreeSWITCH's vm_announce_cid): "from" and the caller's number, digit by digit; nothing for a number without digits. */
async function callerNumber(ctx: AppContext, number: string): Promise<PlayItem[]> {
  const digits = number.replace(/\D/g, '');
  if (digits === '') return [];
  const { prompts } = ctx.services.acr;
  const spoken = await Promise.all(['vm-from' as const, ...[...digits].map((digit) => `digit-${digit}` as PromptName)].map((name) => prompts.items(name)));
  return spoken.flat();
}

/** The user part of `presence_id`: the user whose own phone made the call (authenticated by the SIP server). */
function callingUser(ctx: AppContext): string | undefined {
  const presence = ctx.call.getVariable('presence_id') ?? '';
  const at = presence.lastIndexOf('@');
  return at > 0 && presence.slice(at + 1) === ctx.domainName ? presence.slice(0, at) : undefined;
}

async function pinAccepted(ctx: AppContext, pin: string): Promise<boolean> {
  const { prompts } = ctx.services.acr;
  for (let attempt = 1; attempt <= PIN_TRIES; attempt++) {
    const entered = await ask(ctx, await prompts.items('vm-enter-pin'), MAX_PIN_DIGITS, '#');
    if (sameText(entered, pin)) return true;
    ctx.log(`voicemail: wrong PIN (try ${attempt})`);
    await ctx.call.play({ items: await prompts.items('vm-wrong-pin') });
    if (ctx.call.signal.aborted) return false;
  }
  return false;
}

/** Plays the prompt (any key stops it and is the first digit) and collects the answer. */
async function ask(ctx: AppContext, items: PlayItem[], max: number, terminators: string): Promise<string> {
  ctx.call.flushDigits();
  const played = await ctx.call.play({ items, terminators: DTMF_DIGITS });
  if (played.reason === 'failed') ctx.log(`voicemail: ${played.error}`);
  return ctx.call.collectDigits({ min: 1, max, timeoutMs: ANSWER_TIMEOUT_MS, terminators });
}

function sameText(a: string, b: string): boolean {
  const [left, right] = [Buffer.from(a), Buffer.from(b)];
  return left.length === right.length && timingSafeEqual(left, right);
}
