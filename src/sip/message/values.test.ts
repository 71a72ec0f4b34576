import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatContact,
  formatNameAddr,
  formatUri,
  formatVia,
  parseContact,
  parseCSeq,
  parseNameAddr,
  parseUri,
  parseVia,
  quote,
  splitList,
  type Parsed,
} from './index.js';

function value<T>(parsed: Parsed<T>): T {
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.reason);
  return parsed.value;
}

describe('parseUri / formatUri', () => {
  it('reads every part of a sip URI', () => {
    const uri = value(parseUri('sips:alice:secret@atlanta.example.com:5061;transport=TCP;lr?subject=project%20x&priority=urgent'));
    assert.deepEqual(
      { ...uri, params: [...uri.params], headers: [...uri.headers] },
      {
        scheme: 'sips',
        user: 'alice',
        password: 'secret',
        host: 'atlanta.example.com',
        port: 5061,
        params: [['transport', 'TCP'], ['lr', null]],
        headers: [['subject', 'project x'], ['priority', 'urgent']],
      },
    );
  });

  it('resolves escapes and writes them back only where needed', () => {
    const uri = value(parseUri('sip:%61lice%20b;day=tuesday@example.com;x=%5Bv%5D'));
    assert.equal(uri.user, 'alice b;day=tuesday');
    assert.equal(uri.params.get('x'), '[v]');
    assert.equal(formatUri(uri), 'sip:alice%20b;day=tuesday@example.com;x=[v]');
    assert.equal(value(parseUri('sip:null-%00-null@example.com')).user, 'null-\u0000-null');
  });

  it('reads IPv6 references and tel URIs', () => {
    const ipv6 = value(parseUri('sip:[2001:db8::10]:5070;maddr=[2001:db8::1]'));
    assert.deepEqual([ipv6.host, ipv6.port, ipv6.params.get('maddr')], ['2001:db8::10', 5070, '[2001:db8::1]']);
    assert.equal(formatUri(ipv6), 'sip:[2001:db8::10]:5070;maddr=[2001:db8::1]');
    const tel = value(parseUri('tel:+1-201-555-0123;phone-context=example.com'));
    assert.deepEqual([tel.scheme, tel.host, tel.params.get('phone-context')], ['tel', '+1-201-555-0123', 'example.com']);
    assert.equal(formatUri(tel), 'tel:+1-201-555-0123;phone-context=example.com');
    // RFC 3966 has no URI headers: taken as headers, a "?" part would be lost when the URI is written out again.
    for (const text of ['tel:+1-201-555-01?23;phone-context=example.com', 'tel:+?m']) assert.equal(parseUri(text).ok, false, text);
  });

  it('refuses malformed IPv6 references (RFC 5118 §4.8, §4.9)', () => {
    for (const text of ['sip:[2001:db8:::192.0.2.1]', 'sip:[2001:db8::9::1]', 'sip:[::1::]', 'sip:[1:2:3:4:5:6:7:8:9]', 'sip:[:::]']) {
      assert.equal(parseUri(text).ok, false, text);
    }
    assert.equal(value(parseUri('sip:[::ffff:192.0.2.1]')).host, '::ffff:192.0.2.1');
  });

  it('round-trips a URI through format and parse', () => {
    for (const text of ['sip:example.com', 'sip:101@192.0.2.10:5060;transport=udp', 'sips:a%40b@[::1]', 'sip:x@h;lr?h=v']) {
      assert.equal(formatUri(value(parseUri(text))), text);
    }
  });

  it('rejects malformed URIs with a reason', () => {
    const cases: Array<[string, string]> = [
      ['http://example.com', 'uri-scheme'],
      ['example.com', 'uri-scheme'],
      ['sip:', 'header-value'],
      ['sip:a@[::1', 'header-value'],
      ['sip:a@host:99999', 'header-value'],
      ['sip:a@host:12ab', 'header-value'],
      ['sip:a b@host', 'header-value'],
      ['sip:a%4@host', 'header-value'],
      ['sip:a@host;=x', 'header-value'],
    ];
    for (const [text, code] of cases) {
      const parsed = parseUri(text);
      assert.equal(parsed.ok, false, text);
      if (!parsed.ok) assert.equal(parsed.error.code, code, text);
    }
  });
});

describe('parseNameAddr / parseContact', () => {
  it('reads quoted and token display names, with header params outside <>', () => {
    const quoted = value(parseNameAddr('"J Rosenberg \\\\\\"" <sip:jdrosen@example.com;transport=tcp>;tag=98asjd8'));
    assert.equal(quoted.displayName, 'J Rosenberg \\"');
    assert.equal(quoted.uri.params.get('transport'), 'tcp');
    assert.equal(quoted.params.get('tag'), '98asjd8');
    const token = value(parseNameAddr('Bob  Smith <sip:bob@example.com>'));
    assert.equal(token.displayName, 'Bob  Smith');
  });

  it('gives the parameters after a bare addr-spec to the header, not the URI', () => {
    const bare = value(parseNameAddr('sip:alice@example.com;tag=1928301774'));
    assert.equal(bare.uri.params.size, 0);
    assert.equal(bare.params.get('tag'), '1928301774');
  });

  it('keeps quoted parameter values, including < and > inside them', () => {
    const contact = value(parseContact('<sip:101@192.0.2.10>;+sip.instance="<urn:uuid:1>";expires=60'));
    assert.notEqual(contact, '*');
    if (contact === '*') return;
    assert.equal(contact.params.get('+sip.instance'), '"<urn:uuid:1>"');
    assert.equal(formatContact(contact), '<sip:101@192.0.2.10>;+sip.instance="<urn:uuid:1>";expires=60');
  });

  it('reads the * Contact of an unregister', () => {
    assert.equal(value(parseContact(' * ')), '*');
    assert.equal(formatContact('*'), '*');
    assert.equal(parseNameAddr('*').ok, false);
  });

  it('writes the <uri> form with a quoted display name', () => {
    const named = value(parseNameAddr('"Alice \\"A\\"" <sip:alice@example.com>;tag=x'));
    assert.equal(formatNameAddr(named), '"Alice \\"A\\"" <sip:alice@example.com>;tag=x');
  });

  it('writes control characters in a display name as quoted-pairs, and NUL, CR, LF as spaces', () => {
    const written = formatNameAddr({ displayName: 'A\u0007B\r\nC\u0000D\u007f', uri: { scheme: 'sip', host: 'example.com', params: new Map(), headers: new Map() }, params: new Map() });
    assert.equal(written, '"A\\\u0007B  C D\\\u007f" <sip:example.com>');
    assert.equal(value(parseNameAddr(written)).displayName, 'A\u0007B  C D\u007f');
  });

  it('rejects malformed addresses', () => {
    for (const text of ['"Alice <sip:a@b>', '<sip:a@b', '"Alice" sip:a@b', '<sip:a@b> junk', '<sip:a@b>;tag=', 'sip:a@b;;', 'Alice "the" <sip:a@b>']) {
      assert.equal(parseNameAddr(text).ok, false, text);
    }
  });
});

describe('parseVia / formatVia', () => {
  it('reads sent-protocol, sent-by and parameters', () => {
    const via = value(parseVia('SIP / 2.0 / tcp [2001:db8::9:1]:5070 ; branch=z9hG4bK77; received=2001:db8::9:255;rport'));
    assert.deepEqual([via.transport, via.host, via.port], ['TCP', '2001:db8::9:1', 5070]);
    assert.deepEqual([...via.params], [['branch', 'z9hG4bK77'], ['received', '2001:db8::9:255'], ['rport', null]]);
    assert.equal(formatVia(via), 'SIP/2.0/TCP [2001:db8::9:1]:5070;branch=z9hG4bK77;received=2001:db8::9:255;rport');
  });

  it('rejects what is not a SIP/2.0 Via', () => {
    for (const text of ['SIP/2.0/UDP', 'SIP/3.0/UDP host', 'SIP/2.0UDP host', 'SIP/2.0/UDPhost', 'SIP/2.0/UDP host:port', 'SIP/2.0/UDP host;branch="x']) {
      assert.equal(parseVia(text).ok, false, text);
    }
  });
});

describe('parseCSeq and splitList', () => {
  it('reads CSeq and rejects malformed ones', () => {
    assert.deepEqual(value(parseCSeq(' 0009  INVITE ')), { seq: 9, method: 'INVITE' });
    for (const text of ['INVITE', '1', '-1 INVITE', '2147483648 INVITE', '1 INV ITE', '1.5 INVITE']) assert.equal(parseCSeq(text).ok, false, text);
  });

  it('splits only on commas outside quotes and <>', () => {
    assert.deepEqual(splitList('"a, \\"b" <sip:x@h;p=1,2>;q=1, <sip:y@h> ,, sip:z@h'), ['"a, \\"b" <sip:x@h;p=1,2>;q=1', '<sip:y@h>', 'sip:z@h']);
  });
});

describe('quote', () => {
  it('quotes every character as the escaping rules say, with or without anything to escape', () => {
    const escapedAsBefore = (text: string) => `"${text.replace(/[\0\r\n]/g, ' ').replace(/["\\\x01-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '\\$&')}"`;
    for (let code = 0; code < 0x100; code++) {
      const text = `Al${String.fromCharCode(code)}ce`;
      assert.equal(quote(text), escapedAsBefore(text), `code ${code}`);
    }
    for (const text of ['', 'Alice Smith', 'Łukasz 日本', 'tab\there', 'a"b\\c', 'x\r\ny']) assert.equal(quote(text), escapedAsBefore(text), JSON.stringify(text));
  });
});
