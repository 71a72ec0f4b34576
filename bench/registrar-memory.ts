/**
 * Heap kept per registration by the registrar: REGISTRATIONS (default
 * 20,000) users each register one contact in-process (challenge, then
 * credentials, through real server transactions that are then dropped),
 * and the live heap after a full GC is compared with the same process
 * before. Run with --expose-gc (`npm run bench:registrar-memory`).
 */
import { domainConfig } from '../src/config/schema.js';
import { ConfigDirectory } from '../src/directory/config-directory.js';
import { DigestAuthenticator } from '../src/sip/auth/authenticator.js';
import { answerChallenge } from '../src/sip/auth/client-credentials.js';
import { parseDigestChallenge } from '../src/sip/auth/credentials.js';
import { outgoingBytes, parseMessage, type SipRequest, type SipResponse } from '../src/sip/message/index.js';
import { Registrar } from '../src/sip/registrar/registrar.js';
import { NonInviteServerTransaction } from '../src/sip/transaction/non-invite-server.js';
import { transactionContext } from '../src/sip/transaction/transaction.js';
import type { OutgoingMessage } from '../src/sip/message/index.js';
import type { Source } from '../src/sip/transport/index.js';

const REGISTRATIONS = Number(process.env.REGISTRATIONS ?? 20_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const users = Array.from({ length: REGISTRATIONS }, (_, index) => ({ id: String(100_000 + index), password: `secret-${index}` }));
const directory = new ConfigDirectory([domainConfig.parse({ name: 'example.com', users })]);
const authenticator = new DigestAuthenticator({ ha1Of: (domain, user, algorithm) => directory.user(domain, user)?.ha1[algorithm] });
const registrar = new Registrar({ directory, authenticator, expiry: { minExpires: 60, maxExpires: 3600, defaultExpires: 3600 } });

let last: SipResponse | undefined;
const transport = {
  send(message: OutgoingMessage) {
    // As on the wire: the registrar's answer is read back from bytes.
    const parsed = parseMessage(outgoingBytes(message));
    if (parsed.ok && parsed.message.type === 'response') last = parsed.message;
  },
};
const context = transactionContext(transport);

function send(index: number, cseq: number, authorization?: string): SipResponse | undefined {
  const user = users[index].id;
  const host = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
  const text = [
    'REGISTER sip:example.com SIP/2.0',
    `Via: SIP/2.0/UDP ${host}:5060;branch=z9hG4bK-${index}-${cseq};rport`,
    'Max-Forwards: 70',
    `From: <sip:${user}@example.com>;tag=${index}`,
    `To: <sip:${user}@example.com>`,
    `Call-ID: reg-${index}@${host}`,
    `CSeq: ${cseq} REGISTER`,
    `Contact: <sip:${user}@${host}:5060;transport=udp>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-${String(index).padStart(12, '0')}>"`,
    'User-Agent: Yealink SIP-T46S 66.86.0.15',
    'Expires: 3600',
    ...(authorization ? [`Authorization: ${authorization}`] : []),
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const parsed = parseMessage(Buffer.from(text));
  if (!parsed.ok) throw parsed.error;
  const request = parsed.message as SipRequest;
  const source: Source = { transport: 'udp', address: host, port: 5060 };
  last = undefined;
  const transaction = new NonInviteServerTransaction(`k${index}-${cseq}`, request, source, context);
  registrar.handle(request, transaction, source);
  // Completed transactions are the transaction layer's memory (Timer J), not the registrar's.
  transaction.abandon();
  return last;
}

function register(index: number): void {
  const challenged = send(index, 1);
  const challenge = parseDigestChallenge(challenged?.headers.get('www-authenticate') ?? '');
  if (!challenge) throw new Error(`no challenge: ${challenged?.status}`);
  const { id: username, password } = users[index];
  const authorization = answerChallenge(challenge, { username, password, method: 'REGISTER', uri: 'sip:example.com', nonceCount: 1 });
  const ok = send(index, 2, authorization);
  if (ok?.status !== 200) throw new Error(`registration ${index}: ${ok?.status}`);
}

function liveHeap(): number {
  gc!();
  gc!();
  return process.memoryUsage().heapUsed;
}

register(0); // warm-up: modules, caches, the first nonce
const before = liveHeap();
for (let index = 1; index < REGISTRATIONS; index++) register(index);
const after = liveHeap();
console.log(`${registrar.contactCount} bindings: ${((after - before) / (REGISTRATIONS - 1)).toFixed(0)} bytes of live heap per registration`);
if (!process.env.KEEP) registrar.close();
