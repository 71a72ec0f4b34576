/**
 * 2xx responses to our INVITE after the first (RFC 3261 §13.2.2.4): a
 * retransmission of the one we took gets our ACK again; one from another fork
 * of a forking proxy, or one that came after we gave up, is ACKed and then hung
 * up with a BYE. What that needs of the INVITE is kept as text for the 64×T1
 * its transaction lives on.
 */
import { Dialog, tagOf } from '../dialog/dialog.js';
import { formatUri, ownedText, parseUri, SipHeaders, toResend, type KeptMessage, type SerializedRequest, type SipRequest, type SipResponse } from '../message/index.js';
import type { Destination } from '../transport/index.js';
import { sendRequest, type SipStack } from './sip-stack.js';

const EMPTY = Buffer.alloc(0);

/**
 * What a 2xx after the first (or after the leg gave up) is answered with, kept as text and bytes: every call keeps
 * one for the 64×T1 its INVITE transaction lives on after it.
 */
export interface AnsweredInvite {
  stack: SipStack;
  invite: InviteParts;
  seq: number;
  destination: Destination;
  /** The dialog the first 2xx set up: a retransmission of that 2xx gets our ACK again. */
  taken: { remoteTag: string; destination: Destination; ack: KeptMessage<SerializedRequest> | undefined } | undefined;
}

/** What Dialog.asClient reads of our INVITE (the Request-URI, From, Call-ID, CSeq), as text: all a later 2xx needs of it. */
export interface InviteParts {
  uri: string;
  from: string;
  callId: string;
  cseq: string;
}

export function partsOf(invite: SipRequest): InviteParts {
  const header = (name: string) => invite.headers.get(name) ?? '';
  // formatUri's text is a tree of its pieces, several times its size: flattened, since it is kept for 64×T1.
  return { uri: ownedText(formatUri(invite.uri)), from: header('from'), callId: header('call-id'), cseq: header('cseq') };
}

function inviteOf(parts: InviteParts): SipRequest | undefined {
  const uri = parseUri(parts.uri);
  if (!uri.ok) return undefined;
  const headers = new SipHeaders().set('from', parts.from).set('call-id', parts.callId).set('cseq', parts.cseq);
  return { type: 'request', method: 'INVITE', uri: uri.value, headers, body: EMPTY };
}

/** A retransmission of the 2xx we know re-sends our ACK; one from another fork (or one we no longer want) is hung up. */
export function answerLater2xx(answered: AnsweredInvite, response: SipResponse): void {
  const { stack, taken } = answered;
  if (taken && tagOf(response.headers.get('to')) === taken.remoteTag) {
    if (taken.ack) stack.sendAck(toResend(taken.ack), taken.destination);
    return;
  }
  // §13.2.2.4: every 2xx is ACKed, even one we do not want; then BYE ends that dialog.
  const invite = inviteOf(answered.invite);
  const stray = invite && Dialog.asClient(invite, response, answered.destination, stack.local.contact(answered.destination));
  if (!stray) return;
  stack.sendAck(stray.ack(answered.seq, stack.local.via(stray.destination)), stray.destination);
  void sendRequest(stack, stray.request('BYE', stack.local.via(stray.destination)), stray.destination);
}
