/**
 * The bridge application's endpoints turned into the INVITEs to send
 * (forks): one per registered contact of a user (FreeSWITCH's `user/`
 * dial string rings every registration), one for a gateway or a SIP URI.
 * An endpoint that cannot be rung gets the cause FreeSWITCH gives.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { BridgeEndpoint, BridgeLeg } from '../../call/call.js';
import type { CallerPrivacy } from '../../call/caller-privacy.js';
import type { HangupCause } from '../../call/hangup-cause.js';
import type { GatewaySettings } from '../settings.js';
import type { Directory } from '../../directory/directory.js';
import { formatHostPort, formatNameAddr, formatUri, headerText, ownedText, parseUri, type ExtraHeaders, type SipUri } from '../message/index.js';
import { bindingDestination, bindingUri, type Binding } from '../registrar/index.js';
import { defaultPort, uriTransport, type Destination } from '../transport/index.js';
import type { OutboundTarget } from './outbound-leg.js';

/** How the B2BUA finds gateways: by name for calls out, by source address for calls in. */
export interface GatewayDirectory {
  /** `alternatives`: the gateway's other servers, where a call goes when `destination` cannot take it. */
  find(domain: string, name: string): { config: GatewaySettings; destination: Destination | undefined; alternatives?: readonly Destination[] } | undefined;
  fromSource(address: string): { domain: string; gateway: GatewaySettings } | undefined;
}

export interface TargetContext {
  /** The call's domain. */
  domain: string;
  directory: Directory;
  contactsOf(domain: string, user: string): Binding[];
  /** A contact rung got no answer at all or a transport error: it is not counted as registered until it answers or registers again. */
  contactUnreachable(domain: string, user: string, binding: Binding, why: string): void;
  gateways: GatewayDirectory;
  /** Our host as the gateway should see it, for the From of calls out. */
  localHost(destination: Destination): string;
  callerIdNumber: string;
  callerIdName: string | undefined;
  /** The caller's Max-Forwards less one: two B2BUAs routing to each other must not loop forever. */
  maxForwards: number;
}

/** One INVITE to send, and what its CDR and the phone state need to know. */
export interface Fork {
  endpointIndex: number;
  /** The leg of the bridge plan it rings for. */
  leg: BridgeLeg;
  target: OutboundTarget;
  kind: 'user' | 'gateway' | 'sipUri';
  domain: string;
  /** The user whose phone rings. */
  userId?: string;
  /** The registration that phone is rung at. */
  binding?: Binding;
  /** The number or extension this leg dialled, for its CDR. */
  destinationNumber: string;
  callerIdNumber: string;
  callerIdName: string | undefined;
  /** Seconds it may ring. */
  timeoutSeconds: number;
  /** Seconds to wait before sending the INVITE. */
  delaySeconds: number;
  /** Relay ringing, not the target's early media. */
  ignoreEarlyMedia: boolean;
  /** The new leg's channel variables, for its CDR. */
  variables: Record<string, string>;
}

export type ResolvedEndpoint = { endpointIndex: number; forks: Fork[] } | { endpointIndex: number; cause: HangupCause; reason: string };

/** The INVITEs that ring one leg of the bridge plan, or the cause it cannot be rung with. */
export async function resolveEndpoint(context: TargetContext, leg: BridgeLeg): Promise<ResolvedEndpoint> {
  const { endpoint, endpointIndex } = leg;
  const callerIdNumber = leg.callerIdNumber ?? context.callerIdNumber;
  const callerIdName = leg.callerIdName ?? context.callerIdName;
  const fail = (cause: HangupCause, reason: string): ResolvedEndpoint => ({ endpointIndex, cause, reason });
  const fork = (target: Omit<OutboundTarget, 'maxForwards' | 'headers' | 'from'> & { fromHost: string }, extra: Pick<Fork, 'kind' | 'domain' | 'userId' | 'binding' | 'destinationNumber'>): Fork => ({
    endpointIndex,
    leg,
    target: {
      requestUri: target.requestUri,
      destination: target.destination,
      alternatives: target.alternatives,
      to: target.to,
      credentials: target.credentials,
      from: presentedCaller(callerIdNumber, callerIdName, target.fromHost, leg.privacy),
      maxForwards: context.maxForwards,
      headers: safeHeaders({ ...privacyHeaders(leg.privacy, extra.kind === 'gateway' ? callerIdNumber : undefined, target.fromHost), ...leg.headers }),
    },
    ...extra,
    callerIdNumber,
    callerIdName,
    timeoutSeconds: leg.timeoutSeconds,
    delaySeconds: leg.delaySeconds,
    ignoreEarlyMedia: leg.ignoreEarlyMedia,
    variables: leg.variables,
  });

  switch (endpoint.type) {
    case 'user': {
      const domain = endpoint.domainName || context.domain;
      const user = context.directory.user(domain, endpoint.name);
      if (!user) return fail('SUBSCRIBER_ABSENT', `no user ${endpoint.name} in ${domain}`);
      if (context.directory.phoneState.state(domain, user.id) === 'dnd') return fail('USER_BUSY', `user ${user.id} is on do-not-disturb`);
      const contacts = context.contactsOf(domain, user.id);
      if (contacts.length === 0) return fail('USER_NOT_REGISTERED', `user ${user.id} has no registered phone`);
      return {
        endpointIndex,
        forks: contacts.map((binding) =>
          fork(
            { requestUri: bindingUri(binding), destination: bindingDestination(binding), to: `<${formatUri(sipUri(user.id, domain))}>`, fromHost: context.domain },
            { kind: 'user', domain, userId: user.id, binding, destinationNumber: user.id },
          ),
        ),
      };
    }
    case 'gateway': {
      const gateway = context.gateways.find(context.domain, endpoint.name);
      if (!gateway) return fail('NO_ROUTE_DESTINATION', `no gateway "${endpoint.name}" in ${context.domain}`);
      if (!gateway.destination) return fail('NETWORK_OUT_OF_ORDER', `gateway "${endpoint.name}": ${gateway.config.host} did not resolve`);
      const number = endpoint.dialString ?? '';
      const host = formatHostPort(gateway.config.host, gateway.config.port);
      const uri = parseUri(`sip:${number}@${host}`);
      if (!uri.ok) return fail('INVALID_NUMBER_FORMAT', `"${number}" cannot be dialled: ${uri.error.reason}`);
      const gatewayCallerId = gateway.config.callerIdNumber;
      const credentials = gateway.config.username && gateway.config.password ? { username: gateway.config.username, password: gateway.config.password } : undefined;
      const resolved = fork(
        { requestUri: uri.value, destination: gateway.destination, alternatives: gateway.alternatives, to: `<${formatUri(uri.value)}>`, credentials, fromHost: context.localHost(gateway.destination) },
        { kind: 'gateway', domain: context.domain, destinationNumber: number },
      );
      // The gateway's caller ID is the default for calls through it; one the schema sets for the leg wins.
      if (gatewayCallerId && leg.callerIdNumber === undefined) {
        const host = context.localHost(gateway.destination);
        resolved.callerIdNumber = gatewayCallerId;
        resolved.target.from = presentedCaller(gatewayCallerId, undefined, host, leg.privacy);
        resolved.target.headers = safeHeaders({ ...privacyHeaders(leg.privacy, gatewayCallerId, host), ...leg.headers });
      }
      return { endpointIndex, forks: [resolved] };
    }
    case 'sipUri': {
      const uri = sipUriOf(endpoint);
      if (!uri) return fail('INVALID_NUMBER_FORMAT', `"${endpoint.dialString}" at "${endpoint.host}" is not a SIP URI`);
      const address = await resolveHost(uri.host);
      if (!address) return fail('NO_ROUTE_DESTINATION', `${uri.host} did not resolve`);
      const transport = uriTransport(uri);
      const destination: Destination = { transport, address, port: uri.port ?? defaultPort(transport), ...(transport === 'tls' && !isIP(uri.host) ? { serverName: uri.host } : {}) };
      const text = `<${formatSip(uri)}>`;
      return {
        endpointIndex,
        forks: [fork({ requestUri: uri, destination, to: text, fromHost: context.localHost(destination) }, { kind: 'sipUri', domain: context.domain, destinationNumber: uri.user ?? '' })],
      };
    }
    case 'device':
      return fail('NO_ROUTE_DESTINATION', `device endpoints ("${endpoint.name}") are not supported yet`);
  }
}

/**
 * The From of a leg. The caller ID comes from callers and schemas (`%40`,
 * `0|1`, spaces, quotes, non-ASCII): the number goes into the URI's user part
 * escaped (§19.1.2) and the name into a quoted-string, so the INVITE is valid
 * SIP and the phone's responses, which echo it, parse. An empty number leaves
 * the URI without a user part.
 */
/** Kept for the leg's length, so made flat: formatting leaves a tree of its pieces, several times its size. */
function callerAddress(number: string, name: string | undefined, host: string): string {
  return ownedText(formatNameAddr({ ...(name ? { displayName: name } : {}), uri: sipUri(number || undefined, host), params: new Map() }));
}

/**
 * The From a leg presents: the caller, or what privacy leaves of it — RFC
 * 3323's anonymous URI for a hidden number, "Anonymous" for a hidden name.
 */
function presentedCaller(number: string, name: string | undefined, host: string, privacy: CallerPrivacy): string {
  if (!privacy.hideName && !privacy.hideNumber) return callerAddress(number, name, host);
  return callerAddress(privacy.hideNumber ? 'anonymous' : number, privacy.hideName ? 'Anonymous' : name, privacy.hideNumber ? 'anonymous.invalid' : host);
}

/**
 * A hidden caller ID travels with `Privacy: id` (RFC 3325). A gateway is
 * trusted (it is configured, and carriers need the number to route, bill
 * and reach emergency services): it gets the number in P-Asserted-Identity;
 * a phone or a bare SIP URI does not. A header the schema sets wins.
 */
function privacyHeaders(privacy: CallerPrivacy, trustedNumber: string | undefined, host: string): Record<string, string> {
  if (!privacy.hideName && !privacy.hideNumber) return {};
  return { Privacy: 'id', ...(trustedNumber ? { 'P-Asserted-Identity': `<${formatUri(sipUri(trustedNumber, host))}>` } : {}) };
}

/** Header values come from schemas and callers: CR, LF and NUL never reach the wire. */
function safeHeaders(headers: Readonly<Record<string, string>>): ExtraHeaders {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, headerText(value)]));
}

function sipUri(user: string | undefined, host: string): SipUri {
  return { scheme: 'sip', ...(user === undefined ? {} : { user }), host, params: new Map(), headers: new Map() };
}

/** `dialString` is a whole `sip:` URI or the user part for `host`. */
function sipUriOf(endpoint: BridgeEndpoint): SipUri | undefined {
  const dial = endpoint.dialString ?? '';
  const text = /^sips?:/i.test(dial) ? dial : `sip:${dial}@${endpoint.host ?? ''}`;
  const parsed = parseUri(text);
  return parsed.ok && parsed.value.scheme !== 'tel' ? parsed.value : undefined;
}

/** A sips: URI's To stays sips (RFC 3261 §26.2.2: the request is meant to be secured end to end). */
function formatSip(uri: SipUri): string {
  return formatUri({ ...uri, params: new Map(), headers: new Map() });
}

async function resolveHost(host: string): Promise<string | undefined> {
  if (isIP(host)) return host;
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    return undefined;
  }
}
