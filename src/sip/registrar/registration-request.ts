/**
 * What a REGISTER asks for (RFC 3261 §10.3 steps 6–7), checked before
 * anything changes: the contacts with the expiry granted to each, or `*`
 * (remove all), or nothing (a query). Expiry comes from the contact's
 * `expires` parameter, else the Expires header, else our default; it is
 * capped at the maximum, and a non-zero one under the minimum is refused
 * with 423 and Min-Expires (§10.3 step 7, §20.23).
 */
import { parseContact, parseDecimal, type NameAddr, type SipRequest } from '../message/index.js';
import { contactKey } from './contact-key.js';

/** In seconds, as `sip.registration` in the configuration. */
export interface ExpiryLimits {
  minExpires: number;
  maxExpires: number;
  defaultExpires: number;
}

export interface RequestedContact {
  contact: NameAddr;
  key: string;
  /** Seconds granted; 0 removes the binding. */
  expires: number;
}

export type RegistrationRequest =
  | { ok: true; kind: 'query' }
  | { ok: true; kind: 'remove-all' }
  | { ok: true; kind: 'update'; contacts: RequestedContact[] }
  | { ok: false; status: number; reason: string; headers?: Record<string, string> };

/** Expires values beyond 2^32-1 are allowed by §20.19 but mean nothing to us beyond the maximum. */
const LARGEST_EXPIRES = 2 ** 32 - 1;

export function readRegistrationRequest(request: SipRequest, limits: ExpiryLimits): RegistrationRequest {
  const values = request.headers.getAll('contact');
  if (values.length === 0) return { ok: true, kind: 'query' };
  const expiresHeader = request.headers.get('expires');
  const headerExpires = expiresHeader === undefined ? undefined : parseDecimal(expiresHeader.trim(), LARGEST_EXPIRES);

  const contacts: RequestedContact[] = [];
  for (const value of values) {
    const parsed = parseContact(value);
    if (!parsed.ok) return { ok: false, status: 400, reason: 'Malformed Contact' };
    if (parsed.value === '*') {
      // §10.3 step 6: `*` only alone and only with Expires: 0.
      if (values.length !== 1 || headerExpires !== 0) return { ok: false, status: 400, reason: 'Invalid Wildcard Contact' };
      return { ok: true, kind: 'remove-all' };
    }
    const contact = parsed.value;
    if (contact.uri.scheme === 'tel') return { ok: false, status: 400, reason: 'Contact Must Be a SIP URI' };
    const expiresParam = contact.params.get('expires');
    const asked = (expiresParam ? parseDecimal(expiresParam, LARGEST_EXPIRES) : undefined) ?? headerExpires ?? limits.defaultExpires;
    if (asked > 0 && asked < limits.minExpires) {
      return { ok: false, status: 423, reason: 'Interval Too Brief', headers: { 'min-expires': String(limits.minExpires) } };
    }
    contacts.push({ contact, key: contactKey(contact.uri), expires: Math.min(asked, limits.maxExpires) });
  }
  return { ok: true, kind: 'update', contacts };
}
