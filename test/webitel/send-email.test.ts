import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { runApp } from '../support/engine.js';
import { acrServices } from './support.js';

interface Delivered {
  from: string;
  to: string[];
  data: string;
}

describe('sendEmail through a local SMTP server', () => {
  const delivered: Delivered[] = [];
  const sink = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'router' && auth.password === 'secret') callback(null, { user: auth.username });
      else callback(new Error('bad credentials'));
    },
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => (data += chunk.toString()));
      stream.on('end', () => {
        delivered.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((recipient) => recipient.address),
          data,
        });
        callback();
      });
    },
  });
  let port = 0;
  before(async () => {
    await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
    port = (sink.server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => sink.close(() => resolve())));

  async function waitForMail(count: number): Promise<void> {
    for (let tries = 0; tries < 200 && delivered.length < count; tries++) await new Promise((resolve) => setTimeout(resolve, 25));
  }

  it("sends the documented message with the domain's SMTP settings, variables substituted", async () => {
    const acr = acrServices({ email: { host: '127.0.0.1', port, secure: false, username: 'router', password: 'secret', from: 'pbx@example.com', timeoutMs: 5000 } });
    const { step } = await runApp(
      {
        sendEmail: {
          to: ['office@gmail.com', 'support@webitel.ua'],
          subject: '[webitel](${Caller-Caller-ID-Number}) SMS notification',
          message: '<H3>Turn on SMS</h3>\n<b>Creditcard</b>: ${Creditcard[0]} <i>***</i> ${Creditcard[1]}',
        },
      },
      { variables: { 'Caller-Caller-ID-Number': '0671234567', Creditcard: 'ARRAY::4111|:1111' } },
      { acr },
    );
    assert.match(step.result!, /^sending to office@gmail.com, support@webitel.ua via 127\.0\.0\.1:\d+$/);
    await waitForMail(1);
    const [mail] = delivered;
    assert.equal(mail.from, 'pbx@example.com');
    assert.deepEqual(mail.to, ['office@gmail.com', 'support@webitel.ua']);
    assert.match(mail.data, /Subject: \[webitel\]\(0671234567\) SMS notification/);
    assert.match(mail.data.replace(/=\r\n/g, ''), /4111 <i>\*\*\*<\/i> 1111/);
  });

  it('without SMTP settings nothing is sent, and the trace says why', async () => {
    const { step } = await runApp({ sendEmail: { to: 'a@example.com', subject: 'x', message: 'y' } }, {}, { acr: acrServices() });
    assert.match(step.result!, /^not sent: .* has no email \(SMTP\) settings$/);
  });
});
