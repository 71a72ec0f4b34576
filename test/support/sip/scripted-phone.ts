/**
 * A phone driven step by step from a test, for what one sipp scenario
 * cannot do: take a call and place another at the same time, then name one
 * dialog inside the other (an attended transfer's REFER with Replaces); or
 * speak SIP over TLS, which Debian's sipp is built without. Over UDP it
 * listens on a registered phone's port; over TLS it keeps one connection to
 * the router and registers through it. It answers NOTIFY and BYE with 200 by
 * itself, and keeps every message it receives.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { answerChallenge, parseDigestChallenge } from '../../../src/sip/auth/index.js';
import type { SipMessage, SipRequest, SipResponse } from '../../../src/sip/message/index.js';
import { tlsServerWire, tlsWire, udpWire, type PhoneWire } from './phone-wire.js';
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
  #wire!: PhoneWire;
  #waiters: { match: (message: SipMessage) => boolean; resolve: (message: SipMessage) => void }[] = [];

  private constructor() {}

  /** Listens on `port` (a registered phone's) and sends to the router on `routerPort`. */
  static async listen(port: number, routerPort: number): Promise<ScriptedPhone> {
    const phone = new ScriptedPhone();
    phone.#wire = await udpWire(port, routerPort, (message) => phone.#receive(message));
    return phone;
  }

  /** Connects to the router's TLS port, trusting `ca`; register() binds this connection. */
  static async overTls(routerTlsPort: number, ca: Buffer): Promise<ScriptedPhone> {
    const phone = new ScriptedPhone();
    phone.#wire = await tlsWire(routerTlsPort, ca, (message) => phone.#receive(message));
    return phone;
  }

  /** A carrier over TLS: listens with `certificate` and answers the router over the connection it opens. */
  static async listenTls(certificate: { certPem: Buffer; keyPem: Buffer }): Promise<ScriptedPhone & { serverNames: string[] }> {
    const phone = new ScriptedPhone();
    const wire = await tlsServerWire(certificate, (message) => phone.#receive(message));
    phone.#wire = wire;
    return Object.assign(phone, { serverNames: wire.serverNames });
  }

  get port(): number {
    return this.#wire.port;
  }

  close(): void {
    this.#wire.close();
  }

  /** Registers as `account`, answering the 401 once; the final status. */
  async register(account: SippAccount, expires = 60): Promise<number> {
    const callId = `${randomUUID()}@scripted`;
    const aor = `<sip:${account.user}@${account.domain}>`;
    const uri = `sip:${account.domain}`;
    const register = (seq: number, extra: Record<string, string>) =>
      this.#send(`REGISTER ${uri} SIP/2.0`, { via: this.#via(`z9hG4bK-${randomUUID()}`), from: `${aor};tag=${randomUUID().slice(0, 8)}`, to: aor, 'call-id': callId, cseq: `${seq} REGISTER`, contact: this.#contact(account.user), expires: String(expires), 'max-forwards': '70', ...extra });
    const isFinal = (seq: number) => (message: SipMessage) => message.type === 'response' && message.status >= 200 && message.headers.get('cseq') === `${seq} REGISTER` && message.headers.get('call-id') === callId;
    register(1, {});
    const challenge = (await this.next(isFinal(1), 'the 401 to our REGISTER')) as SipResponse;
    const parsed = parseDigestChallenge(challenge.headers.get('www-authenticate') ?? '');
    if (!parsed) return challenge.status;
    register(2, { authorization: answerChallenge(parsed, { username: account.user, password: account.password, method: 'REGISTER', uri, nonceCount: 1 }) ?? '' });
    return ((await this.next(isFinal(2), 'the answer to our authenticated REGISTER')) as SipResponse).status;
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

  /** Calls `user` (at a `scheme` URI) through the router as `account`, answering its 407 once; resolves once the call is answered and ACKed. */
  async call(account: SippAccount, user: string, scheme: 'sip' | 'sips' = 'sip'): Promise<PhoneDialog> {
    const callId = `${randomUUID()}@scripted`;
    const localTag = randomUUID().slice(0, 8);
    const local = `<${scheme}:${account.user}@${account.domain}>;tag=${localTag}`;
    const uri = `${scheme}:${user}@${account.domain}`;
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

  #receive(message: SipMessage): void {
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
    this.#wire.send(lines.join('\r\n'));
  }

  #via(branch: string): string {
    return `SIP/2.0/${this.#wire.transport} 127.0.0.1:${this.port};branch=${branch};rport`;
  }

  #contact(user = 'scripted'): string {
    return `<sip:${user}@127.0.0.1:${this.port}${this.#wire.transport === 'TLS' ? ';transport=tls' : ''}>`;
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
