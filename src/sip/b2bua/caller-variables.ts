/**
 * The channel variables a new call starts with, named as FreeSWITCH names
 * them, so schemas written for it read the same values: caller ID,
 * destination, domain, the SIP details, and the caller's headers as
 * `sip_h_<Header-Name>` (credentials and the headers of the hop itself
 * left out).
 */
import { displayHeaderName, ownedText, type NameAddr, type SipRequest } from '../message/index.js';
import type { Source } from '../transport/index.js';
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
  const variables: Record<string, string> = {
    direction: 'inbound',
    caller_id_number: callerNumber,
    caller_id_name: from.displayName ?? callerNumber,
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
  const userAgent = request.headers.get('user-agent');
  if (userAgent !== undefined) variables.sip_user_agent = userAgent;
  if (origin.kind !== 'anonymous') variables.domain_name = origin.domain;
  if (origin.kind === 'user') variables.presence_id = `${origin.userId}@${origin.domain}`;
  if (origin.kind === 'gateway') variables.sip_gateway_name = origin.gateway;
  for (const [name, values] of request.headers) {
    if (!NOT_EXPOSED.has(name)) variables[`sip_h_${displayHeaderName(name)}`] = values.join(', ');
  }
  // The call keeps its variables to its end: copies, where values read from the INVITE would keep the whole message text alive.
  for (const name in variables) variables[name] = ownedText(variables[name]);
  return variables;
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
