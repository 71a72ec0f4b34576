import { z } from 'zod';
import { listenSetting, uniqueBy } from '../settings.js';
import { authSettings } from './auth/settings.js';
import { sessionTimerSettings } from './dialog/settings.js';
import { subscriptionSettings } from './event/settings.js';
import { tcpSettings, tlsSettings } from './transport/settings.js';
import { DEFAULT_TIMER_SETTINGS } from './transaction/timers.js';

export const gatewaySettings = z
  .object({
    name: z.string().min(1),
    host: z.string().min(1),
    /** Without a port, a host name's SIP SRV records say where its servers are (RFC 3263), else port 5060 (5061 over TLS). */
    port: z.number().int().min(1).max(65535).optional(),
    /** `tls`: the carrier's certificate must name `host` and be signed by a known CA or one in `sip.tls.ca`. */
    transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
    /** Caller ID presented on calls out through this gateway (else the caller's). */
    callerIdNumber: z.string().optional(),
    /** Credentials when the carrier challenges our INVITEs or wants a registration. */
    username: z.string().optional(),
    password: z.string().optional(),
    register: z.boolean().default(false),
  })
  .strict();

export type GatewaySettings = z.infer<typeof gatewaySettings>;

/** What of a domain's settings the SIP server owns; `config/` adds the other layers' fields. */
export const sipDomainShape = {
  gateways: z.array(gatewaySettings).default([]).superRefine(uniqueBy('name', 'gateway')),
};

/** The gateways of every domain, as the SIP server reads them. */
export type GatewayDomains = readonly { name: string; gateways: readonly GatewaySettings[] }[];

export const sipSettings = z
  .object({
    listen: listenSetting(5060),
    transports: z.array(z.enum(['udp', 'tcp'])).min(1).default(['udp', 'tcp']),
    tcp: tcpSettings,
    /** SIP over TLS; no TLS listener (and no TLS gateways' client certificate) without it. */
    tls: tlsSettings,
    sessionTimers: sessionTimerSettings,
    /** Address written into Via/Contact when listening on 0.0.0.0. */
    publicAddress: z.string().optional(),
    registration: z
      .object({
        minExpires: z.number().int().min(1).default(60),
        maxExpires: z.number().int().min(1).default(3600),
        defaultExpires: z.number().int().min(1).default(3600),
        /** When set, every registered contact is sent an OPTIONS this often; one that stops answering reads `nonreg`. Off by default. */
        qualifySeconds: z.number().int().min(1).max(3600).optional(),
      })
      .strict()
      .default({}),
    auth: authSettings,
    /** BLF and MWI: SUBSCRIBE to a colleague's dialog state or presence, or to one's own mailbox (RFC 6665). */
    subscriptions: subscriptionSettings,
    calls: z
      .object({
        /** Calls not yet answered beyond which new INVITEs get 503 with Retry-After rather than slowing every call down. */
        maxInSetup: z.number().int().min(1).default(1000),
        /**
         * New INVITEs get a stateless 503 with Retry-After while the event loop lags this much (ms), before they cost
         * a transaction or a routing; below T1 (500 ms), past which callers retransmit into the queue. 0: never.
         */
        maxEventLoopLagMs: z.number().int().min(0).default(300),
        /**
         * New INVITEs get a stateless 503 with Retry-After while SIP datagrams wait this long (ms) in the UDP receive
         * queue before the router reads them — the backlog of a router past its capacity, which the event loop's lag
         * does not show. Below T1 (500 ms): each message of a call passes the queue, and a caller or phone that waits
         * T1 retransmits into it. 0: never.
         */
        maxReceiveQueueMs: z.number().int().min(0).default(100),
        /**
         * New INVITEs get a stateless 503 with Retry-After while the calls' CDR lookups (last agent, `cdr` searches) have
         * waited this long (ms) in their thread's queue. Keep it below `cdr.search.callTimeoutMs` (2 s): past that every
         * lookup queued misses its deadline (the calls go on to their fallback without their agent), and each new call
         * only makes the queue longer. Below it a slow lookup costs setup time, not the call. 0 (the default): never —
         * opt in where every route searches CDRs: the signal is the lookup thread's, so one slow search there refuses
         * every new call, those whose routes never search included.
         */
        maxLookupWaitMs: z.number().int().min(0).default(0),
        /** On SIGTERM, how long calls in progress may go on before they are ended with BYE. */
        shutdownGraceSeconds: z.number().int().min(0).default(30),
        /** The longest a call may last from its INVITE; then both legs get BYE (ALLOTTED_TIMEOUT). */
        maxDurationSeconds: z.number().int().min(1).default(8 * 3600),
      })
      .strict()
      .default({}),
    /** RFC 3261 timers in milliseconds; tune T1 for long round trips, not for speed. */
    timers: z
      .object({
        t1: z.number().int().min(1).default(DEFAULT_TIMER_SETTINGS.t1),
        t2: z.number().int().min(1).default(DEFAULT_TIMER_SETTINGS.t2),
        t4: z.number().int().min(1).default(DEFAULT_TIMER_SETTINGS.t4),
      })
      .strict()
      .refine((timers) => timers.t1 <= timers.t2, { path: ['t2'], message: 'expected t2 at least t1' })
      .default({}),
  })
  .strict()
  .default({});

export type SipSettings = z.infer<typeof sipSettings>;

/**
 * A gateway reached over TLS needs `sip.tls`: TLS connections are made by the
 * TLS transport, which exists with our certificate (carriers may ask for it).
 */
export function tlsGatewaysNeedTls(config: { sip: SipSettings; domains: GatewayDomains }, ctx: z.RefinementCtx): void {
  if (config.sip.tls) return;
  config.domains.forEach((domain, domainIndex) =>
    domain.gateways.forEach((gateway, gatewayIndex) => {
      if (gateway.transport !== 'tls') return;
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['domains', domainIndex, 'gateways', gatewayIndex, 'transport'], message: 'tls needs sip.tls (a certificate and key) configured' });
    }),
  );
}
