/**
 * A new voicemail message by e-mail, as FreeSWITCH's voicemail sends one to
 * a mailbox's `vm-mailto`: who called, when (in the domain's time zone), how
 * long, with the message's WAV attached, through the domain's SMTP server.
 * The message is already in the mailbox: a mail that cannot be sent is
 * logged and traced, and the call goes on.
 */
import type { AppContext } from '../engine/app.js';
import type { VoicemailMessage } from '../voicemail/store.js';
import { recipients } from './services/mailer.js';

/** A user's directory variable naming where its new messages are mailed (FreeSWITCH's directory parameter). */
export const MAILTO_VARIABLE = 'vm-mailto';

/** The addresses in each mailbox user's `vm-mailto` (comma or semicolon separated). */
export function mailboxAddresses(ctx: AppContext, users: readonly string[]): string[] {
  return recipients(users.map((user) => ctx.services.directory.user(ctx.domainName, user)?.variables[MAILTO_VARIABLE] ?? ''));
}

/** Sends the message to `to` (duplicates dropped); what happened, for the trace. */
export async function emailMessage(ctx: AppContext, message: VoicemailMessage, to: readonly string[]): Promise<string> {
  const addresses = [...new Set(to)];
  const settings = ctx.services.acr.settings(message.domain).email;
  if (!settings) return `not e-mailed to ${addresses.join(', ')}: ${message.domain} has no email (SMTP) settings`;
  const log = { uuid: ctx.call.uuid, app: 'voicemail', message: message.id, to: addresses };
  try {
    const audio = await ctx.services.acr.voicemail.audio(message.domain, message.user, message.id);
    if (!audio) return `not e-mailed to ${addresses.join(', ')}: the mailbox keeps no audio for ${message.id} (a trace records none)`;
    const messageId = await ctx.services.acr.mailer.send(settings, {
      to: addresses,
      subject: `Voicemail for ${message.user} from ${caller(message)}`,
      text: body(ctx, message),
      attachments: [{ filename: `${message.id}.wav`, content: audio, contentType: 'audio/wav' }],
    });
    ctx.services.logger.info({ ...log, messageId }, 'voicemail e-mailed');
    return `e-mailed to ${addresses.join(', ')} via ${settings.host}:${settings.port}`;
  } catch (error) {
    ctx.services.logger.warn({ ...log, err: error }, 'voicemail not e-mailed');
    return `not e-mailed to ${addresses.join(', ')}: ${(error as Error).message}`;
  }
}

function caller({ callerIdName, callerIdNumber }: VoicemailMessage): string {
  const number = callerIdNumber || 'an unknown number';
  return callerIdName && callerIdName !== callerIdNumber ? `${callerIdName} (${number})` : number;
}

function body(ctx: AppContext, message: VoicemailMessage): string {
  const timeZone = ctx.services.directory.domain(message.domain)?.timeZone ?? 'UTC';
  const at = new Date(message.receivedAt).toLocaleString('sv-SE', { timeZone });
  return [
    `A new voicemail message for ${message.user}@${message.domain}.`,
    '',
    `From:     ${caller(message)}`,
    `Received: ${at} (${timeZone})`,
    `Length:   ${(message.durationMs / 1000).toFixed(1)} s`,
    `Message:  ${message.id}`,
    '',
    'The recording is attached (WAV).',
  ].join('\n');
}
