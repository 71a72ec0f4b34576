/**
 * Refer-To (RFC 3515 §2.1) and the Replaces it may carry in its URI's
 * headers (RFC 3891 §6.1: `<sip:C@host?Replaces=callid%3Bto-tag%3D…%3Bfrom-tag%3D…>`,
 * the URI parser resolves the escapes). A REFER carries exactly one
 * Refer-To (§2.4.1); its URI is a name-addr or, without `<>`, an addr-spec
 * whose `;params` belong to the header.
 */
import { attempt, SipParseError, type Parsed } from './errors.js';
import { readNameAddr } from './name-addr.js';
import { readParams } from './syntax.js';
import type { NameAddr, Params } from './types.js';

/** The dialog a Replaces header names (RFC 3891 §6.1), tags as its sender sees them. */
export interface Replaces {
  callId: string;
  /** The tag the REFER's sender received (its peer's tag in that dialog). */
  toTag: string;
  /** The REFER sender's own tag in that dialog. */
  fromTag: string;
  /** `early-only`: only a dialog still ringing may be replaced. */
  earlyOnly: boolean;
}

export interface ReferTarget {
  address: NameAddr;
  /** An attended transfer: the dialog the new call replaces. */
  replaces?: Replaces;
}

/** The one Refer-To of a REFER: 400 (as SipParseError.status says) when there is none, several, or a malformed one. */
export function parseReferTo(values: readonly string[]): Parsed<ReferTarget> {
  return attempt(() => {
    if (values.length === 0) throw new SipParseError('missing-header', 'Missing Refer-To');
    if (values.length > 1) throw new SipParseError('duplicate-header', 'More than one Refer-To');
    const address = readReferTo(values[0]);
    const replaces = address.uri.headers.get('replaces');
    return replaces === undefined ? { address } : { address, replaces: readReplaces(replaces) };
  });
}

/** 416 is the Request-URI's answer (RFC 3261 §8.2.2.1): a Refer-To we cannot use is a bad request. */
function readReferTo(text: string): NameAddr {
  const parsed = attempt(() => readNameAddr(text, 'Refer-To'));
  if (!parsed.ok) throw parsed.error.code === 'uri-scheme' ? new SipParseError('header-value', 'Refer-To is not a SIP URI') : parsed.error;
  if (parsed.value.uri.scheme === 'tel') throw new SipParseError('header-value', 'Refer-To is not a SIP URI');
  return parsed.value;
}

/** `callid *( SEMI (to-tag / from-tag / early-flag / generic-param) )`, both tags required (RFC 3891 §6.1). */
export function parseReplaces(text: string): Parsed<Replaces> {
  return attempt(() => readReplaces(text));
}

function readReplaces(text: string): Replaces {
  const semicolon = text.indexOf(';');
  const callId = (semicolon < 0 ? text : text.slice(0, semicolon)).trim();
  if (callId === '') throw new SipParseError('header-value', 'Replaces without a Call-ID');
  const params: Params = new Map();
  if (semicolon >= 0 && readParams(text, semicolon, params, 'Replaces') !== text.length) {
    throw new SipParseError('header-value', 'unexpected text in Replaces');
  }
  const toTag = params.get('to-tag');
  const fromTag = params.get('from-tag');
  if (!toTag || !fromTag) throw new SipParseError('header-value', 'Replaces without to-tag and from-tag');
  return { callId, toTag, fromTag, earlyOnly: params.has('early-only') };
}
