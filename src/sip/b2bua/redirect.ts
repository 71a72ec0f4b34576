/**
 * Sending a caller elsewhere (`sipRedirect`): before the answer a 302 Moved
 * Temporarily naming every target in Contact (RFC 3261 §21.3.3, the caller's
 * phone tries them itself); after it a REFER to the first (RFC 3515, a blind
 * transfer: FreeSWITCH's deflect), and BYE once the caller has accepted it.
 */
import type { RedirectOutcome } from '../../call/call.js';
import { parseNameAddr } from '../message/index.js';
import type { DialogLeg } from './dialog-leg.js';
import type { InboundLeg } from './inbound-leg.js';

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
  call: { ended(): boolean; log(message: string): void; redirected(): void; hangup(cause: 'BLIND_TRANSFER'): Promise<void> },
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
  const outcome = await deflect(leg, values.contacts[0], leg.invite.headers.get('to'));
  call.log(outcome.kind === 'refused' ? `deflect refused: ${outcome.reason}` : `deflected (REFER) to ${values.contacts[0]}`);
  if (outcome.kind === 'deflected') await call.hangup('BLIND_TRANSFER');
  return outcome;
}

/** 302 with the Contacts to a caller not yet answered. */
export function redirectUnanswered(leg: InboundLeg, contacts: readonly string[]): RedirectOutcome {
  leg.reject(302, { contact: contacts });
  return { kind: 'redirected' };
}

/** REFER to an answered caller; a 2xx means it goes, and our side of the call is ended with BYE. */
export async function deflect(leg: DialogLeg, contact: string, referredBy: string | undefined): Promise<RedirectOutcome> {
  const uri = /^<([^>]*)>/.exec(contact)?.[1] ?? contact;
  const outcome = await leg.send('REFER', undefined, { 'refer-to': `<${uri}>`, ...(referredBy ? { 'referred-by': referredBy } : {}) });
  if (!('response' in outcome)) return { kind: 'refused', reason: `the REFER reached nobody (${outcome.failure})` };
  const { status, reason } = outcome.response;
  if (status >= 300) return { kind: 'refused', reason: `the caller answered the REFER ${status} ${reason}` };
  return { kind: 'deflected' };
}
