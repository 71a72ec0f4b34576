/**
 * recordSession's `email`: when the recording is finished — by a later
 * `recordSession: "stop"` or by the call's end — the WAV goes to the
 * addresses through the domain's SMTP server, as ACR's upload hook mailed
 * it. The call has usually ended by then: what happened is logged (and, in
 * a trace, noted), never thrown.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RecordingSummary } from '../call/call.js';
import type { AppContext } from '../engine/app.js';
import type { Template } from '../engine/template.js';
import { recipients } from './services/mailer.js';

export interface RecordingEmail {
  to: string[];
  subject: string;
  text: string;
}

/** The addresses (a list, or texts separated by commas or semicolons; ACR's "none" is none) and the texts, substituted now; undefined for none. */
export function recordingEmail(ctx: AppContext, email: readonly Template[], subject: Template | undefined, body: Template | undefined): RecordingEmail | undefined {
  const to = recipients(email.map((address) => ctx.expand(address))).filter((address) => address !== 'none');
  if (to.length === 0) return undefined;
  const uuid = ctx.call.uuid;
  return {
    to,
    subject: subject ? ctx.expand(subject) : `Call recording ${uuid}`,
    text: body ? ctx.expand(body) : `The recording of call ${uuid} is attached (WAV).`,
  };
}

/** What `finished` does with the recording: mails it, or says why not. */
export function mailWhenFinished(ctx: AppContext, email: RecordingEmail): (summary: RecordingSummary) => void {
  // The call has ended by then, as a rule: nothing here may throw where no one waits for it.
  return (summary) =>
    void mail(ctx, email, summary)
      .then((outcome) => ctx.log(outcome))
      .catch((error: unknown) => ctx.services.logger.warn({ uuid: ctx.call.uuid, err: error }, 'call recording not e-mailed'));
}

async function mail(ctx: AppContext, email: RecordingEmail, summary: RecordingSummary): Promise<string> {
  const to = email.to.join(', ');
  if (summary.discarded) return `recording not e-mailed to ${to}: shorter than minSec, deleted`;
  const settings = ctx.services.acr.settings(ctx.domainName).email;
  if (!settings) return `recording not e-mailed to ${to}: ${ctx.domainName} has no email (SMTP) settings`;
  const log = { uuid: ctx.call.uuid, app: 'recordSession', path: summary.path, to: email.to };
  try {
    const content = await readFile(summary.path).catch(() => undefined);
    if (!content) return `recording not e-mailed to ${to}: no file at ${summary.path} (a trace records none)`;
    const messageId = await ctx.services.acr.mailer.send(settings, {
      to: email.to,
      subject: email.subject,
      text: email.text,
      attachments: [{ filename: basename(summary.path), content, contentType: 'audio/wav' }],
    });
    ctx.services.logger.info({ ...log, messageId }, 'call recording e-mailed');
    return `recording e-mailed to ${to} via ${settings.host}:${settings.port}`;
  } catch (error) {
    ctx.services.logger.warn({ ...log, err: error }, 'call recording not e-mailed');
    return `recording not e-mailed to ${to}: ${(error as Error).message}`;
  }
}
