/**
 * A dialog (RFC 3261 §12): the peer-to-peer relationship an INVITE sets up,
 * and what every request inside it is built from — Call-ID, both tags, the
 * route set, the remote target and the two CSeq spaces.
 *
 * In-dialog requests go to where the dialog's first messages came from or
 * went to (`destination`), not to the address in the remote target: a phone
 * behind NAT puts a private address in its Contact that we cannot reach.
 * Only loose routing (`;lr`, §16.12) is supported in the route set.
 */
import { randomInt } from 'node:crypto';
import {
  formatCSeq,
  formatUri,
  ownedText,
  parseCSeq,
  parseNameAddr,
  RecentResults,
  readUri,
  SipHeaders,
  type ExtraHeaders,
  type SipRequest,
  type SipResponse,
  type SipUri,
} from '../message/index.js';
import type { Destination } from '../transport/index.js';
import { BoundedMemo } from '../../bounded-memo.js';

export interface DialogRequestOptions {
  body?: Buffer;
  contentType?: string;
  headers?: ExtraHeaders;
}

interface DialogState {
  callId: string;
  localTag: string;
  remoteTag: string;
  /** From (UAC) or To (UAS) of the dialog's requests as we send them, our tag included. */
  localAddress: string;
  /** The other side's address, its tag included. */
  remoteAddress: string;
  remoteTarget: SipUri;
  routeSet: string[];
  localSeq: number;
  remoteSeq: number | undefined;
  destination: Destination;
  /** Our Contact value, sent with target-refresh requests. */
  contact: string;
}

const EMPTY = Buffer.alloc(0);
/** §8.1.1.5: the initial local CSeq is below 2^31; a random start lets late requests of an old dialog stand out. */
const MAX_INITIAL_SEQ = 2 ** 20;

export class Dialog {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly destination: Destination;
  readonly contact: string;
  readonly #localAddress: string;
  readonly #remoteAddress: string;
  readonly #routeSet: string[];
  /** The remote target's text: a parsed URI (its parameters a Map) is several times its size, for requests that a call sends a few of. */
  #remoteTarget: string;
  #localSeq: number;
  #remoteSeq: number | undefined;

  /**
   * A dialog lives as long as its call: it keeps copies of what it read from
   * the messages that made it, since each value is a slice that would keep
   * that whole message alive, and a flat copy of our Contact, which was built
   * by concatenation (a tree of its pieces, several times its size).
   */
  private constructor(state: DialogState) {
    this.callId = ownedText(state.callId);
    this.localTag = ownedText(state.localTag);
    this.remoteTag = ownedText(state.remoteTag);
    this.destination = state.destination;
    this.contact = sharedContact(state.contact);
    this.#localAddress = ownedText(state.localAddress);
    this.#remoteAddress = ownedText(state.remoteAddress);
    this.#routeSet = state.routeSet.map(ownedText);
    this.#remoteTarget = ownedText(formatUri(state.remoteTarget));
    this.#localSeq = state.localSeq;
    this.#remoteSeq = state.remoteSeq;
  }

  /**
   * §12.1.1: the UAS side, from the INVITE we answer with `localTag`.
   * Undefined when the INVITE lacks what a dialog needs (a From tag, a Contact).
   */
  static asServer(invite: SipRequest, localTag: string, destination: Destination, contact: string): Dialog | undefined {
    const from = invite.headers.get('from');
    const to = invite.headers.get('to');
    const callId = invite.headers.get('call-id');
    const remoteTag = tagOf(from);
    const remoteTarget = contactUri(invite.headers.get('contact'));
    const cseq = parseCSeq(invite.headers.get('cseq') ?? '');
    if (!from || !to || !callId || !remoteTag || !remoteTarget || !cseq.ok) return undefined;
    return new Dialog({
      callId,
      localTag,
      remoteTag,
      localAddress: `${to};tag=${localTag}`,
      remoteAddress: from,
      remoteTarget,
      routeSet: invite.headers.getAll('record-route'),
      localSeq: randomInt(1, MAX_INITIAL_SEQ),
      remoteSeq: cseq.value.seq,
      destination,
      contact,
    });
  }

  /** §12.1.2: the UAC side, from our INVITE and a response that carries the remote tag (18x or 2xx). */
  static asClient(invite: SipRequest, response: SipResponse, destination: Destination, contact: string): Dialog | undefined {
    const from = invite.headers.get('from');
    const to = response.headers.get('to');
    const callId = invite.headers.get('call-id');
    const localTag = tagOf(from);
    const remoteTag = tagOf(to);
    const cseq = parseCSeq(invite.headers.get('cseq') ?? '');
    const remoteTarget = contactUri(response.headers.get('contact')) ?? invite.uri;
    if (!from || !to || !callId || !localTag || !remoteTag || !cseq.ok) return undefined;
    return new Dialog({
      callId,
      localTag,
      remoteTag,
      localAddress: from,
      remoteAddress: to,
      remoteTarget,
      routeSet: [...response.headers.getAll('record-route')].reverse(),
      localSeq: cseq.value.seq,
      remoteSeq: undefined,
      destination,
      contact,
    });
  }

  /** Call-ID and local tag: what finds the dialog of a request we receive (its To tag is our tag). */
  get key(): string {
    return dialogKey(this.callId, this.localTag);
  }

  /** The CSeq number of the last request we sent in the dialog (the INVITE's until another). */
  get localSeq(): number {
    return this.#localSeq;
  }

  /**
   * The dialog a 2xx confirmed continues above the CSeq numbers its early dialog used (RFC 3262's PRACKs):
   * the peer refuses a request whose CSeq is not above the last it received.
   */
  continueAbove(seq: number): void {
    if (seq > this.#localSeq) this.#localSeq = seq;
  }

  /** §12.2.1.1: a new request in the dialog, with the next local CSeq. `via` is the new transaction's top Via. */
  request(method: string, via: string, options: DialogRequestOptions = {}): SipRequest {
    this.#localSeq += 1;
    return this.#build(method, this.#localSeq, via, options);
  }

  /** §13.2.2.4: the ACK of a 2xx to the INVITE that had CSeq `inviteSeq`; it is a new transaction of its own. */
  ack(inviteSeq: number, via: string, options: DialogRequestOptions = {}): SipRequest {
    return this.#build('ACK', inviteSeq, via, options);
  }

  /**
   * §12.2.2: a request whose CSeq is not above the last one received is out
   * of order and gets 500. Accepted ones move the remote CSeq on.
   */
  acceptRemoteSeq(request: SipRequest): boolean {
    const cseq = parseCSeq(request.headers.get('cseq') ?? '');
    if (!cseq.ok) return false;
    if (request.method === 'ACK' || request.method === 'CANCEL') return true;
    if (this.#remoteSeq !== undefined && cseq.value.seq <= this.#remoteSeq) return false;
    this.#remoteSeq = cseq.value.seq;
    return true;
  }

  /** §12.2: a target-refresh request (re-INVITE, UPDATE) or its 2xx may move the remote target. */
  refreshTarget(message: SipRequest | SipResponse): void {
    const target = contactUri(message.headers.get('contact'));
    if (target) this.#remoteTarget = ownedText(formatUri(target));
  }

  #build(method: string, seq: number, via: string, options: DialogRequestOptions): SipRequest {
    const headers = new SipHeaders();
    headers.set('via', via);
    if (this.#routeSet.length > 0) headers.set('route', this.#routeSet);
    headers.set('max-forwards', '70');
    headers.set('from', this.#localAddress);
    headers.set('to', this.#remoteAddress);
    headers.set('call-id', this.callId);
    headers.set('cseq', formatCSeq({ seq, method }));
    if (method === 'INVITE' || method === 'UPDATE') headers.set('contact', this.contact);
    for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
    const body = options.body ?? EMPTY;
    if (body.length > 0 && options.contentType) headers.set('content-type', options.contentType);
    return { type: 'request', method, uri: readUri(this.#remoteTarget), headers, body };
  }
}

/** Our Contact is the same for every dialog towards the same place: one flat copy of each is shared by all. */
const contacts = new BoundedMemo<string, string>(64);

function sharedContact(contact: string): string {
  let shared = contacts.get(contact);
  if (shared === undefined) contacts.set(contact, (shared = ownedText(contact)));
  return shared;
}

export function dialogKey(callId: string, localTag: string): string {
  return `${callId}|${localTag}`;
}

/** A request's To is read for its tag by the B2BUA twice (is it in a dialog, which one) and by the notifier. */
const recentTags = new RecentResults<string | undefined>(4);

export function tagOf(address: string | undefined): string | undefined {
  return address === undefined ? undefined : recentTags.of(address, readTag);
}

function readTag(address: string): string | undefined {
  const parsed = parseNameAddr(address);
  const tag = parsed.ok ? parsed.value.params.get('tag') : undefined;
  return tag ?? undefined;
}

/** The URI of a Contact, read from a copy of it (see the constructor). */
function contactUri(contact: string | undefined): SipUri | undefined {
  if (contact === undefined) return undefined;
  const parsed = parseNameAddr(ownedText(contact), 'Contact');
  return parsed.ok ? parsed.value.uri : undefined;
}
