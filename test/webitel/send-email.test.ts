import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadValid, runApp } from '../support/engine.js';
import { acrServices } from './support.js';
import { SmtpSink } from '../support/smtp-sink.js';

describe('sendEmail through a local SMTP server', () => {
  let sink: SmtpSink;
  let port = 0;
  before(async () => {
    sink = await SmtpSink.start({ username: 'router', password: 'secret' });
    port = sink.port;
  });
  after(() => sink.close());

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
    await sink.waitFor(1);
    const [mail] = sink.delivered;
    assert.equal(mail.from, 'pbx@example.com');
    assert.deepEqual(mail.to, ['office@gmail.com', 'support@webitel.ua']);
    assert.match(mail.data, /Subject: \[webitel\]\(0671234567\) SMS notification/);
    assert.match(mail.data.replace(/=\r\n/g, ''), /4111 <i>\*\*\*<\/i> 1111/);
  });

  it("flow_manager's form: cc, a plain-text type, and its platform keys load with a warning saying what they needed", async () => {
    const acr = acrServices({ email: { host: '127.0.0.1', port, secure: false, username: 'router', password: 'secret', from: 'pbx@example.com', timeoutMs: 5000 } });
    const sendEmail = { to: ['office@example.com'], cc: ['boss@example.com'], type: 'text/plain', subject: 'Missed call', message: 'From ${caller_id_number} <b>', profile: { id: 1 } };
    assert.deepEqual(loadValid([{ sendEmail }]).warnings, [
      { path: '[0].sendEmail.profile', message: `"profile" is not supported yet (Webitel's SMTP profiles; the domain's email settings send it); ignored` },
    ]);
    const before = sink.delivered.length;
    await runApp({ sendEmail }, { variables: { caller_id_number: '0671234567' } }, { acr });
    await sink.waitFor(before + 1);
    const mail = sink.delivered[before];
    assert.deepEqual(mail.to, ['office@example.com', 'boss@example.com']);
    assert.match(mail.data, /^Cc: boss@example\.com\r$/m);
    assert.match(mail.data, /^Content-Type: text\/plain/m);
    assert.match(mail.data, /From 0671234567 <b>/);
  });

  it('without SMTP settings nothing is sent, and the trace says why', async () => {
    const { step } = await runApp({ sendEmail: { to: 'a@example.com', subject: 'x', message: 'y' } }, {}, { acr: acrServices() });
    assert.match(step.result!, /^not sent: .* has no email \(SMTP\) settings$/);
  });
});
