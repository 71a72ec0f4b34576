import type { Template } from '../engine/template.js';
import type { AppSpec } from '../engine/app.js';
import { scalarTemplate, templateList, webitelObject } from './args.js';
import { recipients } from './services/mailer.js';

interface SendEmailArgs {
  to: Template[];
  subject: Template;
  message: Template;
  from?: Template;
}

/**
 * `sendEmail`: `{ "to": [...], "subject": "...", "message": "<html>" }` sends
 * through the domain's `email` SMTP settings. Not awaited, as the original:
 * the call goes on at once; the delivery (or its failure) is logged.
 */
export const sendEmailApp: AppSpec<SendEmailArgs> = {
  name: 'sendEmail',
  args: webitelObject({ to: templateList, subject: scalarTemplate.default(''), message: scalarTemplate.default(''), from: scalarTemplate.optional() }),
  run(ctx, args) {
    const settings = ctx.services.acr.settings(ctx.domainName).email;
    if (!settings) return { result: `not sent: ${ctx.domainName || 'the domain'} has no email (SMTP) settings` };
    const to = recipients(args.to.map((address) => ctx.expand(address)));
    if (to.length === 0) return { result: 'not sent: no recipient' };
    const message = { to, subject: ctx.expand(args.subject), html: ctx.expand(args.message), from: args.from && ctx.expand(args.from) };
    const log = ctx.services.logger;
    ctx.services.acr.mailer
      .send(settings, message)
      .then((messageId) => log.info({ uuid: ctx.call.uuid, app: 'sendEmail', to, messageId }, 'e-mail sent'))
      .catch((error: unknown) => log.warn({ uuid: ctx.call.uuid, app: 'sendEmail', to, err: error }, 'e-mail not sent'));
    return { result: `sending to ${to.join(', ')} via ${settings.host}:${settings.port}` };
  },
};
