/**
 * Helpers for end-to-end call tests: phones that register and then answer
 * (sipp UAS on the registered port), a carrier sipp on 127.0.0.2, callers,
 * sipp's message log read back, and CDRs polled from the router's store.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CdrDocument } from '../../../src/cdr/store.js';
import type { AccountState } from '../../../src/directory/directory.js';
import { account, DOMAIN, type TestRouter } from './router.js';
import { freeUdpPort, runSipp, startSipp, type BackgroundSipp, type SippResult, type SippRun } from './sipp.js';

export type { BackgroundSipp, SippResult };

/** The carrier's sipp runs here: the router tells a gateway's INVITE by its source address. */
export const CARRIER_IP = '127.0.0.2';
export const CUSTOMER = '0671234567';
export const PUBLIC_NUMBER = '0441234567';

export const INTERNAL_SCHEMA = new URL('../../../examples/internal.json', import.meta.url).pathname;
export const OUTBOUND_SCHEMA = new URL('../../../examples/outbound.json', import.meta.url).pathname;
/** The shipped last-agent schema (test/routes/shipped-examples.test.ts compares it with the seed's). */
export const LAST_AGENT_SCHEMA = new URL('../../../examples/last-agent.json', import.meta.url).pathname;

/** The bytes of a carrier's INVITE to PUBLIC_NUMBER from CARRIER_IP:`port`, with its From tag and Contact as given. */
export function carrierInvite(port: number, { fromTag = ';tag=abc', contact = `Contact: <sip:customer@${CARRIER_IP}:${port}>\r\n` } = {}): string {
  return [
    `INVITE sip:${PUBLIC_NUMBER}@127.0.0.1 SIP/2.0`,
    `Via: SIP/2.0/UDP ${CARRIER_IP}:${port};branch=z9hG4bK-${Math.random().toString(36).slice(2)}`,
    'Max-Forwards: 70',
    `From: <sip:${CUSTOMER}@${CARRIER_IP}>${fromTag}`,
    `To: <sip:${PUBLIC_NUMBER}@127.0.0.1>`,
    `Call-ID: ${Math.random().toString(36).slice(2)}@${CARRIER_IP}`,
    'CSeq: 1 INVITE',
  ].join('\r\n') + `\r\n${contact}Content-Length: 0\r\n\r\n`;
}

export function assertSippOk(result: SippResult, what: string): void {
  assert.equal(result.exitCode, 0, `${what} failed (exit ${result.exitCode}):\n${result.diagnostics}\n--- messages:\n${result.messages.slice(-6000)}`);
}

/** A phone: registered from a fixed port, where its answering sipp will listen. */
export interface Phone {
  user: string;
  port: number;
}

export async function registerPhone(server: TestRouter, user: string, expires = 60, port?: number): Promise<Phone> {
  const localPort = port ?? (await freeUdpPort());
  const result = await runSipp({ scenario: 'register.xml', target: { port: server.udpPort }, accounts: [account(user)], keys: { expires }, localPort });
  assertSippOk(result, `register ${user} (expires ${expires})`);
  return { user, port: localPort };
}

export interface UasOptions {
  /** Ring time before answering or rejecting (the scenario's `<pause/>`), and the talk time before a callee's own BYE. */
  pauseMs?: number;
  timeoutSeconds?: number;
  keys?: SippRun['keys'];
}

/** A sipp UAS for one call on the phone's registered port; awaits until it listens. */
export async function phoneAnswers(phone: Phone, scenario: string, options: UasOptions = {}): Promise<BackgroundSipp> {
  const uas = startSipp({
    scenario,
    accounts: [],
    calls: 1,
    localPort: phone.port,
    pauseMs: options.pauseMs ?? 300,
    timeoutSeconds: options.timeoutSeconds ?? 20,
    keys: options.keys,
    traceMessages: true,
  });
  await uas.ready;
  return uas;
}

/** The carrier: a sipp UAS on 127.0.0.2 for one call. Its port goes into the gateway's configuration. */
export async function carrierAnswers(port: number, scenario = 'answer-uas.xml', options: UasOptions = {}): Promise<BackgroundSipp> {
  const uas = startSipp({
    scenario,
    accounts: [],
    calls: 1,
    localIp: CARRIER_IP,
    localPort: port,
    pauseMs: options.pauseMs ?? 300,
    timeoutSeconds: options.timeoutSeconds ?? 20,
    keys: options.keys,
    traceMessages: true,
  });
  await uas.ready;
  return uas;
}

export interface CallOptions {
  /** The scenario's `<pause/>`: talk time before the caller's BYE, or ring time before its CANCEL. */
  pauseMs?: number;
  timeoutSeconds?: number;
  /** The scenario's own keywords, beside `dialled`. */
  keys?: SippRun['keys'];
  /** The phone's own address (127.0.0.1 by default): another one where 127.0.0.1 is a gateway's, whose calls are the carrier's. */
  localIp?: string;
}

/** A user's phone calls `dialled` through the router (authenticating on the 407). */
export function userCalls(server: TestRouter, user: string, dialled: string, scenario = 'call-uac.xml', options: CallOptions = {}): BackgroundSipp {
  return startSipp({
    scenario,
    target: { port: server.udpPort },
    ...(options.localIp ? { localIp: options.localIp } : {}),
    accounts: [account(user)],
    keys: { ...options.keys, dialled },
    pauseMs: options.pauseMs ?? 500,
    timeoutSeconds: options.timeoutSeconds ?? 20,
    traceMessages: true,
  });
}

/**
 * A customer's call arriving from the carrier's address, unauthenticated. The carrier asserts `callerNumber`
 * (P-Asserted-Identity); its From says the same unless `withheldFrom` replaces it (`anonymous`).
 */
export function customerCalls(server: TestRouter, callerNumber: string, dialled: string, options: CallOptions & { withheldFrom?: string } = {}): BackgroundSipp {
  return startSipp({
    scenario: 'gateway-uac.xml',
    target: { port: server.udpPort },
    localIp: CARRIER_IP,
    accounts: [{ user: options.withheldFrom ?? callerNumber, domain: CARRIER_IP, password: 'unused' }],
    keys: { dialled, asserted: callerNumber },
    pauseMs: options.pauseMs ?? 500,
    timeoutSeconds: options.timeoutSeconds ?? 20,
    traceMessages: true,
  });
}

/** Awaits each sipp and asserts it ended well; on the first failure stops the rest so nothing lingers. */
export async function allOk(runs: Record<string, BackgroundSipp>): Promise<Record<string, SippResult>> {
  const entries = Object.entries(runs);
  // One side failing leaves the other waiting for messages that will not come: end it instead of waiting out its timeout.
  const results = await Promise.all(
    entries.map(([, run]) =>
      run.result.then((result) => {
        if (result.exitCode !== 0) setTimeout(() => stopAll(entries.map(([, other]) => other)), 1000);
        return result;
      }),
    ),
  );
  const out = Object.fromEntries(entries.map(([name], index) => [name, results[index]]));
  for (const [name, result] of Object.entries(out)) assertSippOk(result, name);
  return out;
}

/** Stops every sipp still running (for `finally`, when a test failed half-way). */
export function stopAll(runs: readonly (BackgroundSipp | undefined)[]): void {
  for (const run of runs) run?.stop();
}

// --- sipp's message log -------------------------------------------------------

export interface LoggedMessage {
  direction: 'sent' | 'received';
  /** Request line or status line. */
  firstLine: string;
  headers: string[];
  body: string;
  text: string;
}

/** Splits a `-trace_msg` log into messages, in order. */
export function parseMessageLog(log: string): LoggedMessage[] {
  const messages: LoggedMessage[] = [];
  for (const chunk of log.split(/^-{20,}.*$/m)) {
    const match = /^\s*(?:UDP|TCP) message (sent|received)[^\n]*\n+([\s\S]*)$/.exec(chunk);
    if (!match) continue;
    const text = match[2].replace(/\r/g, '').replace(/\n+$/, '');
    const [head, ...rest] = text.split('\n\n');
    const lines = head.split('\n');
    messages.push({ direction: match[1] as 'sent' | 'received', firstLine: lines[0].trim(), headers: lines.slice(1), body: rest.join('\n\n'), text });
  }
  return messages;
}

/** A header's value (first occurrence; case-insensitive name, compact forms not handled). */
export function header(message: LoggedMessage, name: string): string | undefined {
  const line = message.headers.find((candidate) => candidate.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

/** The messages sipp received whose first line matches. */
export function received(result: SippResult, firstLine: RegExp): LoggedMessage[] {
  return parseMessageLog(result.messages).filter((message) => message.direction === 'received' && firstLine.test(message.firstLine));
}

export function firstReceived(result: SippResult, firstLine: RegExp): LoggedMessage {
  const found = received(result, firstLine)[0];
  assert.ok(found, `no received message matching ${firstLine} in:\n${result.messages.slice(-4000)}`);
  return found;
}

/** The status codes of the final responses received to INVITEs, in order, once per transaction (retransmissions dropped). */
export function finalStatuses(result: SippResult): number[] {
  const seen = new Set<string>();
  const statuses: number[] = [];
  for (const message of received(result, /^SIP\/2\.0 [2-6]\d\d /)) {
    const cseq = header(message, 'CSeq') ?? '';
    if (!/INVITE/i.test(cseq)) continue;
    const status = Number(message.firstLine.split(' ')[1]);
    const key = `${status} ${cseq}`;
    if (seen.has(key)) continue;
    seen.add(key);
    statuses.push(status);
  }
  return statuses;
}

// --- phones that must not ring -----------------------------------------------

/** Listens on a registered phone's port in place of sipp and records any INVITE, to show a phone was not rung. */
export class SilentPhone {
  readonly invites: string[] = [];
  private constructor(private readonly socket: Socket) {
    socket.on('message', (data) => {
      const text = data.toString('latin1');
      if (text.startsWith('INVITE ')) this.invites.push(text);
    });
  }

  static async listen(phone: Phone): Promise<SilentPhone> {
    const socket = createSocket('udp4');
    socket.bind(phone.port, '127.0.0.1');
    await once(socket, 'listening');
    return new SilentPhone(socket);
  }

  close(): void {
    this.socket.close();
  }
}

// --- directory and CDRs -------------------------------------------------------

export function stateOf(server: TestRouter, user: string, domain = DOMAIN): AccountState | undefined {
  return server.router.directory.userVariable(domain, user, 'account_state') as AccountState | undefined;
}

/**
 * Resolves with `wanted` as soon as the user's phone reaches it (even for an
 * instant: a listener sees every change, where polling could miss a short
 * `ringing` while the test's event loop is busy), or with the state it is in
 * when `timeoutMs` runs out.
 */
export async function waitForState(server: TestRouter, user: string, wanted: AccountState, timeoutMs = 10_000, domain = DOMAIN): Promise<AccountState | undefined> {
  if (stateOf(server, user, domain) === wanted) return wanted;
  const phoneState = server.router.directory.phoneState;
  let stopListening = (): void => {};
  const reached = new Promise<AccountState>((resolve) => {
    stopListening = phoneState.onChange((changedDomain, id, state) => {
      if (changedDomain === domain && id === user && state === wanted) resolve(state);
    });
  });
  const timer = sleep(timeoutMs, undefined, { ref: false }).then(() => stateOf(server, user, domain));
  try {
    return await Promise.race([reached, timer]);
  } finally {
    stopListening();
  }
}

export interface StoredCdr {
  id: string;
  doc: CdrDocument;
}

/**
 * Every stored CDR, once the legs that have ended are written: the writer
 * batches them (up to 100 ms), and a snapshot taken before a test's call must
 * hold the CDRs of the calls that ended before it.
 */
export async function allCdrs(server: TestRouter): Promise<StoredCdr[]> {
  await server.router.cdrWriter.flush();
  const response = await server.router.cdrStore.search({ query: { match_all: {} }, size: 1000 });
  return response.hits.hits.map((hit) => ({ id: hit._id, doc: hit._source ?? {} }));
}

/**
 * Waits (bounded) until at least `count` CDRs not in `before` exist, then a
 * moment more for stragglers, and returns the new ones. CDRs are written
 * asynchronously when each leg ends; the wait is generous because a router's
 * first CDR also starts its CDR threads (the writer, the search lane).
 * `where` counts only the CDRs it accepts: on a router that tests share, an
 * earlier test's call can still be writing its own.
 */
export async function newCdrs(server: TestRouter, before: readonly StoredCdr[], count: number, timeoutMs = 30_000, where: (doc: CdrDocument) => boolean = () => true): Promise<CdrDocument[]> {
  const known = new Set(before.map((cdr) => cdr.id));
  const deadline = Date.now() + timeoutMs;
  let fresh: StoredCdr[] = [];
  for (;;) {
    fresh = (await allCdrs(server)).filter((cdr) => !known.has(cdr.id) && where(cdr.doc));
    if (fresh.length >= count || Date.now() >= deadline) break;
    await sleep(100);
  }
  await sleep(200);
  fresh = (await allCdrs(server)).filter((cdr) => !known.has(cdr.id) && where(cdr.doc));
  assert.ok(fresh.length >= count, `expected at least ${count} new CDRs within ${timeoutMs} ms, got ${fresh.length}:\n${describeCdrs(fresh.map((cdr) => cdr.doc))}`);
  return fresh.map((cdr) => cdr.doc);
}

/** The key fields of each CDR, for assertion messages. */
export function describeCdrs(docs: readonly CdrDocument[]): string {
  const keys = ['Call direction', 'User ID', 'CallerID number', 'Destination number', 'Hangup cause', 'Answered', 'Bridged'];
  return docs.map((doc) => JSON.stringify(Object.fromEntries(keys.map((key) => [key, doc[key]])))).join('\n');
}

/** The one CDR whose fields equal `fields` (undefined: the field is absent); fails listing all when not exactly one. */
export function findCdr(docs: readonly CdrDocument[], fields: Record<string, unknown>, what: string): CdrDocument {
  const matching = docs.filter((doc) => Object.entries(fields).every(([key, value]) => doc[key] === value));
  assert.equal(matching.length, 1, `${what}: expected exactly one CDR with ${JSON.stringify(fields)} among:\n${describeCdrs(docs)}`);
  return matching[0];
}

export function assertNoCdr(docs: readonly CdrDocument[], fields: Record<string, unknown>, what: string): void {
  const matching = docs.filter((doc) => Object.entries(fields).every(([key, value]) => doc[key] === value));
  assert.equal(matching.length, 0, `${what}: expected no CDR with ${JSON.stringify(fields)} among:\n${describeCdrs(docs)}`);
}
