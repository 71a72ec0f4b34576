// Microbenchmark: parse + validate + serialize realistic messages; allocation per op from heapUsed deltas of GC-free batches.
import { parseMessage, serializeMessage, buildResponse } from '../src/sip/message/index.js';
import { serverKey, clientKeyOfResponse } from '../src/sip/transaction/keys.js';

const crlf = (s: string) => Buffer.from(s.trim().split('\n').map((l) => l.trim()).join('\r\n') + '\r\n\r\n' );
const sdp = 'v=0\r\no=user1 53655765 2353687637 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n';
const invite = Buffer.concat([Buffer.from(`INVITE sip:1002@10.0.0.2:5060 SIP/2.0
Via: SIP/2.0/UDP 10.0.0.1:5061;branch=z9hG4bK-4242-1-0;rport
From: "Alice Smith" <sip:1001@10.0.0.1:5061>;tag=4242SIPpTag001
To: <sip:1002@10.0.0.2:5060>
Call-ID: 1-4242@10.0.0.1
CSeq: 1 INVITE
Contact: <sip:1001@10.0.0.1:5061;transport=udp>
Max-Forwards: 70
Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE
Supported: timer, replaces
Subject: Performance Test
Content-Type: application/sdp
Content-Length: ${sdp.length}`.split('\n').join('\r\n') + '\r\n\r\n' + sdp)]);
const ok = crlf(`SIP/2.0 200 OK
Via: SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bKabcdefabcdef0123;rport=5060;received=10.0.0.2
Via: SIP/2.0/UDP 10.0.0.1:5061;branch=z9hG4bK-4242-1-0;rport=5061;received=10.0.0.1
Record-Route: <sip:10.0.0.2;lr>
From: "Alice Smith" <sip:1001@10.0.0.1:5061>;tag=4242SIPpTag001
To: <sip:1002@10.0.0.2:5060>;tag=abcdef123
Call-ID: 1-4242@10.0.0.1
CSeq: 1 INVITE
Contact: <sip:1002@10.0.0.3:5062;transport=udp>
Allow: INVITE, ACK, CANCEL, BYE, OPTIONS
Content-Length: 0`);
const register = crlf(`REGISTER sip:example.com SIP/2.0
Via: SIP/2.0/UDP 10.0.0.1:5061;branch=z9hG4bK-reg-1-0;rport
From: <sip:1001@example.com>;tag=reg4242
To: <sip:1001@example.com>
Call-ID: reg-1-4242@10.0.0.1
CSeq: 2 REGISTER
Contact: <sip:1001@10.0.0.1:5061;transport=udp>;expires=3600
Max-Forwards: 70
Authorization: Digest username="1001", realm="example.com", nonce="abcdef0123456789", uri="sip:example.com", response="0123456789abcdef0123456789abcdef", algorithm=MD5
Expires: 3600
Content-Length: 0`);

type Case = [string, () => unknown];
const cases: Case[] = [
  ['parse INVITE', () => parseMessage(invite)],
  ['parse 200', () => parseMessage(ok)],
  ['parse REGISTER', () => parseMessage(register)],
  ['parse+key+serialize INVITE', () => { const r = parseMessage(invite); if (!r.ok) throw r.error; serverKey(r.message as any); return serializeMessage(r.message); }],
  ['parse+key+serialize 200', () => { const r = parseMessage(ok); if (!r.ok) throw r.error; clientKeyOfResponse(r.message as any); return serializeMessage(r.message); }],
  ['parse REGISTER+key+401', () => { const r = parseMessage(register); if (!r.ok) throw r.error; serverKey(r.message as any); return serializeMessage(buildResponse(r.message, 401, undefined, { 'www-authenticate': 'Digest realm="x", nonce="y"' }, 'tag1')); }],
];
for (const [, f] of cases) { const r = f() as any; if (r && r.ok === false) throw new Error(String(r.error)); }
const N = Number(process.env.N ?? 100_000);
const BATCH = 50;
const gc = (globalThis as any).gc as () => void;
for (const [name, f] of cases) {
  for (let i = 0; i < 20_000; i++) f();
  gc();
  let t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) f();
  const ns = Number(process.hrtime.bigint() - t) / N;
  // allocation: sum of heapUsed growth over batches without a GC
  let bytes = 0, ops = 0;
  for (let b = 0; b < 400; b++) {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < BATCH; i++) f();
    const after = process.memoryUsage().heapUsed;
    if (after > before) { bytes += after - before; ops += BATCH; }
  }
  console.log(`${name.padEnd(30)} ${ns.toFixed(0).padStart(6)} ns/op ${(bytes / ops).toFixed(0).padStart(7)} B/op`);
}
