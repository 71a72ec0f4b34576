/**
 * A phone driven step by step from a test, for what one sipp scenario
 * cannot do: take a call and place another at the same time, then name one
 * dialog inside the other (an attended transfer's REFER with Replaces).
 * It listens on a registered phone's port, answers NOTIFY and BYE with 200
 * by itself, and keeps every message it receives.
 */
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { answerChallenge, parseDigestChallenge } from '../../../src/sip/auth/index.js';
import { parseMessage, type SipMessage, type SipRequest, type SipResponse } from '../../../src/sip/message/index.js';
import type { SippAccount } from './sipp.js';

/** One side's view of a dialog: what its requests are built from. */
export interface PhoneDialog {
  callId: string;
  /** Our address with our tag (From of our requests). */
  local: string;
  /** The router's address with its tag (To of our requests). */
  remote: string;
  /** The router's Contact URI: where our requests go. */
  target: string;
  localTag: string;
  remoteTag: string;
  seq: number;
}

export class ScriptedPhone {
  readonly received: SipMessage[] = [];
  readonly #socket: Socket;
  #waiters: { match: (message: SipMessage) => boolean; resolve: (message: SipMessage) => void }[] = [];

  private constructor(
    socket: Socket,
    readonly port: number,
    private readonly routerPort: number,
  ) {
    this.#socket = socket;
    socket.on('message', (data) => this.#receive(data));
  }

  /** Listens on `port` (a registered phone's) and sends to the router on `routerPort`. */
  static async listen(port: number, routerPort: number): Promise<ScriptedPhone> {
    const socket = createSocket('udp4');
    socket.bind(port, '127.0.0.1');
    await once(socket, 'listening');
    return new ScriptedPhone(socket, port, routerPort);
  }

  close(): void {
    this.#socket.close();
  }

  /** The next received message that matches (already received ones included), or a failure after `timeoutMs`. */
  async next(match: (message: SipMessage) => boolean, what: string, timeoutMs = 10_000): Promise<SipMessage> {
    const found = this.received.find(match);
    if (found) return found;
    const waiting = new Promise<SipMessage>((resolve) => this.#waiters.push({ match, resolve }));
    const timeout = sleep(timeoutMs).then(() => {
      throw new Error(`timed out waiting for ${what}; received:\n${this.received.map(firstLine).join('\n')}`);
    });
    return Promise.race([waiting, timeout]);
  }

  /** Answers an INVITE with 200 and SDP; the dialog as the answering side sees it. */
  answer(invite: SipRequest): PhoneDialog {
    const localTag = randomUUID().slice(0, 8);
    const local = `${invite.headers.get('to')};tag=${localTag}`;
    this.#respond(invite, 200, 'OK', { to: local, contact: this.#contact(), 'content-type': 'application/sdp' }, sdp(this.port + 2));
    const contact = /<([^>]+)>/.exec(invite.headers.get('contact') ?? '')?.[1] ?? '';
    const remote = invite.headers.get('from') ?? '';
    return { callId: invite.headers.get('call-id') ?? '', local, remote, target: contact, localTag, remoteTag: tagOf(remote), seq: 0 };
  }

  /** Calls `user` through the router as `account`, answering its 407 once; resolves once the call is answered and ACKed. */
  async call(account: SippAccount, user: string): Promise<PhoneDialog> {
    const callId = `${randomUUID()}@scripted`;
    const localTag = randomUUID().slice(0, 8);
    const local = `<sip:${account.user}@${account.domain}>;tag=${localTag}`;
    const uri = `sip:${user}@${account.domain}`;
    const invite = (seq: number, extra: Record<string, string>) => {
      const branch = `z9hG4bK-${randomUUID()}`;
      this.#send(`INVITE ${uri} SIP/2.0`, { via: this.#via(branch), from: local, to: `<${uri}>`, 'call-id': callId, cseq: `${seq} INVITE`, contact: this.#contact(), 'max-forwards': '70', 'content-type': 'application/sdp', ...extra }, sdp(this.port + 4));
      return branch;
    };
    const isFinal = (seq: number) => (message: SipMessage) => message.type === 'response' && message.status >= 200 && message.headers.get('call-id') === callId && message.headers.get('cseq') === `${seq} INVITE`;
    const firstBranch = invite(1, {});
    const challenge = (await this.next(isFinal(1), 'the 407 to our INVITE')) as SipResponse;
    this.#send(`ACK ${uri} SIP/2.0`, { via: this.#via(firstBranch), from: local, to: challenge.headers.get('to') ?? '', 'call-id': callId, cseq: '1 ACK', 'max-forwards': '70' });
    const parsed = parseDigestChallenge(challenge.headers.get('proxy-authenticate') ?? '');
    if (!parsed) throw new Error(`no digest challenge in ${challenge.status}`);
    const authorization = answerChallenge(parsed, { username: account.user, password: account.password, method: 'INVITE', uri, nonceCount: 1 });
    invite(2, { 'proxy-authorization': authorization ?? '' });
    const answered = (await this.next(isFinal(2), 'the 200 to our INVITE', 20_000)) as SipResponse;
    if (answered.status !== 200) throw new Error(`our INVITE got ${answered.status}`);
    const remote = answered.headers.get('to') ?? '';
    const target = /<([^>]+)>/.exec(answered.headers.get('contact') ?? '')?.[1] ?? '';
    const dialog: PhoneDialog = { callId, local, remote, target, localTag, remoteTag: tagOf(remote), seq: 2 };
    this.#send(`ACK ${target} SIP/2.0`, { via: this.#via(`z9hG4bK-${randomUUID()}`), from: local, to: remote, 'call-id': callId, cseq: '2 ACK', 'max-forwards': '70' });
    return dialog;
  }

  /** A request in the dialog; resolves with its final response. */
  async request(dialog: PhoneDialog, method: string, headers: Record<string, string> = {}): Promise<SipResponse> {
    const seq = ++dialog.seq;
    this.#send(`${method} ${dialog.target} SIP/2.0`, {
      via: this.#via(`z9hG4bK-${randomUUID()}`),
      from: dialog.local,
      to: dialog.remote,
      'call-id': dialog.callId,
      cseq: `${seq} ${method}`,
      contact: this.#contact(),
      'max-forwards': '70',
      ...headers,
    });
    const final = (message: SipMessage) => message.type === 'response' && message.status >= 200 && message.headers.get('call-id') === dialog.callId && message.headers.get('cseq') === `${seq} ${method}`;
    return (await this.next(final, `the answer to our ${method}`)) as SipResponse;
  }

  #receive(data: Buffer): void {
    const parsed = parseMessage(data);
    if (!parsed.ok) return;
    const message = parsed.message;
    this.received.push(message);
    if (message.type === 'request' && (message.method === 'NOTIFY' || message.method === 'BYE')) this.#respond(message, 200, 'OK', { to: message.headers.get('to') ?? '' });
    for (const waiter of this.#waiters.filter((candidate) => candidate.match(message))) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    }
  }

  #respond(request: SipRequest, status: number, reason: string, headers: Record<string, string>, body = ''): void {
    this.#send(`SIP/2.0 ${status} ${reason}`, {
      via: request.headers.getAll('via').join(', '),
      from: request.headers.get('from') ?? '',
      'call-id': request.headers.get('call-id') ?? '',
      cseq: request.headers.get('cseq') ?? '',
      ...headers,
    }, body);
  }

  #send(startLine: string, headers: Record<string, string>, body = ''): void {
    const lines = [startLine, ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`), `content-length: ${Buffer.byteLength(body)}`, '', body];
    this.#socket.send(lines.join('\r\n'), this.routerPort, '127.0.0.1');
  }

  #via(branch: string): string {
    return `SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`;
  }

  #contact(): string {
    return `<sip:scripted@127.0.0.1:${this.port}>`;
  }
}

function sdp(port: number): string {
  return ['v=0', `o=scripted ${port} 1 IN IP4 127.0.0.1`, 's=scripted', 'c=IN IP4 127.0.0.1', 't=0 0', `m=audio ${port} RTP/AVP 0`, 'a=rtpmap:0 PCMU/8000', ''].join('\r\n');
}

function tagOf(address: string): string {
  return /;tag=([^;>\s]+)/.exec(address)?.[1] ?? '';
}

function firstLine(message: SipMessage): string {
  return message.type === 'request' ? `${message.method} ${message.headers.get('cseq')}` : `${message.status} ${message.headers.get('cseq')}`;
}
