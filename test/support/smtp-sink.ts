/**
 * A real SMTP server on loopback (the `smtp-server` package) that keeps
 * every message delivered to it, for tests of what the router mails.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SMTPServer } from 'smtp-server';

export interface DeliveredMail {
  from: string;
  to: string[];
  /** The message as it came over the wire (headers and MIME body). */
  data: string;
}

export class SmtpSink {
  readonly delivered: DeliveredMail[] = [];
  readonly #server: SMTPServer;

  private constructor(credentials?: { username: string; password: string }) {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onAuth(auth, _session, callback) {
        if (credentials && auth.username === credentials.username && auth.password === credentials.password) callback(null, { user: auth.username });
        else callback(new Error('bad credentials'));
      },
      onData: (stream, session, callback) => {
        let data = '';
        stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
        stream.on('end', () => {
          this.delivered.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((recipient) => recipient.address),
            data,
          });
          callback();
        });
      },
    });
  }

  /** Listening on 127.0.0.1 on a free port; with `credentials`, only that login is accepted. */
  static async start(credentials?: { username: string; password: string }): Promise<SmtpSink> {
    const sink = new SmtpSink(credentials);
    await new Promise<void>((resolve) => sink.#server.listen(0, '127.0.0.1', resolve));
    return sink;
  }

  get port(): number {
    return (this.#server.server.address() as AddressInfo).port;
  }

  /** Until `count` messages came, or the time is up (then the caller's assertions say what is missing). */
  async waitFor(count: number, timeoutMs = 5000): Promise<void> {
    for (let waited = 0; waited < timeoutMs && this.delivered.length < count; waited += 25) await sleep(25);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }
}

/** The WAV attached to a delivered mail: its file name and bytes (a long name folds its Content-Type header). */
export function wavAttachment(data: string): { filename: string; bytes: Buffer } {
  const part = /Content-Type: audio\/wav;\s+name="?([^"\r\n]+)"?\r\n(?:[^\r\n]+\r\n)*\r\n([A-Za-z0-9+/=\r\n]+)/.exec(data);
  assert.ok(part, `a WAV attachment in the mail:\n${data.slice(0, 2000)}`);
  return { filename: part[1], bytes: Buffer.from(part[2].replace(/\r\n/g, ''), 'base64') };
}
