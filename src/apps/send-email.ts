import { z } from 'zod';
import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { scalarTemplate, templateList, webitelObject } from './args.js';
import { recipients } from './services/mailer.js';

interface SendEmailArgs {
  to: Template[];
  cc: Template[];
  subject: Template;
  message: Template;
  /** flow_manager's content type: the message is HTML unless it says `text/plain`. */
  type: string;
  from?: Template;
}

/** flow_manager's keys that need Webitel's platform (its SMTP profiles, file storage, message store). */
const PLATFORM_KEYS = {
  profile: "Webitel's SMTP profiles; the domain's email settings send it",
  smtp: "the domain's email settings send it",
  attachment: "files of Webitel's storage",
  replyToId: "a reply to a stored message",
  store: "Webitel's message store",
  contactIds: "Webitel's contacts",
  ownerId: "Webitel's contacts",
  set: 'variables from the stored message',
  retryCount: 'one attempt is made',
  async: 'the call never waits for the mail',
};

/**
 * `sendEmail`: `{ "to": [...], "subject": "...", "message": "<html>" }` sends
 * through the domain's `email` SMTP settings; flow_manager's `cc` and `type`
 * too. Not awaited, as the original: the call goes on at once; the delivery
 * (or its failure) is logged.
 */
export const sendEmailApp: AppSpec<SendEmailArgs> = {
  name: 'sendEmail',
  args: webitelObject(
    {
      to: templateList,
      cc: templateList.default([]),
      subject: scalarTemplate.default(''),
      message: scalarTemplate.default(''),
      type: z.string().default('text/html'),
      from: scalarTemplate.optional(),
    },
    { unsupported: PLATFORM_KEYS },
  ),
  run(ctx, args) {
    const settings = ctx.services.acr.settings(ctx.domainName).email;
    if (!settings) return { result: `not sent: ${ctx.domainName || 'the domain'} has no email (SMTP) settings` };
    const to = recipients(args.to.map((address) => ctx.expand(address)));
    if (to.length === 0) return { result: 'not sent: no recipient' };
    const body = ctx.expand(args.message);
    const cc = recipients(args.cc.map((address) => ctx.expand(address)));
    const message = {
      to,
      cc: cc.length > 0 ? cc : undefined,
      subject: ctx.expand(args.subject),
      ...(args.type.trim().toLowerCase() === 'text/plain' ? { text: body } : { html: body }),
      from: args.from && ctx.expand(args.from),
    };
    const log = ctx.services.logger;
    ctx.services.acr.mailer
      .send(settings, message)
      .then((messageId) => log.info({ uuid: ctx.call.uuid, app: 'sendEmail', to, messageId }, 'e-mail sent'))
      .catch((error: unknown) => log.warn({ uuid: ctx.call.uuid, app: 'sendEmail', to, err: error }, 'e-mail not sent'));
    return { result: `sending to ${to.join(', ')} via ${settings.host}:${settings.port}` };
  },
};
