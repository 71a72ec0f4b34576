/** The SIP server's Prometheus metrics: what an operator graphs and alerts on. */
import { Counter, Gauge, type Registry } from 'prom-client';
import type { LimitKind } from '../sip/auth/index.js';
import type { SipObserver } from '../sip/observer.js';
import type { RefusedConnections } from '../sip/transport/index.js';
import { KNOWN_METHODS } from '../sip/user-agent-server.js';

/** Values read at scrape time. */
export interface SipGauges {
  registeredContacts(): number;
  subscriptions(): number;
  activeCalls(): number;
  callsInSetup(): number;
  tcpConnections(): number;
  receiveQueueDelayMs(): number;
}

/** Counts and states the SIP server keeps itself, read at scrape time. */
export interface SipReadings extends SipGauges {
  refusedTcpConnections(): Readonly<RefusedConnections>;
  activeAuthBlocks(): Record<LimitKind, number>;
}

const GAUGES: readonly [keyof SipGauges, string, string][] = [
  ['registeredContacts', 'callrouter_sip_registered_contacts', 'Live registered contacts (bindings) of all users'],
  ['subscriptions', 'callrouter_sip_subscriptions', 'Live SUBSCRIBE subscriptions (BLF, MWI, presence); at sip.subscriptions.maxSubscriptions new ones get 503'],
  ['activeCalls', 'callrouter_calls_in_progress', 'Calls in progress on the built-in SIP server, answered or not'],
  ['callsInSetup', 'callrouter_calls_in_setup', 'Calls not yet answered; beyond sip.calls.maxInSetup new INVITEs get 503'],
  ['tcpConnections', 'callrouter_sip_tcp_connections', 'Open SIP TCP and TLS connections, accepted and our own'],
  [
    'receiveQueueDelayMs',
    'callrouter_sip_receive_queue_ms',
    'How long SIP datagrams wait in the UDP receive queue while the router is busy (ms); at sip.calls.maxReceiveQueueMs new INVITEs get 503',
  ],
];

/** The `limit` label of refused connections: the setting that refused them. */
const REFUSAL_LIMITS: readonly [keyof RefusedConnections, string][] = [
  ['perAddress', 'maxConnectionsPerAddress'],
  ['total', 'maxConnections'],
];

/** Returns the observer the SIP server reports to. */
export function createSipMetrics(registry: Registry, gauges: SipReadings): SipObserver {
  for (const [read, name, help] of GAUGES) {
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(gauges[read]());
      },
    });
  }
  new Counter({
    name: 'callrouter_sip_tcp_connections_refused_total',
    help: 'TCP and TLS connections closed on arrival, by the sip.tcp limit that refused them',
    labelNames: ['limit'],
    registers: [registry],
    collect() {
      const refused = gauges.refusedTcpConnections();
      // The transport counts; the metric shows its totals.
      this.reset();
      for (const [field, limit] of REFUSAL_LIMITS) this.inc({ limit }, refused[field]);
    },
  });
  new Gauge({
    name: 'callrouter_sip_auth_blocks_active',
    help: 'Authentication blocks in force, by what they block: a source address, a user at a source, a user everywhere (sip.auth.perUser)',
    labelNames: ['scope'],
    registers: [registry],
    collect() {
      for (const [scope, count] of Object.entries(gauges.activeAuthBlocks())) this.set({ scope }, count);
    },
  });
  // Counted in plain maps on the SIP thread and handed to prom-client when scraped: its inc() validates and hashes
  // the labels of every message, a few per cent of that thread's time at a few hundred calls/s.
  const requests = new Map<string, number>();
  const responses = new Map<string, Map<number, number>>();
  new Counter({
    name: 'callrouter_sip_requests_received_total',
    help: 'Well-formed SIP requests received, retransmissions included',
    labelNames: ['method'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [method, count] of requests) this.inc({ method }, count);
    },
  });
  new Counter({
    name: 'callrouter_sip_responses_sent_total',
    help: 'SIP responses sent, by CSeq method and status, retransmissions included',
    labelNames: ['method', 'status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [method, byStatus] of responses) for (const [status, count] of byStatus) this.inc({ method, status: String(status) }, count);
    },
  });
  const malformed = new Counter({
    name: 'callrouter_sip_malformed_messages_total',
    help: 'Input that was not a valid SIP message, by whether it was answered (400/416/505) or dropped',
    labelNames: ['outcome'],
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'callrouter_sip_auth_failures_total',
    help: 'Digest authentications with a wrong password or an unknown user; blocked=true when one started a block',
    labelNames: ['blocked'],
    registers: [registry],
  });
  return {
    requestReceived: (method) => {
      const known = knownMethod(method);
      requests.set(known, (requests.get(known) ?? 0) + 1);
    },
    responseSent: (method, status) => {
      const known = knownMethod(method);
      let byStatus = responses.get(known);
      if (!byStatus) responses.set(known, (byStatus = new Map()));
      byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    },
    malformed: (input) => malformed.inc({ outcome: input.answered ? 'answered' : 'dropped' }),
    authenticationFailed: (blocked) => authFailures.inc({ blocked: String(blocked) }),
  };
}

/** Method names come from the network: any other label value would let a peer grow our label set without bound. */
function knownMethod(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'other';
}
