import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { test } from 'node:test';
import pino from 'pino';
import { configSchema } from '../config/schema.js';
import { ConfigDirectory } from '../directory/config-directory.js';
import { answerChallenge } from './auth/client-credentials.js';
import { parseDigestChallenge } from './auth/credentials.js';
import { parseMessage, type SipResponse } from './message/index.js';
import { SipServer } from './server.js';

/** A phone on loopback: sends SIP text over UDP and waits for the next response. */
class UdpPhone {
  readonly #socket: Socket = createSocket('udp4');

  async bind(): Promise<number> {
    this.#socket.bind(0, '127.0.0.1');
    await once(this.#socket, 'listening');
    return this.#socket.address().port;
  }

  async exchange(text: string, port: number): Promise<SipResponse> {
    const reply = once(this.#socket, 'message');
    this.#socket.send(Buffer.from(text.replace(/\n/g, '\r\n')), port, '127.0.0.1');
    const [data] = (await reply) as [Buffer];
    const parsed = parseMessage(data);
    assert.ok(parsed.ok && parsed.message.type === 'response', 'a SIP response');
    return parsed.message;
  }

  close(): void {
    this.#socket.close();
  }
}

test('a phone registers with digest authentication over real UDP on loopback', async (t) => {
  const config = configSchema.parse({
    sip: { listen: { address: '127.0.0.1', port: 0 }, transports: ['udp'] },
    domains: [{ name: 'example.com', users: [{ id: '101', password: 'secret-101' }] }],
  });
  const directory = new ConfigDirectory(config.domains);
  const server = new SipServer({ sip: config.sip, directory, logger: pino({ level: 'silent' }), drainTimeoutMs: 0 });
  await server.start();
  const phone = new UdpPhone();
  t.after(async () => {
    phone.close();
    await server.stop();
  });
  const serverPort = server.localAddress('udp')?.port ?? 0;
  const phonePort = await phone.bind();

  const register = (cseq: number, authorization = '') => `REGISTER sip:example.com SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:${phonePort};rport;branch=z9hG4bK-loop-${cseq}
Max-Forwards: 70
From: <sip:101@example.com>;tag=phone
To: <sip:101@example.com>
Call-ID: loopback-1
CSeq: ${cseq} REGISTER
Contact: <sip:101@127.0.0.1:${phonePort}>
Expires: 300
${authorization}Content-Length: 0

`;

  const challenged = await phone.exchange(register(1), serverPort);
  assert.equal(challenged.status, 401);
  const challenge = parseDigestChallenge(challenged.headers.get('www-authenticate') ?? '');
  assert.ok(challenge);
  const credentials = answerChallenge(challenge, { username: '101', password: 'secret-101', method: 'REGISTER', uri: 'sip:example.com', nonceCount: 1 });

  const ok = await phone.exchange(register(2, `Authorization: ${credentials}\n`), serverPort);
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.headers.getAll('contact'), [`<sip:101@127.0.0.1:${phonePort}>;expires=300`]);
  assert.equal(directory.phoneState.state('example.com', '101'), 'onhook');
  assert.equal(server.contacts('example.com', '101')[0].source.port, phonePort);

  const options = await phone.exchange(
    `OPTIONS sip:example.com SIP/2.0
Via: SIP/2.0/UDP 127.0.0.1:${phonePort};branch=z9hG4bK-loop-options
Max-Forwards: 70
From: <sip:101@example.com>;tag=phone
To: <sip:example.com>
Call-ID: loopback-2
CSeq: 1 OPTIONS
Content-Length: 0

`,
    serverPort,
  );
  assert.equal(options.status, 200);
  assert.deepEqual(options.headers.getAll('allow'), ['REGISTER', 'OPTIONS', 'SUBSCRIBE']);
  assert.deepEqual(options.headers.getAll('allow-events'), ['dialog', 'presence'], 'without mailboxes there is no message-summary');
});
