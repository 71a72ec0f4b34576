import type { Transporter } from 'nodemailer';
import type { DomainAppSettings } from './settings.js';

export interface EmailMessage {
  to: string[];
  cc?: string[];
  subject: string;
  /** The body: HTML (`sendEmail`), or plain text. */
  html?: string;
  text?: string;
  from?: string;
  attachments?: { filename: string; content: Uint8Array; contentType: string }[];
}

/** Addresses as schemas give them: several to a string too, separated by commas or semicolons. */
export function recipients(texts: readonly string[]): string[] {
  return texts.flatMap((text) => text.split(/[,;]/)).map((address) => address.trim()).filter((address) => address !== '');
}

type EmailSettings = NonNullable<DomainAppSettings['email']>;

/** Sends `sendEmail` messages (and voicemail's) through each domain's SMTP server; one pooled connection set per server. */
export class Mailer {
  readonly #transports = new WeakMap<EmailSettings, Transporter>();

  async send(settings: EmailSettings, message: EmailMessage): Promise<string> {
    const transport = await this.#transport(settings);
    const info = await transport.sendMail({
      from: message.from || settings.from,
      to: message.to,
      cc: message.cc,
      subject: message.subject,
      html: message.html,
      text: message.text,
      attachments: message.attachments?.map(({ filename, content, contentType }) => ({ filename, content: Buffer.from(content), contentType })),
    });
    return String(info.messageId ?? '');
  }

  async #transport(settings: EmailSettings): Promise<Transporter> {
    let transport = this.#transports.get(settings);
    if (!transport) {
      // Imported with the first message: a router that never mails need not load it at every start.
      const { default: nodemailer } = await import('nodemailer');
      transport = this.#transports.get(settings) ?? nodemailer.createTransport({
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
