/**
 * `npm run bench:sip-message`: the message layer's cost per message, for a
 * call's INVITE and 200 and a REGISTER answered with 401 — parse (with
 * validation), the transaction key, serialize. Prints CPU time per operation
 * (still noisy on a shared machine) and bytes allocated per operation (not noisy):
 * the growth of the heap over batches during which no GC ran.
 */
import { buildResponse, parseMessage, serializeMessage, type SipMessage, type SipRequest, type SipResponse } from '../src/sip/message/index.js';
import { clientKeyOfResponse, serverKey } from '../src/sip/transaction/keys.js';

const crlf = (text: string) => Buffer.from(`${text.trim().split('\n').map((line) => line.trim()).join('\r\n')}\r\n\r\n`);
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

function parsed(bytes: Buffer): SipMessage {
  const result = parseMessage(bytes);
  if (!result.ok) throw new Error(`benchmark message does not parse: ${result.error.reason}`);
  return result.message;
}

const cases: Array<[string, () => unknown]> = [
  ['parse INVITE', () => parsed(invite)],
  ['parse 200', () => parsed(ok)],
  ['parse REGISTER', () => parsed(register)],
  ['parse+key+serialize INVITE', () => {
    const request = parsed(invite) as SipRequest;
    serverKey(request);
    return serializeMessage(request);
  }],
  ['parse+key+serialize 200', () => {
    const response = parsed(ok) as SipResponse;
    clientKeyOfResponse(response);
    return serializeMessage(response);
  }],
  ['parse REGISTER+key+401', () => {
    const request = parsed(register) as SipRequest;
    serverKey(request);
    return serializeMessage(buildResponse(request, 401, undefined, { 'www-authenticate': 'Digest realm="example.com", nonce="0123456789abcdef"' }, 'tag1'));
  }],
];

const OPERATIONS = Number(process.env.OPERATIONS ?? 100_000);
const BATCH = 50;
const BATCHES = 400;
for (const [name, operation] of cases) {
  for (let i = 0; i < 20_000; i++) operation();
  // CPU time, not wall time: on a shared machine waiting for a core is not the code's cost.
  const start = process.cpuUsage();
  for (let i = 0; i < OPERATIONS; i++) operation();
  const used = process.cpuUsage(start);
  const nanoseconds = ((used.user + used.system) * 1000) / OPERATIONS;
  let bytes = 0;
  let measured = 0;
  for (let batch = 0; batch < BATCHES; batch++) {
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < BATCH; i++) operation();
    const after = process.memoryUsage().heapUsed;
    // A batch during which the heap shrank saw a GC: its growth says nothing.
    if (after > before) {
      bytes += after - before;
      measured += BATCH;
    }
  }
  console.log(`${name.padEnd(30)} ${nanoseconds.toFixed(0).padStart(6)} ns CPU/op ${(bytes / measured).toFixed(0).padStart(7)} B allocated/op`);
}
