/**
 * What both CDR sources boil down to: a leg's channel variables (strings,
 * as FreeSWITCH names them) and its caller profile.
 */
import { BoundedMemo } from '../../bounded-memo.js';

export interface CallerProfile {
  caller_id_name?: string;
  caller_id_number?: string;
  destination_number?: string;
  network_addr?: string;
  uuid?: string;
}

export interface ChannelData {
  variables: Record<string, string>;
  callerProfile: CallerProfile;
}

/** Variables that are noise in a CDR: timing copies, RTP statistics, raw SDP, SIP transport details, event headers. */
const NOISY_VARIABLES: readonly RegExp[] = [
  /_(epoch|uepoch)$/,
  /(msec|usec)$/,
  /^rtp_/,
  /sdp/i,
  /^sip_full_/,
  /^sip_contact_/,
  /^sip_req_/,
  /^sip_to_/,
  /^sip_network_/,
  /^sip_via_/,
  /^Event-/,
  /^Core-UUID$/,
  /^FreeSWITCH-/,
];

/** Answers by name: the same few dozen names come with every leg. */
const noisyByName = new BoundedMemo<string, boolean>(10_000);

export function isNoisyVariable(name: string): boolean {
  let noisy = noisyByName.get(name);
  if (noisy === undefined) {
    noisy = NOISY_VARIABLES.some((pattern) => pattern.test(name));
    noisyByName.set(name, noisy);
  }
  return noisy;
}
