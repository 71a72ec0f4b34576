import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessage, serializeMessage, type SipMessage, type SipRequest } from './index.js';

const lines = (...text: string[]) => Buffer.from(text.join('\r\n'));

function parsed(data: Buffer): SipMessage {
  const result = parseMessage(data);
  assert.ok(result.ok, result.ok ? '' : `${result.error.code}: ${result.error.reason}`);
  return result.message;
}

function request(data: Buffer): SipRequest {
  const message = parsed(data);
  assert.equal(message.type, 'request');
  return message as SipRequest;
}

/** Comparable form of a message: start line, headers in order, body. */
function shape(message: SipMessage) {
  const start = message.type === 'request' ? `${message.method} ${JSON.stringify(message.uri, mapReplacer)}` : `${message.status} ${message.reason}`;
  return { start, headers: [...message.headers].filter(([name]) => name !== 'content-length'), body: message.body.toString('latin1') };
}

function mapReplacer(_key: string, value: unknown) {
  return value instanceof Map ? [...value] : value;
}

const register = lines(
  'REGISTER sip:example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---6c8b1a3f;rport',
  'Max-Forwards: 70',
  'Contact: <sip:101@192.0.2.10:5060;rinstance=f3a2b1;transport=UDP>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"',
  'To: <sip:101@example.com>',
  'From: "Desk, 101" <sip:101@example.com>;tag=7a1f2e3d',
  'Call-ID: ZDM4ZjU4ZTk3MjE1YzQwYjE2',
  'CSeq: 2 REGISTER',
  'Expires: 3600',
  'Allow: INVITE, ACK, CANCEL, BYE, NOTIFY, REFER, MESSAGE, OPTIONS, INFO, SUBSCRIBE',
  'Supported: replaces, norefersub, extended-refer, timer, outbound, path, X-cisco-serviceuri',
  'User-Agent: Z 5.6.1 v2.10.19.9',
  'Authorization: Digest username="101",realm="example.com",nonce="6a1d2f",uri="sip:example.com",response="0c1f",algorithm=MD5',
  'Allow-Events: presence, kpml, talk',
  'Content-Length: 0',
  '',
  '',
);

const sdp = 'v=0\r\no=alice 2890844526 2890844526 IN IP4 pc33.example.com\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';

const invite = lines(
  'INVITE sip:+15551234567@gw.example.net;user=phone SIP/2.0',
  'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKnashds8;received=203.0.113.5;rport=40123',
  'Via: SIP/2.0/TCP proxy.example.com;branch=z9hG4bK77ef4c2312983.1, SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bKx',
  'Max-Forwards: 69',
  'Record-Route: <sip:proxy.example.com;lr>, <sip:[2001:db8::1];lr>',
  'To: <sip:+15551234567@gw.example.net;user=phone>',
  'From: Alice <sip:alice@example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.example.com>',
  'Content-Type: application/sdp',
  `Content-Length: ${sdp.length}`,
  '',
  sdp,
);

const ok = lines(
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKnashds8;received=203.0.113.5;rport=40123',
  'Record-Route: <sip:proxy.example.com;lr>',
  'To: <sip:bob@example.com>;tag=a6c85cf',
  'From: Alice <sip:alice@example.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.example.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:bob@192.0.2.4>',
  'Content-Length: 0',
  '',
  '',
);

const unauthorized = lines(
  'SIP/2.0 401 Unauthorized',
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1---6c8b1a3f;rport=5060;received=192.0.2.10',
  'To: <sip:101@example.com>;tag=as5b2c1d',
  'From: <sip:101@example.com>;tag=7a1f2e3d',
  'Call-ID: ZDM4ZjU4ZTk3MjE1YzQwYjE2',
  'CSeq: 1 REGISTER',
  'WWW-Authenticate: Digest realm="example.com", nonce="5f1e2d3c", qop="auth,auth-int", algorithm=MD5',
  'WWW-Authenticate: Digest realm="example.com", nonce="5f1e2d3d", algorithm=SHA-256',
  'Date: Sat, 13 Nov 2010 23:29:00 GMT',
  'Content-Length: 0',
  '',
  '',
);

describe('parseMessage: a corpus of real-looking messages', () => {
  for (const [name, data] of Object.entries({ register, invite, ok, unauthorized })) {
    it(`${name} survives serialise → parse unchanged`, () => {
      const first = parsed(data);
      const again = parsed(serializeMessage(first));
      assert.deepEqual(shape(again), shape(first));
    });
  }

  it('reads the REGISTER header by header', () => {
    const message = request(register);
    assert.equal(message.method, 'REGISTER');
    assert.equal(message.uri.host, 'example.com');
    assert.equal(message.headers.get('from'), '"Desk, 101" <sip:101@example.com>;tag=7a1f2e3d');
    assert.equal(message.headers.getAll('allow').length, 10);
    assert.deepEqual(message.headers.getAll('allow-events'), ['presence', 'kpml', 'talk']);
    // Digest credentials contain commas that are not list separators.
    assert.equal(message.headers.getAll('authorization').length, 1);
    assert.equal(message.headers.get('contact'), '<sip:101@192.0.2.10:5060;rinstance=f3a2b1;transport=UDP>;+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"');
    assert.equal(message.body.length, 0);
  });

  it('splits Via and Record-Route lists and keeps their order across header lines', () => {
    const message = request(invite);
    assert.deepEqual(message.headers.getAll('via'), [
      'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKnashds8;received=203.0.113.5;rport=40123',
      'SIP/2.0/TCP proxy.example.com;branch=z9hG4bK77ef4c2312983.1',
      'SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bKx',
    ]);
    assert.deepEqual(message.headers.getAll('record-route'), ['<sip:proxy.example.com;lr>', '<sip:[2001:db8::1];lr>']);
    assert.equal(message.body.toString(), sdp);
    assert.equal(message.uri.params.get('user'), 'phone');
  });

  it('keeps repeated non-list headers and date values whole', () => {
    const message = parsed(unauthorized);
    assert.equal(message.type === 'response' && message.status, 401);
    assert.equal(message.headers.getAll('www-authenticate').length, 2);
    assert.deepEqual(message.headers.getAll('date'), ['Sat, 13 Nov 2010 23:29:00 GMT']);
  });

  it('writes canonical header names, one value a line, and the real Content-Length', () => {
    const message = parsed(ok);
    message.body = Buffer.from('hello');
    const text = serializeMessage(message).toString();
    assert.match(text, /^SIP\/2\.0 200 OK\r\n/);
    assert.match(text, /\r\nCall-ID: a84b4c76e66710@pc33\.example\.com\r\nCSeq: 314159 INVITE\r\n/);
    assert.match(text, /\r\nContent-Length: 5\r\n\r\nhello$/);
    assert.equal(text.match(/Content-Length/g)?.length, 1);
  });
});

describe('parseMessage: torture cases that must parse (RFC 4475 style)', () => {
  it('expands compact header forms', () => {
    const message = request(
      lines(
        'MESSAGE sip:bob@example.com SIP/2.0',
        'v: SIP/2.0/TCP host.example.com;branch=z9hG4bKc1',
        'Max-Forwards: 70',
        'f: <sip:alice@example.com>;tag=1',
        't: <sip:bob@example.com>',
        'i: compact@host',
        'CSeq: 1 MESSAGE',
        'm: <sip:alice@host.example.com;transport=tcp>',
        'c: text/plain',
        'e: gzip',
        's: hello',
        'k: path',
        'o: presence',
        'u: talk',
        'r: <sip:carol@example.com>',
        'l: 2',
        '',
        'hi',
      ),
    );
    for (const name of ['via', 'from', 'to', 'call-id', 'contact', 'content-type', 'content-encoding', 'subject', 'supported', 'event', 'allow-events', 'refer-to', 'content-length']) {
      assert.ok(message.headers.has(name), name);
    }
    assert.equal(message.body.toString(), 'hi');
  });

  it('reads header names in any case, known and unknown, compact forms in upper case too', () => {
    const message = request(
      lines(
        'OPTIONS sip:bob@example.com SIP/2.0',
        'V: SIP/2.0/UDP host.example.com;branch=z9hG4bKcase',
        'mAX-fORWARDS: 70',
        'FROM: <sip:alice@example.com>;tag=1',
        'tO : <sip:bob@example.com>',
        'call-ID: case@host',
        'CSEQ: 1 OPTIONS',
        'X-Custom-NAME: kept',
        'CONTENT-length: 0',
        '',
        '',
      ),
    );
    assert.deepEqual(
      [...message.headers].map(([name]) => name),
      ['via', 'max-forwards', 'from', 'to', 'call-id', 'cseq', 'x-custom-name', 'content-length'],
    );
    assert.equal(message.headers.get('To'), '<sip:bob@example.com>');
    assert.equal(message.headers.get('x-custom-name'), 'kept');
  });

  it('unfolds continuation lines and tolerates unusual spacing', () => {
    const message = request(
      lines(
        'INVITE sip:vivekg@chair-dnrc.example.com;unknownparam SIP/2.0',
        'TO :',
        ' sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n',
        'from   : "J Rosenberg \\\\\\"" <sip:jdrosen@example.com>',
        '  ;',
        '  tag = 98asjd8',
        'MaX-fOrWaRdS: 0068',
        'Call-ID: wsinv.ndaksdj@192.0.2.1',
        'Content-Length   : 0',
        'cseq: 0009',
        '  INVITE',
        'Via  : SIP  /   2.0',
        ' /UDP',
        '    192.0.2.2;branch=390skdjuw',
        's :',
        'NewFangledHeader:   newfangled value',
        ' continued newfangled value',
        'UnknownHeaderWithUnusualValue: ;;,,;;,;',
        '',
        '',
      ),
    );
    assert.equal(message.headers.get('to'), 'sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n');
    assert.equal(message.headers.get('cseq'), '0009 INVITE');
    assert.equal(message.headers.get('via'), 'SIP  /   2.0 /UDP 192.0.2.2;branch=390skdjuw');
    assert.equal(message.headers.get('newfangledheader'), 'newfangled value continued newfangled value');
    assert.equal(message.headers.get('subject'), '');
  });

  it('reads a multi-Via header and separate Via headers the same way', () => {
    const common = ['Max-Forwards: 70', 'From: <sip:a@example.com>;tag=1', 'To: <sip:b@example.com>', 'Call-ID: v@h', 'CSeq: 1 OPTIONS', '', ''];
    const oneHeader = request(lines('OPTIONS sip:b@example.com SIP/2.0', 'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1 , SIP/2.0/UDP b.example.com;branch=z9hG4bK2', ...common));
    const twoHeaders = request(lines('OPTIONS sip:b@example.com SIP/2.0', 'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1', 'v: SIP/2.0/UDP b.example.com;branch=z9hG4bK2', ...common));
    assert.deepEqual(oneHeader.headers.getAll('via'), twoHeaders.headers.getAll('via'));
    assert.equal(oneHeader.headers.getAll('via').length, 2);
  });

  it('parses escaped and IPv6 Request-URIs', () => {
    const common = ['Via: SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3', 'Max-Forwards: 70', 'From: <sip:a@example.com>;tag=1', 'To: <sip:b@example.com>', 'Call-ID: e@h', 'CSeq: 1 OPTIONS', '', ''];
    assert.equal(request(lines('OPTIONS sip:%61lice@atlanta.com;transport=TCP SIP/2.0', ...common)).uri.user, 'alice');
    assert.equal(request(lines('OPTIONS sip:sips%3Auser%40example.com@example.net SIP/2.0', ...common)).uri.user, 'sips:user@example.com');
    const ipv6 = request(lines('OPTIONS sip:[2001:db8::10]:5070 SIP/2.0', ...common));
    assert.deepEqual([ipv6.uri.host, ipv6.uri.port], ['2001:db8::10', 5070]);
  });

  it('skips CRLFs before the start line and accepts bare LF line ends', () => {
    const message = parsed(Buffer.from('\r\n\r\nSIP/2.0 180 Ringing\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: <sip:a@h>;tag=1\nTo: <sip:b@h>;tag=2\nCall-ID: lf@h\nCSeq: 1 INVITE\n\n'));
    assert.equal(message.type === 'response' && message.reason, 'Ringing');
  });

  it('on UDP takes the rest of the datagram as body without Content-Length, and cuts extra bytes with it', () => {
    const head = ['OPTIONS sip:b@example.com SIP/2.0', 'Via: SIP/2.0/UDP a.example.com;branch=z9hG4bK1', 'Max-Forwards: 70', 'From: <sip:a@example.com>;tag=1', 'To: <sip:b@example.com>', 'Call-ID: body@h', 'CSeq: 1 OPTIONS'];
    assert.equal(request(lines(...head, '', 'whole rest')).body.toString(), 'whole rest');
    assert.equal(request(lines(...head, 'Content-Length: 4', '', 'whole rest')).body.toString(), 'whol');
  });
});
