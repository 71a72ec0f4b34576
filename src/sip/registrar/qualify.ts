/**
 * OPTIONS keep-alive ("qualify", as Asterisk and Kamailio call it): every
 * registered contact is sent an OPTIONS (RFC 3261 §11) each interval. A
 * phone that dies without unregistering stops answering; its binding is then
 * marked unreachable, so the user reads `nonreg` rather than free, until it
 * answers again or re-registers. Any final response counts as an answer: a
 * phone that says 405 is alive.
 *
 * The first probe of each contact falls at a random point of the interval,
 * so many phones registered at once are not all asked in one burst; a
 * contact whose previous OPTIONS is still unanswered is not asked again.
 */
import { formatCSeq, formatUri, generateCallId, generateTag, SipHeaders, type SipRequest } from '../message/index.js';
import type { LocalAddress } from '../local-address.js';
import type { ClientTransaction, ClientTransactionUser } from '../transaction/index.js';
import type { Destination } from '../transport/index.js';
import { bindingDestination, bindingUri, type Binding, type UserBinding } from './bindings.js';

export interface QualifyOptions {
  intervalMs: number;
  /** The bindings to ask, and where what was learnt goes (the registrar). */
  registrations: {
    allBindings(): UserBinding[];
    markReachable(domain: string, user: string, registration: Binding, reachable: boolean, why: string): void;
  };
  /** Starts a client transaction (the transaction layer's sendRequest). */
  send(request: SipRequest, destination: Destination, user: ClientTransactionUser): Pick<ClientTransaction, 'abandon'>;
  local: LocalAddress;
}

interface Probe {
  dueAt: number;
  /** The OPTIONS still unanswered. */
  inFlight?: Pick<ClientTransaction, 'abandon'>;
}

/** The scheduler never looks less often than this, so an interval's spread is kept. */
const MAX_TICK_MS = 1_000;
const EMPTY = Buffer.alloc(0);

export class Qualifier {
  readonly #options: QualifyOptions;
  /** By user, domain and contact key. */
  readonly #probes = new Map<string, Probe>();
  #ticker: NodeJS.Timeout | undefined;

  constructor(options: QualifyOptions) {
    this.#options = options;
  }

  start(): void {
    if (this.#ticker) return;
    this.#ticker = setInterval(() => this.#tick(), Math.min(MAX_TICK_MS, this.#options.intervalMs));
    this.#ticker.unref();
  }

  /** No more probes; those unanswered are abandoned, so a shutdown does not wait for phones that are gone. */
  stop(): void {
    clearInterval(this.#ticker);
    this.#ticker = undefined;
    for (const probe of this.#probes.values()) probe.inFlight?.abandon();
    this.#probes.clear();
  }

  #tick(): void {
    const now = Date.now();
    const { intervalMs } = this.#options;
    const live = new Set<string>();
    for (const registration of this.#options.registrations.allBindings()) {
      const id = `${registration.user}@${registration.domain}|${registration.binding.key}`;
      live.add(id);
      let probe = this.#probes.get(id);
      if (!probe) {
        probe = { dueAt: now + Math.random() * intervalMs };
        this.#probes.set(id, probe);
      }
      if (probe.inFlight || probe.dueAt > now) continue;
      probe.dueAt = now + intervalMs;
      this.#ask(registration, probe);
    }
    for (const id of this.#probes.keys()) if (!live.has(id)) this.#probes.delete(id);
  }

  #ask({ domain, user, binding }: UserBinding, probe: Probe): void {
    let settled = false;
    const learnt = (reachable: boolean, why: string) => {
      settled = true;
      probe.inFlight = undefined;
      if (this.#ticker) this.#options.registrations.markReachable(domain, user, binding, reachable, why);
    };
    const destination = bindingDestination(binding);
    const transactionUser: ClientTransactionUser = {
      onResponse: (response) => {
        if (response.status >= 200) learnt(true, `answered OPTIONS with ${response.status}`);
      },
      onTimeout: () => learnt(false, 'no answer to OPTIONS'),
      onTransportError: (error) => learnt(false, `OPTIONS could not be delivered: ${error.message}`),
    };
    try {
      const transaction = this.#options.send(this.#request(domain, binding, destination), destination, transactionUser);
      // A transport that fails at once has already reported.
      if (!settled) probe.inFlight = transaction;
    } catch (error) {
      learnt(false, `OPTIONS could not be sent: ${(error as Error).message}`);
    }
  }

  #request(domain: string, binding: Binding, destination: Destination): SipRequest {
    const headers = new SipHeaders();
    headers.set('via', this.#options.local.via(destination));
    headers.set('max-forwards', '70');
    headers.set('from', `<sip:callrouter@${domain}>;tag=${generateTag()}`);
    const uri = bindingUri(binding);
    headers.set('to', `<${formatUri(uri)}>`);
    headers.set('call-id', generateCallId());
    headers.set('cseq', formatCSeq({ seq: 1, method: 'OPTIONS' }));
    return { type: 'request', method: 'OPTIONS', uri, headers, body: EMPTY };
  }
}
