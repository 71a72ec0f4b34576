import nodemailer, { type Transporter } from 'nodemailer';
import type { DomainAppSettings } from './settings.js';

export interface EmailMessage {
  to: string[];
  subject: string;
  html: string;
  from?: string;
}

type EmailSettings = NonNullable<DomainAppSettings['email']>;

/** Sends `sendEmail` messages through each domain's SMTP server; one pooled connection set per server. */
export class Mailer {
  readonly #transports = new WeakMap<EmailSettings, Transporter>();

  async send(settings: EmailSettings, message: EmailMessage): Promise<string> {
    const info = await this.#transport(settings).sendMail({
      from: message.from || settings.from,
      to: message.to,
      subject: message.subject,
      html: message.html,
    });
    return String(info.messageId ?? '');
  }

  #transport(settings: EmailSettings): Transporter {
    let transport = this.#transports.get(settings);
    if (!transport) {
      transport = nodemailer.createTransport({
        host: settings.host,
        port: settings.port,
        secure: settings.secure,
        auth: settings.username ? { user: settings.username, pass: settings.password ?? '' } : undefined,
        connectionTimeout: settings.timeoutMs,
        greetingTimeout: settings.timeoutMs,
        socketTimeout: settings.timeoutMs,
      });
      this.#transports.set(settings, transport);
    }
    return transport;
  }
}
