/**
 * The bridge application's endpoints turned into the INVITEs to send
 * (forks): one per registered contact of a user (FreeSWITCH's `user/`
 * dial string rings every registration), one for a gateway or a SIP URI.
 * An endpoint that cannot be rung gets the cause FreeSWITCH gives.
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { BridgeEndpoint, BridgeRequest } from '../../call/call.js';
import type { HangupCause } from '../../call/hangup-cause.js';
import type { GatewaySettings } from '../settings.js';
import type { Directory } from '../../directory/directory.js';
import { formatHostPort, formatNameAddr, formatUri, headerText, parseUri, type ExtraHeaders, type SipUri } from '../message/index.js';
import type { Binding } from '../registrar/index.js';
import type { Destination } from '../transport/index.js';
import type { OutboundTarget } from './outbound-leg.js';

/** How the B2BUA finds gateways: by name for calls out, by source address for calls in. */
export interface GatewayDirectory {
  find(domain: string, name: string): { config: GatewaySettings; destination: Destination | undefined } | undefined;
  fromSource(address: string): { domain: string; gateway: GatewaySettings } | undefined;
}

export interface TargetContext {
  /** The call's domain. */
  domain: string;
  directory: Directory;
  contactsOf(domain: string, user: string): Binding[];
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
  target: OutboundTarget;
  kind: 'user' | 'gateway' | 'sipUri';
  domain: string;
  /** The user whose phone rings. */
  userId?: string;
  /** The number or extension this leg dialled, for its CDR. */
  destinationNumber: string;
  callerIdNumber: string;
  callerIdName: string | undefined;
  /** Seconds it may ring. */
  timeoutSeconds: number;
}

export type ResolvedEndpoint = { endpointIndex: number; forks: Fork[] } | { endpointIndex: number; cause: HangupCause; reason: string };

/** FreeSWITCH's default `call_timeout` for a bridge without `leg_timeout`. */
export const DEFAULT_LEG_TIMEOUT_SECONDS = 60;
const HEADER_VARIABLE = 'sip_h_';

export async function resolveEndpoint(
  context: TargetContext,
  request: BridgeRequest,
  endpointIndex: number,
): Promise<ResolvedEndpoint> {
  const endpoint = request.endpoints[endpointIndex];
  const settings = { ...request.exportedVariables, ...request.parameters, ...endpoint.parameters };
  const leg = legSettings(context, settings);
  const fail = (cause: HangupCause, reason: string): ResolvedEndpoint => ({ endpointIndex, cause, reason });
  const from = (host: string) => callerAddress(leg.callerIdNumber, leg.callerIdName, host);
  const fork = (target: Omit<OutboundTarget, 'maxForwards' | 'headers' | 'from'> & { fromHost: string }, extra: Pick<Fork, 'kind' | 'domain' | 'userId' | 'destinationNumber'>): Fork => ({
    endpointIndex,
    target: { requestUri: target.requestUri, destination: target.destination, to: target.to, credentials: target.credentials, from: from(target.fromHost), maxForwards: context.maxForwards, headers: leg.headers },
    ...extra,
    callerIdNumber: leg.callerIdNumber,
    callerIdName: leg.callerIdName,
    timeoutSeconds: leg.timeoutSeconds,
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
            { requestUri: binding.uri, destination: contactDestination(binding), to: `<${formatUri(sipUri(user.id, domain))}>`, fromHost: context.domain },
            { kind: 'user', domain, userId: user.id, destinationNumber: user.id },
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
      const callerIdNumber = gateway.config.callerIdNumber;
      const credentials = gateway.config.username && gateway.config.password ? { username: gateway.config.username, password: gateway.config.password } : undefined;
      const resolved = fork(
        { requestUri: uri.value, destination: gateway.destination, to: `<${formatUri(uri.value)}>`, credentials, fromHost: context.localHost(gateway.destination) },
        { kind: 'gateway', domain: context.domain, destinationNumber: number },
      );
      // The gateway's caller ID is the default for calls through it; one the schema sets for the leg wins.
      if (callerIdNumber && !leg.callerIdFromSchema) {
        resolved.callerIdNumber = callerIdNumber;
        resolved.target.from = callerAddress(callerIdNumber, undefined, context.localHost(gateway.destination));
      }
      return { endpointIndex, forks: [resolved] };
    }
    case 'sipUri': {
      const uri = sipUriOf(endpoint);
      if (!uri) return fail('INVALID_NUMBER_FORMAT', `"${endpoint.dialString}" at "${endpoint.host}" is not a SIP URI`);
      const address = await resolveHost(uri.host);
      if (!address) return fail('NO_ROUTE_DESTINATION', `${uri.host} did not resolve`);
      const transport = uri.params.get('transport')?.toLowerCase() === 'tcp' ? 'tcp' : 'udp';
      const destination: Destination = { transport, address, port: uri.port ?? 5060 };
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

interface LegSettings {
  timeoutSeconds: number;
  /** origination_/effective_caller_id_number was set for this leg. */
  callerIdFromSchema: boolean;
  callerIdNumber: string;
  callerIdName: string | undefined;
  headers: ExtraHeaders;
}

/** The channel settings the built-in server honours; `sip_h_X-Foo=bar` becomes a header of the INVITE. */
function legSettings(context: TargetContext, settings: Record<string, string>): LegSettings {
  const timeout = Number(settings.leg_timeout ?? settings.call_timeout);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(settings)) {
    if (name.startsWith(HEADER_VARIABLE) && /^[A-Za-z0-9-]+$/.test(name.slice(HEADER_VARIABLE.length))) headers[name.slice(HEADER_VARIABLE.length)] = headerText(value);
  }
  const schemaCallerId = settings.origination_caller_id_number ?? settings.effective_caller_id_number;
  return {
    timeoutSeconds: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_LEG_TIMEOUT_SECONDS,
    callerIdFromSchema: schemaCallerId !== undefined,
    callerIdNumber: schemaCallerId ?? context.callerIdNumber,
    callerIdName: settings.origination_caller_id_name ?? settings.effective_caller_id_name ?? context.callerIdName,
    headers,
  };
}

/**
 * The From of a leg. The caller ID comes from callers and schemas (`%40`,
 * `0|1`, spaces, quotes, non-ASCII): the number goes into the URI's user part
 * escaped (§19.1.2) and the name into a quoted-string, so the INVITE is valid
 * SIP and the phone's responses, which echo it, parse. An empty number leaves
 * the URI without a user part.
 */
function callerAddress(number: string, name: string | undefined, host: string): string {
  return formatNameAddr({ ...(name ? { displayName: name } : {}), uri: sipUri(number || undefined, host), params: new Map() });
}

function sipUri(user: string | undefined, host: string): SipUri {
  return { scheme: 'sip', ...(user === undefined ? {} : { user }), host, params: new Map(), headers: new Map() };
}

/**
 * Where a registered phone is rung. Over UDP: the address its REGISTER came
 * from, so phones behind NAT are reached. Over TCP: the connection it
 * registered on while that is open (NAT again), else the Contact's own
 * address, since the source port of a closed connection listens to nobody.
 */
function contactDestination(binding: Binding): Destination {
  const { source, uri } = binding;
  if (source.transport !== 'tcp' || !isIP(uri.host)) return source;
  return { transport: 'tcp', address: uri.host, port: uri.port ?? 5060, connectionId: source.connectionId };
}

/** `dialString` is a whole `sip:` URI or the user part for `host`. */
function sipUriOf(endpoint: BridgeEndpoint): SipUri | undefined {
  const dial = endpoint.dialString ?? '';
  const text = /^sips?:/i.test(dial) ? dial : `sip:${dial}@${endpoint.host ?? ''}`;
  const parsed = parseUri(text);
  return parsed.ok && parsed.value.scheme !== 'tel' ? parsed.value : undefined;
}

function formatSip(uri: SipUri): string {
  return formatUri({ ...uri, scheme: 'sip', params: new Map(), headers: new Map() });
}

async function resolveHost(host: string): Promise<string | undefined> {
  if (isIP(host)) return host;
  try {
    return (await lookup(host, { family: 4 })).address;
  } catch {
    return undefined;
  }
}
