/**
 * What a SUBSCRIBE asks for (RFC 6665 §4.2.1), checked before anything is
 * kept: the event package it names (489 Bad Event with Allow-Events when we
 * have none by that name, §4.2.1), a body type it accepts (406, §4.1.2.1:
 * the package's own type is assumed without Accept), and the duration
 * granted — its Expires, else the default, at most the maximum; a non-zero
 * one under the minimum is refused with 423 and Min-Expires (§4.2.1.1).
 */
import { parseDecimal, type ExtraHeaders, type SipRequest } from '../message/index.js';
import type { EventPackage } from './event-package.js';

/** In seconds, as `sip.subscriptions` in the configuration. */
export interface SubscriptionExpiry {
  minExpiresSeconds: number;
  maxExpiresSeconds: number;
  defaultExpiresSeconds: number;
}

export interface SubscribeIntent {
  ok: true;
  package: EventPackage;
  /** The Event header's `id` parameter: with the package, it tells subscriptions of one dialog apart (§8.2.1). */
  eventId: string | undefined;
  /** Seconds granted; 0 ends the subscription (unsubscribe, §4.1.2.3). */
  expires: number;
}

export interface SubscribeRefusal {
  ok: false;
  status: number;
  reason?: string;
  headers?: ExtraHeaders;
}

/** Expires beyond 2^32-1 mean nothing to us beyond the maximum. */
const LARGEST_EXPIRES = 2 ** 32 - 1;

export function readSubscribeRequest(request: SipRequest, packages: readonly EventPackage[], limits: SubscriptionExpiry): SubscribeIntent | SubscribeRefusal {
  const event = parseEvent(request.headers.get('event'));
  const eventPackage = event && packages.find((candidate) => candidate.event === event.name);
  if (!event || !eventPackage) return { ok: false, status: 489, headers: { 'allow-events': packages.map((candidate) => candidate.event) } };
  if (!accepts(request.headers.getAll('accept'), eventPackage.contentType)) return { ok: false, status: 406, headers: { accept: eventPackage.contentType } };
  const header = request.headers.get('expires');
  const asked = header === undefined ? limits.defaultExpiresSeconds : parseDecimal(header.trim(), LARGEST_EXPIRES);
  if (asked === undefined) return { ok: false, status: 400, reason: 'Malformed Expires' };
  if (asked > 0 && asked < limits.minExpiresSeconds) return { ok: false, status: 423, headers: { 'min-expires': String(limits.minExpiresSeconds) } };
  return { ok: true, package: eventPackage, eventId: event.id, expires: Math.min(asked, limits.maxExpiresSeconds) };
}

/** `dialog;id=42` → the package name (lowercase: phones are not consistent) and its id parameter. */
export function parseEvent(value: string | undefined): { name: string; id: string | undefined } | undefined {
  if (value === undefined) return undefined;
  const [name, ...params] = value.split(';').map((part) => part.trim());
  if (!name) return undefined;
  const id = params.find((param) => /^id\s*=/i.test(param))?.replace(/^id\s*=\s*/i, '');
  return { name: name.toLowerCase(), id: id || undefined };
}

/** §4.1.2.1: no Accept means the package's default type; otherwise one of its media ranges must cover the type. */
function accepts(ranges: readonly string[], contentType: string): boolean {
  if (ranges.length === 0) return true;
  const [wantedType] = contentType.split('/');
  return ranges.some((range) => {
    const mediaRange = range.split(';')[0].trim().toLowerCase();
    return mediaRange === contentType || mediaRange === '*/*' || mediaRange === `${wantedType}/*`;
  });
}
