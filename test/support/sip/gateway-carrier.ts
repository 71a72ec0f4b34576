/**
 * A carrier for gateway registration tests: it records each REGISTER the
 * router sends and answers it as the test says, or as a registrar would (a
 * real digest authenticator), with the router's registrations on a
 * simulated clock.
 */
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { SimulatedClock } from '../../../src/clock.js';
import type { GatewayDomains, GatewaySettings } from '../../../src/sip/settings.js';
import { DigestAuthenticator } from '../../../src/sip/auth/authenticator.js';
import { ha1OfPasswords } from '../../../src/sip/auth/digest.js';
import { buildResponse, parseCSeq, type ExtraHeaders, type SipRequest } from '../../../src/sip/message/index.js';
import type { ClientTransactionUser } from '../../../src/sip/transaction/transaction-user.js';
import type { Destination } from '../../../src/sip/transport/types.js';
import { GatewayRegistrations } from '../../../src/sip/gateway/gateway-registrations.js';
import type { GatewayRegistrationStatus, GatewayRegistrationsOptions, OutboundRequests } from '../../../src/sip/gateway/gateway-registration.js';

export const REALM = 'carrier.example';
export const CARRIER: Destination = { transport: 'udp', address: '203.0.113.5', port: 5060 };
export const LOCAL = { host: '192.0.2.1', port: 5080 };

export interface Sent {
  request: SipRequest;
  destination: Destination;
  user: ClientTransactionUser;
}

/** Plays the carrier: records each REGISTER; the test answers it. */
export class FakeCarrier implements OutboundRequests {
  readonly sent: Sent[] = [];
  readonly authenticator: DigestAuthenticator;

  constructor(password = 'trunk-secret') {
    this.authenticator = new DigestAuthenticator({
      ha1Of: ha1OfPasswords((realm, username) => (realm === REALM && username === 'acme' ? password : undefined)),
      algorithms: ['MD5'],
    });
  }

  send(request: SipRequest, destination: Destination, user: ClientTransactionUser): void {
    this.sent.push({ request, destination, user });
  }

  localAddress(destination: Destination): { host: string; port: number } {
    assert.equal(destination.address, CARRIER.address);
    return LOCAL;
  }

  get last(): Sent {
    const last = this.sent.at(-1);
    assert.ok(last, 'nothing was sent');
    return last;
  }

  answer(status: number, extra?: ExtraHeaders): void {
    const { request, user } = this.last;
    user.onResponse(buildResponse(request, status, undefined, extra, 'carrier-tag'));
  }

  /** A registrar's answer: challenge, or 200 with the binding, by the real authenticator. */
  registrar(grantedExpires = 120): 'challenged' | 'registered' | 'refused' {
    const { request, user } = this.last;
    const result = this.authenticator.authenticate({ request, realm: REALM, source: { transport: 'udp', address: LOCAL.host, port: LOCAL.port }, kind: 'www' });
    if (!result.ok) {
      user.onResponse(buildResponse(request, result.status, result.reason, result.headers, 'carrier-tag'));
      return result.status === 401 ? 'challenged' : 'refused';
    }
    const expires = Number(request.headers.get('expires'));
    const contact = `${request.headers.get('contact')};expires=${Math.min(expires, grantedExpires)}`;
    user.onResponse(buildResponse(request, 200, undefined, expires === 0 ? {} : { contact: [contact, '<sip:other-phone@198.51.100.9>;expires=3000'] }, 'carrier-tag'));
    return 'registered';
  }
}

export function gateway(fields: Partial<GatewaySettings> = {}): GatewaySettings {
  return { name: 'trunk', host: 'sip.carrier.example', port: 5060, transport: 'udp', register: true, username: 'acme', password: 'trunk-secret', ...fields };
}

export function domains(gateways: GatewaySettings[]): GatewayDomains {
  return [{ name: 'example.com', gateways }];
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface Setup extends Partial<GatewayRegistrationsOptions> {
  gateways?: GatewaySettings[];
  carrier?: FakeCarrier;
  resolved?: () => boolean;
  destination?: Destination;
}

export function setup(options: Setup = {}) {
  const clock = new SimulatedClock(new Date(1_700_000_000_000));
  const carrier = options.carrier ?? new FakeCarrier();
  const lines: LogLine[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) });
  const changes: GatewayRegistrationStatus[] = [];
  const registrations = new GatewayRegistrations({
    domains: domains(options.gateways ?? [gateway()]),
    outbound: carrier,
    destinationOf: (domain, name) => (domain === 'example.com' && name === 'trunk' && (options.resolved?.() ?? true) ? (options.destination ?? CARRIER) : undefined),
    logger,
    clock,
    onStatus: (status) => changes.push(status),
    ...options,
  });
  const status = () => {
    const found = registrations.status('example.com', 'trunk');
    assert.ok(found, 'no status for the gateway');
    return found;
  };
  return { clock, carrier, registrations, lines, changes, status };
}

export function cseqOf(request: SipRequest): number {
  const parsed = parseCSeq(request.headers.get('cseq') ?? '');
  assert.ok(parsed.ok);
  assert.equal(parsed.value.method, 'REGISTER');
  return parsed.value.seq;
}
