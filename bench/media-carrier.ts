/**
 * The signalling side of bench:media's calls through the router: a carrier
 * on one UDP socket that places calls to the router's public numbers
 * (INVITE with a load phone's SDP, ACK, BYE) and takes the calls the
 * router's bridges send to it as their gateway (200 with another load
 * phone's SDP). Just enough SIP for loopback: requests are retransmitted
 * until answered, a repeated INVITE gets its 200 again, requests in a dialog
 * that we do not expect are answered 200.
 */
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseMessage, type SipRequest, type SipResponse } from '../src/sip/message/index.js';

const RETRANSMIT_MS = 500;
const GIVE_UP_MS = 16_000;

/** A call the carrier placed, once answered. */
export interface PlacedCall {
  callId: string;
  /** The router's SDP in its 200. */
  answerSdp: string;
  /** INVITE sent to 200 received (ms). */
  setupMs: number;
  /** Resolves when the router ends the call (its BYE) or we did. */
  readonly ended: Promise<void>;
  hangUp(): Promise<void>;
}

/** A call the router sent to the carrier: its request line's user and caller, and the router's offer. */
export interface OfferedCall {
  callId: string;
  user: string;
  fromUser: string;
  offerSdp: string;
}

interface Dialog {
  remoteTarget: string;
  localUri: string;
  remoteUri: string;
  cseq: number;
  ended: () => void;
}

export class Carrier {
  readonly #socket: Socket;
  readonly #dialogs = new Map<string, Dialog>();
  /** Final responses waited for, by Call-ID and CSeq. */
  readonly #waiting = new Map<string, (response: SipResponse) => void>();
  /** Our 200s to INVITEs, sent again when the INVITE comes again. */
  readonly #answers = new Map<string, Buffer>();
  /** Answers a call from the router with our SDP, or refuses it (undefined: 480). */
  onOffer: (call: OfferedCall) => string | undefined = () => undefined;
  /** Told when the router hangs up a call it sent us. */
  onHangUp: (callId: string) => void = () => undefined;

  private constructor(
    socket: Socket,
    readonly address: string,
    readonly port: number,
    private readonly router: { address: string; port: number },
  ) {
    this.#socket = socket;
    socket.on('message', (data) => this.#receive(data));
  }

  /** Listens on `address`:`port` (the gateway's address in the router's configuration). */
  static async open(address: string, port: number, router: { address: string; port: number }): Promise<Carrier> {
    const socket = createSocket({ type: 'udp4', recvBufferSize: 8 << 20, sendBufferSize: 8 << 20 });
    socket.bind(port, address);
    await once(socket, 'listening');
    return new Carrier(socket, address, socket.address().port, router);
  }

  /** INVITE to `number` from `fromUser` with `offerSdp`; resolves once answered and ACKed. */
  async call(number: string, fromUser: string, offerSdp: string): Promise<PlacedCall> {
    const callId = `${randomUUID()}@bench`;
    const localUri = `<sip:${fromUser}@${this.address}>;tag=${randomUUID().slice(0, 8)}`;
    const requestUri = `sip:${number}@${this.router.address}:${this.router.port}`;
    const started = performance.now();
    const branch = newBranch();
    const invite = this.#request('INVITE', requestUri, branch, localUri, `<${requestUri}>`, callId, 1, offerSdp);
    const response = await this.#transact(callId, 1, invite);
    const toUri = response.headers.get('to') ?? '';
    const remoteTarget = /<([^>]+)>/.exec(response.headers.get('contact') ?? '')?.[1] ?? requestUri;
    if (response.status !== 200) {
      this.#send(this.#request('ACK', requestUri, branch, localUri, toUri, callId, 1));
      throw new Error(`${number}: ${response.status} ${response.reason}`);
    }
    let ended!: () => void;
    const endedPromise = new Promise<void>((resolve) => (ended = resolve));
    const dialog: Dialog = { remoteTarget, localUri, remoteUri: toUri, cseq: 1, ended };
    this.#dialogs.set(callId, dialog);
    this.#ack(callId, dialog);
    return {
      callId,
      answerSdp: response.body.toString('latin1'),
      setupMs: performance.now() - started,
      ended: endedPromise,
      hangUp: () => this.#bye(callId),
    };
  }

  close(): void {
    this.#socket.close();
  }

  async #bye(callId: string): Promise<void> {
    const dialog = this.#dialogs.get(callId);
    if (!dialog) return;
    this.#dialogs.delete(callId);
    const cseq = ++dialog.cseq;
    const bye = this.#request('BYE', dialog.remoteTarget, newBranch(), dialog.localUri, dialog.remoteUri, callId, cseq);
    try {
      await this.#transact(callId, cseq, bye);
    } finally {
      dialog.ended();
    }
  }

  #ack(callId: string, dialog: Dialog): void {
    this.#send(this.#request('ACK', dialog.remoteTarget, newBranch(), dialog.localUri, dialog.remoteUri, callId, 1));
  }

  /** Sends `request` until its final response comes (provisional ones stop nothing: the router answers at once on loopback). */
  async #transact(callId: string, cseq: number, request: Buffer): Promise<SipResponse> {
    const key = `${callId} ${cseq}`;
    const final = new Promise<SipResponse>((resolve) => this.#waiting.set(key, resolve));
    const started = performance.now();
    let answered: SipResponse | undefined;
    void final.then((response) => (answered = response));
    while (!answered) {
      if (performance.now() - started > GIVE_UP_MS) {
        this.#waiting.delete(key);
        throw new Error(`no final response to CSeq ${cseq} of ${callId} in ${GIVE_UP_MS} ms`);
      }
      this.#send(request);
      await Promise.race([final, sleep(RETRANSMIT_MS)]);
    }
    return answered;
  }

  #receive(data: Buffer): void {
    const parsed = parseMessage(data);
    if (!parsed.ok) return;
    const message = parsed.message;
    if (message.type === 'response') return this.#response(message);
    this.#requestIn(message);
  }

  #response(response: SipResponse): void {
    const callId = response.headers.get('call-id') ?? '';
    const cseq = Number.parseInt(response.headers.get('cseq') ?? '', 10);
    if (response.status < 200) return;
    const waiter = this.#waiting.get(`${callId} ${cseq}`);
    if (waiter) {
      this.#waiting.delete(`${callId} ${cseq}`);
      return waiter(response);
    }
    // A 200 to our INVITE again: its ACK was lost.
    const dialog = this.#dialogs.get(callId);
    if (dialog && response.status === 200 && / INVITE$/i.test(response.headers.get('cseq') ?? '')) this.#ack(callId, dialog);
  }

  #requestIn(request: SipRequest): void {
    const callId = request.headers.get('call-id') ?? '';
    switch (request.method) {
      case 'ACK':
        return;
      case 'INVITE': {
        const repeated = this.#answers.get(callId);
        if (repeated) return this.#send(repeated);
        if (this.#dialogs.has(callId)) return this.#reply(request, 200);
        return this.#offered(request, callId);
      }
      case 'BYE': {
        this.#reply(request, 200);
        this.#answers.delete(callId);
        const dialog = this.#dialogs.get(callId);
        this.#dialogs.delete(callId);
        dialog?.ended();
        this.onHangUp(callId);
        return;
      }
      default:
        return this.#reply(request, 200);
    }
  }

  #offered(invite: SipRequest, callId: string): void {
    const user = invite.uri.user ?? '';
    const fromUser = /sips?:([^@;>]+)@/.exec(invite.headers.get('from') ?? '')?.[1] ?? '';
    const sdp = this.onOffer({ callId, user, fromUser, offerSdp: invite.body.toString('latin1') });
    if (sdp === undefined) return this.#reply(invite, 480);
    const toUri = `${invite.headers.get('to')};tag=${randomUUID().slice(0, 8)}`;
    const answer = this.#responseTo(invite, toUri, sdp);
    this.#answers.set(callId, answer);
    const remoteTarget = /<([^>]+)>/.exec(invite.headers.get('contact') ?? '')?.[1] ?? `sip:${this.router.address}:${this.router.port}`;
    this.#dialogs.set(callId, { remoteTarget, localUri: toUri, remoteUri: invite.headers.get('from') ?? '', cseq: 0, ended: () => undefined });
    this.#send(answer);
  }

  #reply(request: SipRequest, status: number): void {
    this.#send(this.#responseTo(request, request.headers.get('to') ?? '', '', status));
  }

  #responseTo(request: SipRequest, to: string, sdp: string, status = 200): Buffer {
    const reason = status === 200 ? 'OK' : 'Temporarily Unavailable';
    const copied = ['via', 'from', 'call-id', 'cseq'].flatMap((name) => request.headers.getAll(name).map((value) => `${name}: ${value}`));
    return this.#message(`SIP/2.0 ${status} ${reason}`, [...copied, `To: ${to}`], sdp);
  }

  #request(method: string, uri: string, branch: string, from: string, to: string, callId: string, cseq: number, sdp = ''): Buffer {
    const headers = [`Via: SIP/2.0/UDP ${this.address}:${this.port};branch=${branch}`, 'Max-Forwards: 70', `From: ${from}`, `To: ${to}`, `Call-ID: ${callId}`, `CSeq: ${cseq} ${method}`];
    return this.#message(`${method} ${uri} SIP/2.0`, headers, sdp);
  }

  /** The start line, the headers, our Contact and the body (SDP when there is one). */
  #message(startLine: string, headers: string[], sdp: string): Buffer {
    const contentType = sdp ? ['Content-Type: application/sdp'] : [];
    const contact = `Contact: <sip:carrier@${this.address}:${this.port}>`;
    return Buffer.from([startLine, ...headers, contact, ...contentType, `Content-Length: ${Buffer.byteLength(sdp)}`, '', sdp].join('\r\n'));
  }

  #send(datagram: Buffer): void {
    this.#socket.send(datagram, this.router.port, this.router.address);
  }
}

function newBranch(): string {
  return `z9hG4bK-${randomUUID().slice(0, 13)}`;
}
