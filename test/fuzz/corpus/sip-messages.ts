/**
 * Seed messages for the SIP fuzz targets: the kinds of message this router
 * handles every day (as the parser tests and sipp scenarios send them) and
 * one message for each class of RFC 4475's torture tests and RFC 5118's IPv6
 * tests, written here for this project. Valid ones must parse and survive a
 * round trip; invalid ones must be refused with a SipParseError.
 */

/** CRLF-joined lines; `{length}` in a line is replaced by the body's byte length. */
function message(lines: string[], body = ''): Buffer {
  const head = lines.map((line) => line.replace('{length}', String(Buffer.byteLength(body)))).join('\r\n');
  return Buffer.from(`${head}\r\n\r\n${body}`);
}

const sdp = 'v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\nm=audio 49172 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n';

const dialog = (method: string, seq = 1) => [
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-524287-1;rport',
  'Max-Forwards: 70',
  'From: "Desk 101" <sip:101@example.com>;tag=7a1f2e3d',
  'To: <sip:102@example.com>',
  'Call-ID: ZDM4ZjU4ZTk3MjE1YzQwYjE2',
  `CSeq: ${seq} ${method}`,
];

/** Well-formed messages, ordinary and unusual (RFC 4475 §3.1.1, RFC 5118 §4.1–4.5). */
export const VALID_MESSAGES: Record<string, Buffer> = {
  register: message([
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
    'Authorization: Digest username="101",realm="example.com",nonce="6a1d2f",uri="sip:example.com",response="0c1f",algorithm=MD5',
    'Content-Length: 0',
  ]),
  invite: message(
    [
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
      'Content-Length: {length}',
    ],
    sdp,
  ),
  ringing: message([
    'SIP/2.0 180 Ringing',
    'Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-b2bua-1',
    'From: <sip:0441234567@127.0.0.1>;tag=abc',
    'To: <sip:101@127.0.0.1:5062>;tag=3471SIPpTag011',
    'Call-ID: 1-3471@127.0.0.1',
    'CSeq: 1 INVITE',
    'Contact: <sip:127.0.0.1:5062;transport=UDP>',
    'Content-Length: 0',
  ]),
  challenge: message([
    'SIP/2.0 401 Unauthorized',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-reg;received=127.0.0.1;rport=5070',
    'From: <sip:gw@carrier.test>;tag=r1',
    'To: <sip:gw@carrier.test>;tag=srv',
    'Call-ID: reg-1@127.0.0.1',
    'CSeq: 1 REGISTER',
    'WWW-Authenticate: Digest realm="carrier.test", nonce="bm9uY2U=", algorithm=SHA-256, qop="auth"',
    'WWW-Authenticate: Digest realm="carrier.test", nonce="bm9uY2U=", algorithm=MD5, qop="auth"',
    'Content-Length: 0',
  ]),
  bye: message(['BYE sip:102@192.0.2.20:5062;transport=udp SIP/2.0', ...dialog('BYE', 2), 'Reason: Q.850;cause=16;text="Normal call clearing"', 'Content-Length: 0']),
  options: message(['OPTIONS sip:127.0.0.1 SIP/2.0', ...dialog('OPTIONS'), 'Accept: application/sdp', 'Content-Length: 0']),
  // §3.1.1.1 wsinv: folding, tabs, spaces around Via slashes and colons, escaped quotes in a display name.
  whitespace: message([
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
    'Contact: <sip:jdrosen@192.0.2.1>',
  ]),
  // §3.1.1.2 intmeth: an extension method with every token character (the RFC's escaped NUL is refused here, see header-section.ts).
  extensionMethod: message([
    "!interesting-Method0123456789_*+`.%indeed'~ sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)@example.com SIP/2.0",
    'Via: SIP/2.0/TCP host1.example.com;branch=z9hG4bK-.!%66*_+`\'~',
    'To: "BEL:\\\u0007 DEL:\\\u007f" <sip:1_unusual.URI~(to-be!sure)&isn\'t+it$/crazy?,/;;*@example.com>',
    'From: token1~` token2\'+_ token3*%!.- <sip:mundane@example.com>;fromParam\'\'~+*_!.-%="\u0440\u0430\u0431\u043e\u0442\u0430\u044e\u0449\u0438\u0439";tag=_token~1\'+`*%!-.',
    'Call-ID: intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{',
    "CSeq: 139122385 !interesting-Method0123456789_*+`.%indeed'~",
    'Max-Forwards: 255',
    "extensionHeader-!.%*+_`'~: \uFEFF\u5927\u5930\u5927",
    'Content-Length: 0',
  ]),
  // §3.1.1.3 esc01: escaped characters in the user part, an escaped NUL among them (§3.1.1.4 escnull).
  escapedUser: message([
    'INVITE sip:sips%3Auser%40example.com@example.net SIP/2.0',
    'To: sip:%75se%72@example.com',
    'From: <sip:I%20have%20spaces@example.net>;tag=938',
    'Max-Forwards: 87',
    'i: esc01.239409asdfakjkn23onasd0-3234',
    'CSeq: 234234 INVITE',
    'Via: SIP/2.0/UDP host5.example.net;branch=z9hG4bKkdjuw',
    'C: application/sdp',
    'Contact: <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>',
    'Content-Length: {length}',
  ], sdp),
  escapedNul: message([
    'REGISTER sip:example.com SIP/2.0',
    'To: sip:null-%00-null@example.com',
    'From: sip:null-%00-null@example.com;tag=839923423',
    'Max-Forwards: 70',
    'Call-ID: escnull.39203ndfvkjdasfkq3w4otrq0adsfdfnavd',
    'CSeq: 14398234 REGISTER',
    'Via: SIP/2.0/UDP host5.example.com;branch=z9hG4bKkdjuw',
    'Contact: <sip:%00@host5.example.com>',
    'Contact: <sip:%00%00@host5.example.com>',
    'L:0',
  ]),
  // §3.1.1.5 esc02: a URI parameter with an escaped semicolon; a user part with `;` (§3.1.1.9 semiuri).
  semicolonUser: message([
    'OPTIONS sip:user;par=u%40example.net@example.com SIP/2.0',
    'To: sip:j_user@example.com',
    'From: sip:caller@example.org;tag=33242',
    'Max-Forwards: 3',
    'Call-ID: semiuri.0ha0isndaksdj',
    'CSeq: 8 OPTIONS',
    'Accept: application/sdp, application/pkcs7-mime,',
    '        multipart/mixed, multipart/signed,',
    '        message/sip, message/sipfrag',
    'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKkdjuw',
    'l: 0',
  ]),
  // §3.1.1.6 lwsdisp: no space between a display name and <.
  noSpaceDisplay: message([
    'OPTIONS sip:user@example.com SIP/2.0',
    'To: sip:user@example.com',
    'From: caller<sip:caller@example.com>;tag=323',
    'Max-Forwards: 70',
    'Call-ID: lwsdisp.1234abcd@funky.example.com',
    'CSeq: 60 OPTIONS',
    'Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw',
    'l: 0',
  ]),
  // §3.1.1.7 longreq: long values, many Via values, a long display name.
  longValues: message([
    'INVITE sip:user@example.com SIP/2.0',
    `To: "I have a user name of ${'extreme'.repeat(40)} proportion"<sip:user@example.com:6000;unknownparam1=very${'long'.repeat(60)}value;longparam${'name'.repeat(30)}=shortvalue>`,
    `From: sip:${'amazinglylongcallername'.repeat(10)}@example.net;tag=12${'982'.repeat(100)}`,
    `Call-ID: longreq.one${'reallylongcallid'.repeat(40)}`,
    'CSeq: 3882340 INVITE',
    'Max-Forwards: 70',
    ...Array.from({ length: 12 }, (_, n) => `Via: SIP/2.0/TCP sip${n}.example.com:5060;branch=z9hG4bK${n}long${'x'.repeat(n * 20)}`),
    `Contact: <sip:amazinglylongcallername@host5.example.net>`,
    `Unknown-${'LongLong'.repeat(10)}-Name: unknown-${'long'.repeat(40)}-value; unknown-${'long'.repeat(20)}-parameter-name = unknown-long-parameter-value`,
    'Content-Length: 0',
  ]),
  // §3.1.1.8 dblreq: a datagram with a second request after Content-Length bytes (ignored).
  twoRequests: Buffer.concat([
    message(['REGISTER sip:example.com SIP/2.0', ...dialog('REGISTER'), 'Contact: <sip:101@192.0.2.10>', 'Content-Length: 0']),
    message(['INVITE sip:joe@example.com SIP/2.0', ...dialog('INVITE'), 'Content-Length: 0']),
  ]),
  // §3.1.1.10 transports: transports this router does not speak in Via.
  transports: message([
    'OPTIONS sip:user@example.com SIP/2.0',
    'To: sip:user@example.com',
    'From: <sip:caller@example.com>;tag=323',
    'Max-Forwards: 70',
    'Call-ID: transports.kijh4akdnaqjkwendsasfdj',
    'Accept: application/sdp',
    'CSeq: 60 OPTIONS',
    'Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw',
    'Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf',
    'Via: SIP/2.0/TLS t3.example.com;branch=z9hG4bK2980unddj',
    'Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en',
    'Via: SIP/2.0/TCP t5.example.com;branch=z9hG4bK0a9idfnee',
    'l: 0',
  ]),
  // §3.1.1.11 mpart01: a multipart body.
  multipart: message(
    [
      'MESSAGE sip:kumiko@example.org SIP/2.0',
      'Via: SIP/2.0/UDP 192.0.2.2:5060;branch=z9hG4bK-10',
      'Max-Forwards: 70',
      'From: "Chris" <sip:chris@example.com>;tag=1',
      'To: <sip:kumiko@example.org>',
      'Call-ID: mpart01@192.0.2.2',
      'CSeq: 1 MESSAGE',
      'Content-Type: multipart/mixed;boundary=7a9cbec02ceef655',
      'Content-Length: {length}',
    ],
    '--7a9cbec02ceef655\r\nContent-Type: text/plain\r\n\r\nhello\r\n--7a9cbec02ceef655\r\nContent-Type: application/octet-stream\r\n\r\n\u0000\u0001\u00ff\r\n--7a9cbec02ceef655--\r\n',
  ),
  // §3.1.1.12 unreason: a reason phrase in UTF-8 with odd characters; §3.1.1.13 noreason: none at all.
  unusualReason: message([
    'SIP/2.0 200 = 2**3 * 5**2 \u043d\u043e \u0441\u0442\u043e \u0434\u0435\u0432\u044f\u043d\u043e\u0441\u0442\u043e \u0434\u0435\u0432\u044f\u0442\u044c - \u043f\u0440\u043e\u0441\u0442\u043e\u0435',
    'Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923',
    'Call-ID: unreason.1234ksdfak3j2erwedfsASdf',
    'CSeq: 35 INVITE',
    'From: sip:user@example.com;tag=11141343',
    'To: sip:user@example.edu;tag=2229',
    'Content-Type: application/sdp',
    'Contact: <sip:user@host198.example.com>',
    'Content-Length: {length}',
  ], sdp),
  noReason: message(['SIP/2.0 100 ', 'Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe', 'Call-ID: noreason.asndj203insdf99223ndf', 'CSeq: 35 INVITE', 'From: <sip:user@example.com>;tag=39ansfi3', 'To: <sip:user@example.edu>;tag=902jndnke3', 'Content-Length: 0']),
  // RFC 5118: IPv6 references in the Request-URI, Via, Contact; an IPv4-mapped address; a scoped port.
  ipv6: message([
    'REGISTER sip:[2001:db8::10]:5070 SIP/2.0',
    'To: sip:user@example.com',
    'From: sip:user@example.com;tag=81x2',
    'Via: SIP/2.0/UDP [2001:db8::9:1]:5070;branch=z9hG4bKas3-111;received=[2001:db8::9:255]',
    'Call-ID: SSG9559905523997077@hlau_4100',
    'Max-Forwards: 70',
    'Contact: "Caller" <sip:caller@[2001:db8::1]>',
    'Contact: <sip:caller@[::ffff:192.0.2.1]:5060;transport=udp>',
    'CSeq: 98176 REGISTER',
    'Content-Length: 0',
  ]),
  telUri: message(['INVITE tel:+1-201-555-0123;phone-context=example.com SIP/2.0', ...dialog('INVITE'), 'Content-Length: 0']),
};

/** Malformed messages (RFC 4475 §3.1.2, §3.3; RFC 5118 §4.6–4.10): each must be refused, never accepted or thrown on. */
export const INVALID_MESSAGES: Record<string, Buffer> = {
  // §3.1.2.2 clerr: Content-Length larger than the message.
  contentLengthTooLarge: message(['INVITE sip:user@example.com SIP/2.0', ...dialog('INVITE'), 'Content-Type: application/sdp', 'Content-Length: 9999'], sdp),
  // §3.1.2.3 scalar02: numbers out of range.
  hugeNumbers: message(['REGISTER sip:example.com SIP/2.0', ...dialog('REGISTER').filter((line) => !/^(CSeq|Max-Forwards)/.test(line)), 'CSeq: 36893488147419103232 REGISTER', 'Max-Forwards: 300', 'Expires: 1' + '0'.repeat(30), 'Content-Length: 0']),
  // §3.1.2.5 ncl: a negative Content-Length.
  negativeContentLength: message(['INVITE sip:user@example.com SIP/2.0', ...dialog('INVITE'), 'Content-Length: -999'], sdp),
  // §3.1.2.6 unterminated quoted string (quotbal).
  unbalancedQuote: message(['INVITE sip:user@example.com SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1', 'Max-Forwards: 70', 'From: "Bell, Alexander <sip:a.g.bell@example.com>;tag=43', 'To: "Watson, Thomas" <sip:t.watson@example.org>', 'Call-ID: badinv01.0ha0isndaksdj', 'CSeq: 8 INVITE', 'Content-Length: 0']),
  // §3.1.2.7 ltgtruri: the Request-URI in angle brackets; §3.1.2.8 lwsruri: LWS inside it.
  bracketedRequestUri: message(['INVITE <sip:user@example.com> SIP/2.0', ...dialog('INVITE'), 'Content-Length: 0']),
  spaceInRequestUri: message(['INVITE sip:user@example.com; lr SIP/2.0', ...dialog('INVITE'), 'Content-Length: 0']),
  // §3.1.2.9 lwsstart: extra spaces in the Request-Line; §3.1.2.10 trws: trailing whitespace.
  extraSpaces: message(['INVITE  sip:user@example.com  SIP/2.0', ...dialog('INVITE'), 'Content-Length: 0']),
  trailingSpace: message(['OPTIONS sip:remote-target@example.com SIP/2.0  ', ...dialog('OPTIONS'), 'Content-Length: 0']),
  // §3.1.2.11 escruri: an unescaped space in a URI.
  unescapedSpace: message(['INVITE sip:user@example.com SIP/2.0', ...dialog('INVITE').filter((line) => !line.startsWith('To')), 'To: <sip:user with space@example.com>', 'Content-Length: 0']),
  // §3.1.2.14 regbadct: an unquoted comma in a Contact URI; §3.1.2.15 badaspec: a bare URI with <.
  badAddress: message(['REGISTER sip:example.com SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1', 'Max-Forwards: 70', 'From: sip:user@example.com;tag=998332', 'To: sip:user@example.com:5060;tag=1<sip:x>', 'Call-ID: regaspec.nasdfasser0q239nwsdfasdkl34', 'CSeq: 3923239 REGISTER', 'Contact: sip:user@host4.example.com;user=phone;x=y,z', 'l: 0']),
  // §3.1.2.16 baddn: an unquoted display name with non-token characters.
  badDisplayName: message(['OPTIONS sip:t.watson@example.org SIP/2.0', 'Via: SIP/2.0/UDP c.example.com:5060;branch=z9hG4bKkdjuw', 'Max-Forwards: 70', 'From: Bell, Alexander <sip:a.g.bell@example.com>;tag=43', 'To: Watson, Thomas <sip:t.watson@example.org>', 'Call-ID: baddn.31415@c.example.com', 'CSeq: 3 OPTIONS', 'Content-Length: 0']),
  // §3.1.2.17 badvers: SIP/7.0 (answered 505).
  badVersion: message(['OPTIONS sip:t.watson@example.org SIP/7.0', ...dialog('OPTIONS'), 'Content-Length: 0']),
  // §3.1.2.18 mismatch01: CSeq method differs from the request's.
  cseqMismatch: message(['OPTIONS sip:user@example.com SIP/2.0', ...dialog('INVITE'), 'Content-Length: 0']),
  // §3.1.2.19 bigcode: a status code out of range.
  bigStatus: message(['SIP/2.0 4294967301 better not break the receiver', 'Via: SIP/2.0/UDP 192.0.2.105;branch=z9hG4bK2398ndaoe', 'Call-ID: bigcode.asdof3uj203asdnf3429uasdhfas3ehjasdfas9i', 'CSeq: 353494 INVITE', 'From: <sip:user@example.com>;tag=39ansfi3', 'To: <sip:user@example.edu>;tag=902jndnke3', 'Content-Length: 0']),
  // §3.3.1 insuf: missing Call-ID, From, To, CSeq (each alone too).
  missingEverything: message(['INVITE sip:user@example.com SIP/2.0', 'Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1', 'Max-Forwards: 70', 'Content-Length: 0']),
  missingCallId: message(['INVITE sip:user@example.com SIP/2.0', ...dialog('INVITE').filter((line) => !line.startsWith('Call-ID')), 'Content-Length: 0']),
  missingCSeq: message(['INVITE sip:user@example.com SIP/2.0', ...dialog('INVITE').filter((line) => !line.startsWith('CSeq')), 'Content-Length: 0']),
  // §3.1.2.4 (and issue 14): a NUL byte in a header value.
  nulInHeader: message(['INVITE sip:user@example.com SIP/2.0', ...dialog('INVITE'), 'Subject: before\u0000after', 'Content-Length: 0']),
  // Two values in a single-value header (§3.1.2.12 multi-values).
  twoCallIds: message(['INVITE sip:user@example.com SIP/2.0', ...dialog('INVITE'), 'Call-ID: second@example.com', 'Content-Length: 0']),
  // RFC 5118 §4.6–4.8: an IPv6 reference without brackets, with a bad port, with two `::`.
  ipv6WithoutBrackets: message(['OPTIONS sip:user@2001:db8::10 SIP/2.0', ...dialog('OPTIONS'), 'Content-Length: 0']),
  ipv6BadReference: message(['OPTIONS sip:user@[2001:db8::10:5070 SIP/2.0', ...dialog('OPTIONS'), 'Content-Length: 0']),
  ipv6DoubleColons: message(['OPTIONS sip:user@[2001:db8:::192.0.2.1] SIP/2.0', 'Via: SIP/2.0/UDP [2001:db8::9::1];branch=z9hG4bK1', ...dialog('OPTIONS').slice(1), 'Content-Length: 0']),
  // Not SIP at all.
  notSip: Buffer.from('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n'),
};
