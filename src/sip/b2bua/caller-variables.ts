/**
 * The channel variables a new call starts with, named as FreeSWITCH names
 * them, so schemas written for it read the same values: caller ID,
 * destination, domain, the SIP details, and the caller's headers as
 * `sip_h_<Header-Name>` (credentials and the headers of the hop itself
 * left out).
 */
import { displayHeaderName, ownedText, parseNameAddr, type NameAddr, type SipRequest } from '../message/index.js';
import type { Source } from '../transport/index.js';
import type { CallerPrivacy } from '../../call/caller-privacy.js';
import type { CallOrigin } from '../../call/origin.js';

/** Headers that describe the hop or the transaction, or carry credentials: not the caller's data. */
const NOT_EXPOSED = new Set([
  'via', 'from', 'to', 'call-id', 'cseq', 'contact', 'content-length', 'content-type', 'max-forwards',
  'route', 'record-route', 'authorization', 'proxy-authorization',
]);

export interface CallerFacts {
  request: SipRequest;
  source: Source;
  from: NameAddr;
  to: NameAddr;
  origin: CallOrigin;
  maxForwards: number;
}

export function callerVariables({ request, source, from, to, origin }: CallerFacts): Record<string, string> {
  const callerNumber = userOf(from) ?? '';
  const asserted = origin.kind === 'gateway' ? assertedIdentities(request) : {};
  const identity = asserted.preferred ?? asserted.asserted ?? asserted.remoteParty;
  const callerIdNumber = withoutUserParameters((identity && userOf(identity)) || callerNumber);
  const variables: Record<string, string> = {
    direction: 'inbound',
    caller_id_number: callerIdNumber,
    caller_id_name: identity?.displayName ?? from.displayName ?? callerNumber,
    destination_number: destinationOf(request, to, origin),
    webitel_direction: origin.kind === 'user' ? 'internal' : 'inbound',
    sip_from_user: callerNumber,
    sip_from_host: from.uri.host,
    sip_to_user: userOf(to) ?? '',
    sip_to_host: to.uri.host,
    sip_req_user: request.uri.user ?? '',
    sip_req_host: request.uri.host,
    sip_call_id: request.headers.get('call-id') ?? '',
    sip_network_ip: source.address,
    sip_network_port: String(source.port),
    sip_transport: source.transport,
  };
  const privacy = requestedPrivacy(request, from, asserted.remoteParty);
  if (privacy.hideName) variables.privacy_hide_name = 'true';
  if (privacy.hideNumber) variables.privacy_hide_number = 'true';
  if (identity) variables.sip_cid_type = identity === asserted.remoteParty ? 'rpid' : 'pid';
  const assertedUser = asserted.asserted && userOf(asserted.asserted);
  if (assertedUser) variables['sip_P-Asserted-Identity'] = assertedUser;
  if (asserted.preferred) variables['sip_P-Preferred-Identity'] = request.headers.get('p-preferred-identity') ?? '';
  if (asserted.remoteParty) variables['sip_Remote-Party-ID'] = request.headers.get('remote-party-id') ?? '';
  const userAgent = request.headers.get('user-agent');
  if (userAgent !== undefined) variables.sip_user_agent = userAgent;
  if (origin.kind !== 'anonymous') variables.domain_name = origin.domain;
  if (origin.kind === 'user') variables.presence_id = `${origin.userId}@${origin.domain}`;
  if (origin.kind === 'gateway') variables.sip_gateway_name = origin.gateway;
  for (const [name, values] of request.headers) {
    if (!NOT_EXPOSED.has(name)) variables[`sip_h_${displayHeaderName(name)}`] = values.join(', ');
  }
  // The call keeps its variables to its end: copies, where values read from the INVITE would keep the whole message text
  // alive — one copy of each value, where several variables have the same (the caller's number is three of them).
  const copies = new Map<string, string>();
  for (const name in variables) {
    const value = variables[name];
    let copy = copies.get(value);
    if (copy === undefined) copies.set(value, (copy = ownedText(value)));
    variables[name] = copy;
  }
  return variables;
}

interface AssertedIdentities {
  remoteParty?: NameAddr;
  asserted?: NameAddr;
  preferred?: NameAddr;
}

/**
 * The identities a carrier asserts beside From, as FreeSWITCH reads them for
 * caller ID: Remote-Party-ID, then P-Asserted-Identity (RFC 3325), then
 * P-Preferred-Identity, a later one winning — a carrier that withholds From
 * (`anonymous@anonymous.invalid`) names the caller there. Read from gateways
 * only: what a phone or an unknown peer asserts is not trusted. The first
 * value of each counts; one that does not parse is passed over.
 */
function assertedIdentities(request: SipRequest): AssertedIdentities {
  const read = (name: string) => {
    const value = request.headers.get(name);
    const parsed = value === undefined ? undefined : parseNameAddr(value, name);
    return parsed?.ok && userOf(parsed.value) ? parsed.value : undefined;
  };
  return { remoteParty: read('remote-party-id'), asserted: read('p-asserted-identity'), preferred: read('p-preferred-identity') };
}

/**
 * Whether the caller asked that its name or number be withheld (CLIR), the
 * ways FreeSWITCH recognises: `Privacy: id` (RFC 3325), an anonymous From
 * (RFC 3323 §4.1.1.3), or a carrier's Remote-Party-ID `privacy=full|name|uri`.
 */
function requestedPrivacy(request: SipRequest, from: NameAddr, remoteParty: NameAddr | undefined): CallerPrivacy {
  const privacy = (request.headers.get('privacy') ?? '').toLowerCase().split(/[;,]/).map((value) => value.trim());
  if (privacy.includes('id') || from.uri.user?.toLowerCase() === 'anonymous' || from.uri.host.toLowerCase() === 'anonymous.invalid') {
    return { hideName: true, hideNumber: true };
  }
  const partyPrivacy = remoteParty?.params.get('privacy')?.toLowerCase();
  return { hideName: partyPrivacy === 'full' || partyPrivacy === 'name', hideNumber: partyPrivacy === 'full' || partyPrivacy === 'uri' };
}

/** `+15551234567;npdi;rn=+15550000000` → `+15551234567`: the number without the parameters a telephone-subscriber user carries. */
function withoutUserParameters(user: string): string {
  const semicolon = user.indexOf(';');
  return semicolon < 0 ? user : user.slice(0, semicolon);
}

function userOf(address: NameAddr): string | undefined {
  return address.uri.scheme === 'tel' ? address.uri.host : address.uri.user;
}

/**
 * The Request-URI user, as dialled. A carrier we register to sends calls to
 * our registered account (`sip:<username>@us`): the number is then in To.
 */
function destinationOf(request: SipRequest, to: NameAddr, origin: CallOrigin): string {
  const requested = request.uri.scheme === 'tel' ? request.uri.host : request.uri.user;
  if (origin.kind === 'gateway' && origin.account !== undefined && requested === origin.account) return userOf(to) ?? requested;
  return requested ?? '';
}
