/**
 * Sending a caller elsewhere (`sipRedirect`): before the answer a 302 Moved
 * Temporarily naming every target in Contact (RFC 3261 §21.3.3, the caller's
 * phone tries them itself); after it a REFER to the first (RFC 3515, a blind
 * transfer: FreeSWITCH's deflect). The caller's NOTIFYs say how its new call
 * fares (RFC 3515 §2.4.4); as RFC 5589 §6 has it, our side ends (BYE) once
 * one says it succeeded — or when none has said so in time, as the caller
 * did accept — and stays up when one says it failed.
 */
import type { RedirectOutcome } from '../../call/call.js';
import type { Clock } from '../../clock.js';
import { buildResponse, parseNameAddr } from '../message/index.js';
import type { DialogLeg } from './dialog-leg.js';
import type { InboundLeg } from './inbound-leg.js';
import { sessionBody } from './session-body.js';

/** How long the caller's phone has to report its new call's final status before our side ends anyway (64 × T1). */
export const TRANSFER_REPORT_TIMEOUT_MS = 32_000;

/** `sip:1000@host`, `1000@host` or `<sip:…>;q=0.5` as a Contact value; undefined when it is no SIP URI. */
export function contactValue(target: string): string | undefined {
  const trimmed = target.trim();
  if (trimmed === '') return undefined;
  const written = /^</.test(trimmed) ? trimmed : `<${/^sips?:/i.test(trimmed) ? trimmed : `sip:${trimmed}`}>`;
  return parseNameAddr(written, 'Contact').ok ? written : undefined;
}

/** The Contact values of the targets, or the first that is not a SIP URI. */
export function contactValues(targets: readonly string[]): { contacts: string[] } | { invalid: string } {
  const contacts: string[] = [];
  for (const target of targets) {
    const contact = contactValue(target);
    if (!contact) return { invalid: target };
    contacts.push(contact);
  }
  return { contacts };
}

/**
 * Sends the caller of a call elsewhere: 302 before the answer, a REFER
 * (FreeSWITCH's deflect) after it, then BYE with BLIND_TRANSFER.
 */
export async function redirectCaller(
  leg: InboundLeg,
  targets: readonly string[],
  call: { ended(): boolean; log(message: string): void; redirected(): void; hangup(cause: 'BLIND_TRANSFER'): Promise<void>; clock: Pick<Clock, 'setTimer'> },
): Promise<RedirectOutcome> {
  const values = contactValues(targets);
  if ('invalid' in values) return { kind: 'refused', reason: `not a SIP URI: ${JSON.stringify(values.invalid)}` };
  if (values.contacts.length === 0) return { kind: 'refused', reason: 'no target to redirect to' };
  if (call.ended()) return { kind: 'refused', reason: 'the call has ended' };
  if (leg.pending) {
    const outcome = redirectUnanswered(leg, values.contacts);
    call.log(`redirected (302) to ${values.contacts.join(', ')}`);
    call.redirected();
    return outcome;
  }
  const outcome = await deflect(leg, values.contacts[0], leg.calledAddress, call.clock);
  call.log(outcome.kind === 'refused' ? `deflect refused: ${outcome.reason}` : `deflected (REFER) to ${values.contacts[0]}`);
  if (outcome.kind === 'deflected') await call.hangup('BLIND_TRANSFER');
  return outcome;
}

/** 302 with the Contacts to a caller not yet answered. */
export function redirectUnanswered(leg: InboundLeg, contacts: readonly string[]): RedirectOutcome {
  leg.reject(302, { contact: contacts });
  return { kind: 'redirected' };
}

/**
 * REFER to an answered caller. `deflected` once the caller accepted it (2xx)
 * and reported its new call answered, or reported nothing final in time;
 * `refused` when it would not go or its new call failed.
 */
export async function deflect(leg: DialogLeg, contact: string, referredBy: string | undefined, clock: Pick<Clock, 'setTimer'>): Promise<RedirectOutcome> {
  const uri = /^<([^>]*)>/.exec(contact)?.[1] ?? contact;
  const report = transferReports(leg, clock);
  try {
    const outcome = await leg.send('REFER', undefined, { 'refer-to': `<${uri}>`, ...(referredBy ? { 'referred-by': referredBy } : {}) });
    if (!('response' in outcome)) return { kind: 'refused', reason: `the REFER reached nobody (${outcome.failure})` };
    const { status, reason } = outcome.response;
    if (status >= 300) return { kind: 'refused', reason: `the caller answered the REFER ${status} ${reason}` };
    const final = await report.final;
    return final === undefined || final.status < 300 ? { kind: 'deflected' } : { kind: 'refused', reason: `the caller's new call failed: ${final.line}` };
  } finally {
    report.stop();
  }
}

interface TransferReport {
  status: number;
  /** The status line the NOTIFY's message/sipfrag body carries. */
  line: string;
}

/**
 * Answers the caller's NOTIFYs (200) while a transfer is pending and reads
 * their sipfrag; `final` resolves with the first final status, or undefined
 * after TRANSFER_REPORT_TIMEOUT_MS. Other requests go where they went before.
 */
function transferReports(leg: DialogLeg, clock: Pick<Clock, 'setTimer'>): { final: Promise<TransferReport | undefined>; stop(): void } {
  const previous = leg.events.onRequest;
  let settle: (report: TransferReport | undefined) => void = () => {};
  const final = new Promise<TransferReport | undefined>((resolve) => (settle = resolve));
  const cancelTimer = clock.setTimer(TRANSFER_REPORT_TIMEOUT_MS, () => settle(undefined));
  // A caller that hangs up meanwhile has nothing more to report.
  leg.onEnded(() => settle(undefined));
  leg.events.onRequest = (request, transaction) => {
    if (request.method !== 'NOTIFY') {
      if (previous) return previous(request, transaction, leg);
      return transaction.respond(buildResponse(request, 501));
    }
    transaction.respond(buildResponse(request, 200));
    const line = sessionBody(request)?.body.toString('utf8').split(/\r?\n/)[0].trim() ?? '';
    const status = Number(/^SIP\/2\.0\s+(\d{3})/.exec(line)?.[1]);
    if (status >= 200) settle({ status, line });
  };
  return {
    final,
    stop() {
      cancelTimer();
      settle(undefined);
      leg.events.onRequest = previous;
    },
  };
}
