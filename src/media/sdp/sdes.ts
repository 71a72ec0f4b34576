/**
 * SDES (RFC 4568): the `a=crypto` lines of an RTP/SAVP stream. We take the
 * offerer's most preferred line whose suite we speak with one inline key and
 * no MKI (a packet would then carry the MKI, which we do not add), and answer
 * it with the same tag, the same suite and our own key.
 */
import type { MediaDescription } from 'sdp-transform';
import { isSrtpSuite, MASTER_KEY_BYTES, type SrtpSuite } from '../rtp/srtp.js';

/** What SDES agreed for one stream; keys are base64 master key ‖ master salt, as the lines carry them. */
export interface SrtpAgreement {
  tag: number;
  suite: SrtpSuite;
  /** The key the peer sends with. */
  theirKey: string;
  /** The key we send with. */
  ourKey: string;
}

export function isSecureProfile(protocol: string): boolean {
  return /^RTP\/SAVP$/i.test(protocol);
}

/** The offer's first usable crypto line, agreed with `ourKey`; undefined when it has none we can use. */
export function agreeCrypto(stream: MediaDescription, ourKey: string): SrtpAgreement | undefined {
  for (const line of stream.crypto ?? []) {
    if (!isSrtpSuite(line.suite) || line.sessionConfig) continue;
    const theirKey = inlineKey(line.config);
    if (theirKey) return { tag: line.id, suite: line.suite, theirKey, ourKey };
  }
  return undefined;
}

/** `inline:<base64>[|lifetime][|MKI:length]` with exactly one key, no MKI; the key's base64. */
function inlineKey(keyParams: string): string | undefined {
  if (keyParams.includes(';')) return undefined;
  const match = /^inline:([A-Za-z0-9+/=]+)((?:\|[^|]*)*)$/.exec(keyParams.trim());
  if (!match) return undefined;
  const [, key, rest] = match;
  if (rest.split('|').some((part) => part.includes(':'))) return undefined;
  return Buffer.from(key, 'base64').length === MASTER_KEY_BYTES ? key : undefined;
}

/** Our answering line. */
export function cryptoLine(agreement: SrtpAgreement): NonNullable<MediaDescription['crypto']>[number] {
  return { id: agreement.tag, suite: agreement.suite, config: `inline:${agreement.ourKey}` };
}
