/**
 * A party of a bridged call transfers it (SIP REFER, RFC 3515), as phones'
 * transfer keys do. A blind transfer by the target (`Refer-To: <sip:103@domain>`)
 * is accepted with 202; the caller then leaves the conversation and is
 * routed as a user of the call's domain dialling 103 (what `goto
 * "default:103"` does), and the transferor hears how that went in NOTIFYs
 * (message/sipfrag, §2.4.4): 100 Trying now, the final status once the
 * caller's new route has bridged, failed or otherwise settled
 * (TransferReport), after which its leg ends. A blind transfer by the
 * caller (one of our users) sends the target elsewhere instead: its leg
 * becomes a call of its own, routed the same way. An attended transfer
 * names, in a Replaces in the Refer-To (RFC 3891), the transferor's leg of
 * another call: that call hands over its target, which takes the
 * transferor's place. What cannot be carried out is refused and the
 * conversation goes on unchanged.
 */
import type { BridgePlan } from '../../call/call.js';
import type { Clock } from '../../clock.js';
import { transferHistory } from '../../call/transfer-history.js';
import { reasonHeader } from './call-ending.js';
import { buildResponse, parseCSeq, parseNameAddr, parseReferTo, reasonPhrase, type Replaces, type SipRequest } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { DialogLeg } from './dialog-leg.js';
import type { LegMedia } from './leg-media.js';
import type { OutboundLeg } from './outbound-leg.js';

type TransferCause = 'BLIND_TRANSFER' | 'ATTENDED_TRANSFER';

/** A transfer the router accepted. */
interface AcceptedTransfer {
  /** The Refer-To as received: FreeSWITCH's `sip_refer_to`. */
  referTo: string;
  /** Referred-By (RFC 3892), else the transferor's address (the REFER's From). */
  referredBy: string;
  /** Tells the transferor how the transfer went, then ends its leg. */
  report: TransferReport;
}

export interface BlindTransfer extends AcceptedTransfer {
  /** `blind`: the target transfers the caller; `target`: the caller transfers the target. */
  kind: 'blind' | 'target';
  /** The Refer-To's user part: the transferred party is routed as a user of the domain dialling it. */
  destination: string;
}

/** The other call's target, handed over to take the transferor's place, with its session when the other call relayed its media. */
export interface Replacement {
  leg: OutboundLeg;
  media?: LegMedia;
}

export interface AttendedTransfer extends AcceptedTransfer, Replacement {
  kind: 'attended';
}

export type Transfer = BlindTransfer | AttendedTransfer;

/** What judging a REFER needs to know of the call. */
export interface ReferContext {
  /** The call's domain: a Refer-To elsewhere is refused. */
  domain: string;
  /** Times the transferor's subscription. */
  clock: Pick<Clock, 'setTimer'>;
  /** The REFER came from the caller's leg (else from the bridged target's). */
  fromCaller: boolean;
  /** Why the caller may not transfer the target (it is no user of ours); undefined when it may. */
  callerCannotTransfer: string | undefined;
  /** Takes the target of the call whose caller's leg is the dialog Replaces names; why not, when it cannot be had. */
  takeOver(replaces: Replaces): Replacement | string;
  log(message: string): void;
}

/** How long the transferor's subscription lasts while the transfer is in progress (RFC 6665 §4.1.2.2 wants one stated). */
const SUBSCRIPTION_SECONDS = 60;

/**
 * Answers a REFER of a bridged conversation: 202 and the transfer when it
 * can be carried out; else an error response (400 malformed or missing
 * Refer-To, 403 another domain, 501 a method other than INVITE, 603 from a
 * caller that may not transfer or with Replaces, 481 a Replaces naming no
 * dialog we can replace), and undefined. Whether the destination has a route is the routing's to find
 * out, as for `goto`: none ends the call (NO_ROUTE_DESTINATION), as on FreeSWITCH.
 */
export function receiveRefer(request: SipRequest, transaction: ServerTransaction, leg: DialogLeg, context: ReferContext): Transfer | undefined {
  const refuse = (status: number, why: string): undefined => {
    context.log(`REFER refused with ${status}: ${why}`);
    transaction.respond(buildResponse(request, status, undefined, { warning: `399 callrouter ${JSON.stringify(why)}` }));
    return undefined;
  };
  const referTo = request.headers.getAll('refer-to');
  const parsed = parseReferTo(referTo);
  if (!parsed.ok) return refuse(400, parsed.error.reason);
  const { address, replaces } = parsed.value;
  if (context.fromCaller && context.callerCannotTransfer) return refuse(603, context.callerCannotTransfer);
  if (context.fromCaller && replaces) return refuse(603, "an attended transfer from the caller's phone is not supported: only the answering party's");
  // With Replaces the dialog names the target; its URI is often the consultation call's Contact (our address), not the domain.
  if (!replaces && !namesUs(address.uri.host, context.domain, leg)) return refuse(403, `Refer-To ${address.uri.host} is not the call's domain ${context.domain}`);
  // RFC 3515 §2.1: a Refer-To may ask for another method (BYE, SUBSCRIBE…); only INVITE is a transfer.
  const method = address.uri.params.get('method');
  if (method && method.toUpperCase() !== 'INVITE') return refuse(501, `Refer-To asks for ${method}: only INVITE (a transfer) is carried out`);
  const accept = (cause: TransferCause): AcceptedTransfer => {
    // RFC 4488: a transferor that asks for no subscription gets none (no NOTIFYs), and is told so.
    const subscribed = request.headers.get('refer-sub')?.trim().toLowerCase() !== 'false';
    transaction.respond(buildResponse(request, 202, undefined, subscribed ? {} : { 'refer-sub': 'false' }));
    const report = new TransferReport(leg, subscribed ? referEvent(request) : undefined, cause);
    report.trying(context.clock);
    return { referTo: referTo[0], referredBy: referredBy(request), report };
  };
  if (replaces) {
    const replacement = context.takeOver(replaces);
    // RFC 3891 §3: a dialog that cannot be replaced is answered 481.
    if (typeof replacement === 'string') return refuse(481, `attended transfer: ${replacement}`);
    return { kind: 'attended', ...replacement, ...accept('ATTENDED_TRANSFER') };
  }
  const destination = address.uri.user ?? '';
  if (destination === '') return refuse(400, 'Refer-To names no user to transfer to');
  return { kind: context.fromCaller ? 'target' : 'blind', destination, ...accept('BLIND_TRANSFER') };
}

/**
 * Whether a Refer-To's host is us: the call's domain, or the address in our
 * Contact on the transferor's dialog — where its phone sends in-dialog
 * requests, and what some phones write in Refer-To instead of the domain.
 */
function namesUs(host: string, domain: string, leg: DialogLeg): boolean {
  const named = host.toLowerCase();
  if (named === domain.toLowerCase()) return true;
  const contact = leg.dialog ? parseNameAddr(leg.dialog.contact, 'Contact') : undefined;
  return contact?.ok === true && contact.value.uri.host.toLowerCase() === named;
}

/**
 * What FreeSWITCH sets on the transferred channel: the Refer-To
 * (`sip_refer_to`), who referred it (`sip_h_Referred-By`, RFC 3892;
 * `referred_by_user`), and the transfer itself (transferHistory).
 */
export function transferVariables(transfer: Transfer, uuid: string, now: Date, history: string | undefined): Record<string, string> {
  const kind = transfer.kind === 'attended' ? { attended: transfer.leg.uuid } : { blind: transfer.destination };
  const referrer = parseNameAddr(transfer.referredBy, 'Referred-By');
  return {
    sip_refer_to: transfer.referTo,
    'sip_h_Referred-By': transfer.referredBy,
    ...(referrer.ok && referrer.value.uri.user ? { referred_by_user: referrer.value.uri.user } : {}),
    ...transferHistory(kind, uuid, now, history),
  };
}

/** The legs of a bridge after a transfer say who referred the caller (RFC 3892 §3: the transferee's INVITE carries Referred-By). */
export function referredLegs(plan: BridgePlan, referredBy: string): BridgePlan {
  return { ...plan, groups: plan.groups.map((group) => group.map((leg) => ({ ...leg, headers: { 'Referred-By': referredBy, ...leg.headers } }))) };
}

/** RFC 3515 §2.4.6: the `id` of a REFER's subscription is its CSeq number, so NOTIFYs name the REFER they report on. */
function referEvent(request: SipRequest): string {
  const cseq = parseCSeq(request.headers.get('cseq') ?? '');
  return cseq.ok ? `refer;id=${cseq.value.seq}` : 'refer';
}

function referredBy(request: SipRequest): string {
  const given = request.headers.get('referred-by');
  if (given !== undefined && parseNameAddr(given, 'Referred-By').ok) return given;
  const from = parseNameAddr(request.headers.get('from') ?? '', 'From');
  return from.ok ? `<sip:${from.value.uri.user ? `${from.value.uri.user}@` : ''}${from.value.uri.host}>` : '';
}

/**
 * The transferor's implicit subscription (RFC 3515 §2.4.4): NOTIFYs with
 * the status of the transfer as message/sipfrag, the last one terminating
 * it (RFC 6665 §4.2.2, reason `noresource`, or `timeout` when no outcome
 * came while it lasted); then the transferor's leg ends (BLIND_TRANSFER…),
 * unless its phone hung up first. A REFER with `Refer-Sub: false` (RFC 4488)
 * has no subscription: no NOTIFYs, the leg ends all the same.
 */
export class TransferReport {
  #settled = false;
  #cancelTimer: (() => void) | undefined;

  constructor(
    readonly transferor: DialogLeg,
    /** The subscription's Event (`refer;id=<CSeq>`); undefined when the transferor asked for none. */
    private readonly event: string | undefined,
    /** What the transferor's leg ends with. */
    readonly cause: TransferCause,
  ) {}

  trying(clock: Pick<Clock, 'setTimer'>): void {
    void this.#notify(100, `active;expires=${SUBSCRIPTION_SECONDS}`);
    this.#cancelTimer = clock.setTimer(SUBSCRIPTION_SECONDS * 1000, () => void this.#end(100, 'terminated;reason=timeout'));
  }

  /** The final status (200 when the caller's new call was answered); the transferor's leg then ends. */
  settle(status: number): Promise<void> {
    return this.#end(status, 'terminated;reason=noresource');
  }

  async #end(status: number, state: string): Promise<void> {
    if (this.#settled) return;
    this.#settled = true;
    this.#cancelTimer?.();
    await this.#notify(status, state);
    await this.transferor.bye(reasonHeader(this.cause));
  }

  async #notify(status: number, state: string): Promise<void> {
    const leg = this.transferor;
    if (this.event === undefined || leg.ended || !leg.dialog) return;
    await leg.send(
      'NOTIFY',
      { body: Buffer.from(`SIP/2.0 ${status} ${reasonPhrase(status)}\r\n`, 'utf8'), contentType: 'message/sipfrag;version=2.0' },
      // NOTIFY is a target refresh request (RFC 6665 §4.1.4): it carries our Contact.
      { event: this.event, 'subscription-state': state, contact: leg.dialog.contact },
    );
  }
}

