/**
 * SIP messages generated from RFC 3261's grammar (§25.1), with its legal
 * oddities switched on at random: compact header names, folding, odd
 * whitespace, escapes in URIs, quoted display names with escapes and
 * non-ASCII, IPv6 references, several values per list header, bodies with
 * exact, absent or wrong Content-Length.
 */
import * as fc from 'fast-check';

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]{1,10}$/;
const token = fc.stringMatching(TOKEN);
const word = fc.constantFrom('alice', 'bob', '101', '+380441234567', 'a.b', 'x_y', 'Z');
const method = fc.oneof(fc.constantFrom('INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'REGISTER', 'INFO', 'UPDATE', 'MESSAGE', 'NOTIFY', 'SUBSCRIBE', 'REFER', 'PRACK'), token);

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));
const ipv6 = fc.oneof(fc.ipV6(), fc.constantFrom('::1', '2001:db8::10', '::ffff:192.0.2.1', 'fe80::1'));
const hostName = fc.array(fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,6}$/), { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
const host = fc.oneof(hostName, ipv4, ipv6.map((address) => `[${address}]`));
const port = fc.option(fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom(0, 5060, 65536, 99999)), { nil: undefined });
const hostPort = fc.tuple(host, port).map(([name, number]) => (number === undefined ? name : `${name}:${number}`));

/** Unreserved characters with escapes, sometimes of bytes that must be escaped. */
const escaped = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9\-_.!~*'()&=+$,;?/]{1,6}$/) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }).map((byte) => `%${byte.toString(16).padStart(2, '0')}`) },
  ),
  { minLength: 1, maxLength: 4 },
).map((parts) => parts.join(''));

const uriParam = fc.oneof(
  fc.constantFrom(';lr', ';transport=udp', ';transport=TCP', ';user=phone', ';maddr=239.255.255.1', ';ttl=15', ';method=INVITE'),
  fc.tuple(token, fc.option(fc.stringMatching(/^[A-Za-z0-9\-_.!~*'()[\]/:&+$%]{0,8}$/))).map(([name, value]) => `;${name}${value === null ? '' : `=${value}`}`),
);
const uriHeaders = fc.option(fc.array(fc.tuple(token, escaped).map(([name, value]) => `${name}=${value}`), { minLength: 1, maxLength: 3 }).map((pairs) => `?${pairs.join('&')}`), { nil: '' });

export const sipUri = fc.oneof(
  { weight: 5, arbitrary: fc.tuple(fc.constantFrom('sip', 'sips', 'SIP'), fc.option(fc.oneof(word, escaped)), fc.option(escaped), hostPort, fc.array(uriParam, { maxLength: 3 }), uriHeaders).map(
    ([scheme, user, password, where, params, headers]) => `${scheme}:${user === null ? '' : `${user}${password === null ? '' : `:${password}`}@`}${where}${params.join('')}${headers}`,
  ) },
  { weight: 1, arbitrary: fc.tuple(fc.stringMatching(/^\+?[0-9\-.()]{1,12}$/), fc.array(uriParam, { maxLength: 2 })).map(([number, params]) => `tel:${number}${params.join('')}`) },
);

const quotedText = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.stringMatching(/^[ !#-[\]-~]{1,8}$/) },
    { weight: 1, arbitrary: fc.constantFrom('\\"', '\\\\', '\\x', 'Ключ', '日本', 'é', '@', '|', '%40', '<', '>', ',', ';', '\t') },
  ),
  { maxLength: 5 },
).map((parts) => `"${parts.join('')}"`);
const displayName = fc.oneof(quotedText, fc.array(token, { minLength: 1, maxLength: 3 }).map((tokens) => tokens.join(' ')));
const headerParams = fc.array(
  fc.oneof(
    fc.constantFrom(';tag=1928301774', ';expires=3600', ';q=0.7', ';+sip.instance="<urn:uuid:00000000-0000-1000-8000-000A95A0E128>"', ';reg-id=1'),
    fc.tuple(token, fc.option(fc.oneof(token, quotedText))).map(([name, value]) => `;${name}${value === null ? '' : `=${value}`}`),
  ),
  { maxLength: 3 },
).map((params) => params.join(''));

export const nameAddr = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(fc.option(displayName), fc.constantFrom('', ' ', '  '), sipUri, headerParams).map(([name, space, uri, params]) => `${name === null ? '' : `${name}${space}`}<${uri}>${params}`) },
  { weight: 1, arbitrary: fc.tuple(sipUri, headerParams).map(([uri, params]) => `${uri.replace(/[;?].*$/, '')}${params}`) },
);

const slash = fc.constantFrom('/', ' / ', '/ ');
export const via = fc
  .tuple(slash, slash, fc.constantFrom('UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'udp'), hostPort, fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~]{0,12}$/), fc.array(fc.constantFrom(';rport', ';rport=5062', ';received=192.0.2.1', ';received=[2001:db8::1]', ';maddr=10.0.0.1', ';ttl=1', ';alias'), { maxLength: 3 }))
  .map(([s1, s2, transport, where, branch, params]) => `SIP${s1}2.0${s2}${transport} ${where};branch=z9hG4bK${branch}${params.join('')}`);

const cseq = fc.tuple(fc.oneof(fc.nat(2 ** 31 - 1), fc.constantFrom(0, 2 ** 32, 1e20)), method).map(([seq, name]) => `${seq} ${name}`);
const callId = fc.oneof(fc.stringMatching(/^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]{1,24}$/), fc.tuple(token, host).map(([local, where]) => `${local}@${where}`));

interface Field {
  names: readonly string[];
  value: fc.Arbitrary<string>;
}

const MANDATORY: Field[] = [
  { names: ['Via', 'v', 'VIA'], value: fc.array(via, { minLength: 1, maxLength: 3 }).map((values) => values.join(', ')) },
  { names: ['From', 'f'], value: nameAddr },
  { names: ['To', 't'], value: nameAddr },
  { names: ['Call-ID', 'i', 'call-id'], value: callId },
  { names: ['Max-Forwards'], value: fc.oneof(fc.nat(255).map(String), fc.constantFrom('0068', '256', '-1', '')) },
];
const OPTIONAL: Field[] = [
  { names: ['Contact', 'm'], value: fc.oneof(fc.array(nameAddr, { minLength: 1, maxLength: 3 }).map((values) => values.join(', ')), fc.constant('*')) },
  { names: ['Route', 'Record-Route'], value: fc.array(fc.tuple(sipUri, fc.constant(';lr')).map(([uri]) => `<${uri}>`), { minLength: 1, maxLength: 3 }).map((values) => values.join(',')) },
  { names: ['Expires'], value: fc.oneof(fc.nat(100000).map(String), token) },
  { names: ['Allow', 'Supported', 'k', 'Require'], value: fc.array(token, { maxLength: 5 }).map((values) => values.join(', ')) },
  { names: ['Authorization', 'Proxy-Authorization', 'WWW-Authenticate'], value: fc.array(fc.tuple(token, fc.oneof(token, quotedText)).map(([name, value]) => `${name}=${value}`), { maxLength: 6 }).map((pairs) => `Digest ${pairs.join(',')}`) },
  { names: ['User-Agent', 'Subject', 's', 'X-Custom', 'Reason'], value: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { names: ['Content-Type', 'c'], value: fc.constantFrom('application/sdp', 'multipart/mixed;boundary=x', 'text/plain;charset="utf-8"') },
];

const headerLine = (field: Field) =>
  fc.tuple(fc.constantFrom(...field.names), fc.constantFrom(': ', ':', ' : ', ':\t'), field.value, fc.boolean()).map(([name, colon, value, fold]) => {
    const folded = fold ? value.replace(/ /, '\r\n ') : value;
    return `${name}${colon}${folded}`;
  });

const body = fc.oneof(fc.constant(''), fc.constant('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n'), fc.string({ maxLength: 40 }));
const contentLength = (length: number) => fc.oneof({ weight: 6, arbitrary: fc.constant(`Content-Length: ${length}`) }, { weight: 1, arbitrary: fc.constantFrom('', `l: ${length}`, `Content-Length: ${length + 1}`, 'Content-Length: -1', `Content-Length: 0${length}`) });

const startLine = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(method, sipUri).map(([name, uri]) => ({ line: `${name} ${uri} SIP/2.0`, method: name })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 100, max: 699 }), fc.oneof(fc.constantFrom('OK', 'Ringing', 'Session Progress', 'Busy Here', ''), fc.string({ unit: 'grapheme', maxLength: 20 }))).map(([status, reason]) => ({ line: `SIP/2.0 ${status} ${reason}`, method: undefined })) },
);

/** A whole message as bytes; mostly valid, every field drawn from its grammar. */
export const sipMessage: fc.Arbitrary<Buffer> = fc
  .tuple(
    startLine,
    fc.tuple(...MANDATORY.map((field) => fc.option(headerLine(field), { freq: 12, nil: undefined }))),
    fc.array(fc.oneof(...OPTIONAL.map(headerLine)), { maxLength: 5 }),
    cseq,
    fc.boolean(),
    body,
    fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
  )
  .chain(([start, mandatory, optional, sequence, matchingMethod, content, lineEnd]) =>
    contentLength(Buffer.byteLength(content)).map((length) => {
      const cseqLine = `CSeq: ${matchingMethod && start.method ? `${sequence.split(' ')[0]} ${start.method}` : sequence}`;
      const lines = [start.line, ...mandatory.filter((line) => line !== undefined), cseqLine, ...optional, length].filter((line) => line !== '');
      return Buffer.from(`${lines.join(lineEnd)}${lineEnd}${lineEnd}${content}`);
    }),
  );
