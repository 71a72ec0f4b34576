/**
 * When two Contact URIs name the same binding (RFC 3261 §10.3 step 7, using
 * the URI comparison of §19.1.4): scheme, user and password exactly; host
 * without case; port as written (an omitted port is not 5060); and the
 * parameters that must match whenever either side has them. Other URI
 * parameters and URI headers do not make a different binding.
 */
import type { SipUri } from '../message/index.js';

const SIGNIFICANT_PARAMS = ['maddr', 'method', 'transport', 'ttl', 'user'] as const;

export function contactKey(uri: SipUri): string {
  let key = `${uri.scheme}:${uri.user ?? ''}:${uri.password ?? ''}@${uri.host.toLowerCase()}:${uri.port ?? ''}`;
  for (const name of SIGNIFICANT_PARAMS) {
    const value = uri.params.get(name);
    if (value !== undefined) key += `;${name}=${(value ?? '').toLowerCase()}`;
  }
  return key;
}
