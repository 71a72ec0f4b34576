/**
 * Reliable provisional responses as the UAC of an INVITE we sent (RFC 3262
 * §4): an 18x that carries `Require: 100rel` and an RSeq gets a PRACK in its
 * early dialog, naming it in RAck. The UAS sends it again until the PRACK
 * arrives (and a carrier that never gets one ends the call), so every one
 * must be acknowledged — also from a peer our INVITE did not offer 100rel
 * to, which some trunks do regardless. A retransmission of one already
 * acknowledged, or one past the next RSeq expected, is discarded (§4: the
 * UAS sends the missing one again). Each early dialog (a forking proxy may
 * make several, one per To tag) counts its own RSeqs and CSeqs; the dialog
 * a 2xx confirms continues above the CSeqs its PRACKs used.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import { Dialog, tagOf } from '../dialog/dialog.js';
import type { Destination } from '../transport/index.js';
import { requires100rel } from './reliable-provisionals.js';
import { outcomeStatus, sendRequest, type SipStack } from './sip-stack.js';

/** §7.1: RSeq is 1 … 2³¹−1. */
const LARGEST_RSEQ = 2 ** 31 - 1;

interface EarlyDialog {
  dialog: Dialog;
  lastRSeq: number;
}

/** The RSeq of a reliable provisional response; undefined for any other (a 100 is never reliable, §3). */
export function reliableRSeq(response: SipResponse): number | undefined {
  if (response.status <= 100 || response.status >= 200 || !requires100rel(response)) return undefined;
  const text = response.headers.get('rseq')?.trim() ?? '';
  if (!/^\d{1,10}$/.test(text)) return undefined;
  const rseq = Number(text);
  return rseq >= 1 && rseq <= LARGEST_RSEQ ? rseq : undefined;
}

export interface ProvisionalAcknowledgementsOptions {
  stack: Pick<SipStack, 'transactions' | 'logger' | 'local'>;
  /** The INVITE in progress, and its CSeq number (a PRACK's RAck names it). */
  invite: SipRequest;
  inviteSeq: number;
  /** Where the INVITE went: the early dialogs' requests go there too. */
  destination: Destination;
  /** The leg's, for the log. */
  uuid: string;
}

export class ProvisionalAcknowledgements {
  readonly #options: ProvisionalAcknowledgementsOptions;
  /** By remote (To) tag. */
  readonly #early = new Map<string, EarlyDialog>();

  constructor(options: ProvisionalAcknowledgementsOptions) {
    this.#options = options;
  }

  /**
   * A reliable provisional response (`rseq` from reliableRSeq) to the INVITE: true when it is new, and then
   * acknowledged; false for a retransmission or one out of order, to be ignored.
   */
  receive(response: SipResponse, rseq: number): boolean {
    const known = this.#earlyOf(response);
    if (!known) return false;
    if (known.lastRSeq !== 0 && rseq !== known.lastRSeq + 1) return false;
    known.lastRSeq = rseq;
    const { stack, invite, inviteSeq, uuid } = this.#options;
    if (invite.body.length === 0 && response.body.length > 0) {
      // Its SDP is an offer, whose answer belongs in the PRACK (§5); our INVITE went without an offer because we had none to give.
      stack.logger.warn({ uuid, status: response.status }, 'a reliable provisional response offered SDP before we could answer it: PRACK sent without an answer');
    }
    const { dialog } = known;
    const prack = dialog.request('PRACK', stack.local.via(dialog.destination), { headers: { rack: `${rseq} ${inviteSeq} INVITE` } });
    void sendRequest(stack, prack, dialog.destination).then((outcome) => {
      const status = outcomeStatus(outcome);
      if (status >= 300) stack.logger.info({ uuid, status, rseq }, 'PRACK not accepted');
    });
    return true;
  }

  /** The last CSeq number a PRACK used in the early dialog with this remote tag: the confirmed dialog's requests go above it. */
  lastLocalSeqOf(remoteTag: string): number | undefined {
    return this.#early.get(remoteTag)?.dialog.localSeq;
  }

  #earlyOf(response: SipResponse): EarlyDialog | undefined {
    const remoteTag = tagOf(response.headers.get('to'));
    if (remoteTag === undefined) return undefined;
    const known = this.#early.get(remoteTag);
    if (known) return known;
    const { invite, destination, stack } = this.#options;
    const dialog = Dialog.asClient(invite, response, destination, stack.local.contact(destination));
    if (!dialog) return undefined;
    const early = { dialog, lastRSeq: 0 };
    this.#early.set(remoteTag, early);
    return early;
  }
}
