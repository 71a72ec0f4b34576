/**
 * A minimal phone that registers over UDP from an address of our choosing
 * (127.0.0.x), for tests that need many REGISTERs quickly or from several
 * addresses: REGISTER, answer the 401 once, report the final status.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { answerChallenge, parseDigestChallenge } from '../../../src/sip/auth/index.js';

export class UdpPhone {
  readonly #socket: Socket;
  #sequence = 0;

  private constructor(
    socket: Socket,
    readonly address: string,
    readonly port: number,
  ) {
    this.#socket = socket;
  }

  static async open(address = '127.0.0.1'): Promise<UdpPhone> {
    const socket = createSocket('udp4');
    socket.bind(0, address);
    await once(socket, 'listening');
    return new UdpPhone(socket, address, socket.address().port);
  }

  /** The final status of one registration attempt as `user` with `password` (undefined: no answer within 2 s). */
  async register(target: { port: number; domain: string }, user: string, password: string, expires = 60): Promise<number | undefined> {
    const callId = randomUUID();
    const first = await this.#send(target, user, callId, expires);
    if (first?.status !== 401) return first?.status;
    const challenge = parseDigestChallenge(first.headers.get('www-authenticate') ?? '');
    if (!challenge) throw new Error('401 without a digest challenge');
    const authorization = answerChallenge(challenge, { username: user, password, method: 'REGISTER', uri: `sip:${target.domain}`, nonceCount: 1 });
    return (await this.#send(target, user, callId, expires, authorization))?.status;
  }

  close(): void {
    this.#socket.close();
  }

  async #send(target: { port: number; domain: string }, user: string, callId: string, expires: number, authorization?: string) {
    const branch = `z9hG4bK-${randomUUID()}`;
    const lines = [
      `REGISTER sip:${target.domain} SIP/2.0`,
      `Via: SIP/2.0/UDP ${this.address}:${this.port};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:${user}@${target.domain}>;tag=${randomUUID().slice(0, 8)}`,
      `To: <sip:${user}@${target.domain}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${++this.#sequence} REGISTER`,
      `Contact: <sip:${user}@${this.address}:${this.port}>`,
      `Expires: ${expires}`,
      ...(authorization ? [`Authorization: ${authorization}`] : []),
      'Content-Length: 0',
      '',
      '',
    ];
    const answered = new Promise<{ status: number; headers: Map<string, string> } | undefined>((resolve) => {
      const timer = setTimeout(() => done(undefined), 2_000);
      const onMessage = (data: Buffer) => {
        const text = data.toString('latin1');
        if (!text.includes(branch)) return;
        const status = Number(/^SIP\/2\.0 (\d{3})/.exec(text)?.[1]);
        if (status < 200) return;
        const headers = new Map<string, string>();
        for (const line of text.split('\r\n').slice(1)) {
          const colon = line.indexOf(':');
          if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
        done({ status, headers });
      };
      const done = (result: { status: number; headers: Map<string, string> } | undefined) => {
        clearTimeout(timer);
        this.#socket.off('message', onMessage);
        resolve(result);
      };
      this.#socket.on('message', onMessage);
    });
    this.#socket.send(Buffer.from(lines.join('\r\n'), 'latin1'), target.port, '127.0.0.1');
    return answered;
  }
}
