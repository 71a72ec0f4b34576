/**
 * IP address spellings. A dual-stack socket reports IPv4 peers as
 * `::ffff:192.0.2.1`; SIP headers must carry the plain IPv4 form.
 */
import { isIPv4 } from 'node:net';

const MAPPED_PREFIX = '::ffff:';

export function unmapIpv4(address: string): string {
  return address.startsWith(MAPPED_PREFIX) && isIPv4(address.slice(MAPPED_PREFIX.length)) ? address.slice(MAPPED_PREFIX.length) : address;
}

/** The IPv4-mapped form, for sending to an IPv4 peer from an IPv6 socket. */
export function mapIpv4(address: string): string {
  return isIPv4(address) ? MAPPED_PREFIX + address : address;
}

/** Host names and IPv6 spellings differ only in case; a full IPv6 canonicalisation is not needed for §18.2.1. */
export function sameHost(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
