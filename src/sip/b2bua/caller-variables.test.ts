import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNameAddr, type NameAddr, type SipRequest } from '../message/index.js';
import type { Source } from '../transport/index.js';
import { callerVariables } from './caller-variables.js';
import type { CallOrigin } from '../../call/origin.js';
import { sipRequest } from '../../../test/support/sip/transaction-doubles.js';

const SOURCE: Source = { transport: 'udp', address: '192.0.2.10', port: 5062 };

function invite(fields: { uri?: string; from?: string; to?: string; extra?: string } = {}): SipRequest {
  return sipRequest(`INVITE ${fields.uri ?? 'sip:200@example.com'} SIP/2.0
Via: SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK-cv
Max-Forwards: 70
From: ${fields.from ?? '"Agent 100" <sip:100@example.com>;tag=f1'}
To: ${fields.to ?? '<sip:200@example.com>'}
Call-ID: cv-1@192.0.2.10
CSeq: 1 INVITE
Contact: <sip:100@192.0.2.10:5062>
${fields.extra ?? ''}Content-Length: 0

`);
}

function nameAddr(text: string | undefined): NameAddr {
  const parsed = parseNameAddr(text ?? '');
  assert.ok(parsed.ok, `name-addr parses: ${text}`);
  return parsed.value;
}

function variablesOf(request: SipRequest, origin: CallOrigin): Record<string, string> {
  return callerVariables({
    request,
    source: SOURCE,
    from: nameAddr(request.headers.get('from')),
    to: nameAddr(request.headers.get('to')),
    origin,
    maxForwards: 69,
  });
}

const USER: CallOrigin = { kind: 'user', domain: 'example.com', userId: '100' };

test('caller ID, destination and SIP details of a call from a user', () => {
  const variables = variablesOf(invite({ extra: 'User-Agent: Phone/1.0\n' }), USER);
  assert.equal(variables.caller_id_number, '100');
  assert.equal(variables.caller_id_name, 'Agent 100');
  assert.equal(variables.destination_number, '200');
  assert.equal(variables.direction, 'inbound');
  assert.equal(variables.webitel_direction, 'internal');
  assert.equal(variables.domain_name, 'example.com');
  assert.equal(variables.presence_id, '100@example.com');
  assert.equal(variables.sip_call_id, 'cv-1@192.0.2.10');
  assert.equal(variables.sip_from_user, '100');
  assert.equal(variables.sip_to_user, '200');
  assert.equal(variables.sip_req_user, '200');
  assert.equal(variables.sip_network_ip, '192.0.2.10');
  assert.equal(variables.sip_network_port, '5062');
  assert.equal(variables.sip_transport, 'udp');
  assert.equal(variables.sip_user_agent, 'Phone/1.0');
  assert.equal(variables.sip_gateway_name, undefined);
});

test('without a display name the caller ID name is the number', () => {
  const variables = variablesOf(invite({ from: '<sip:100@example.com>;tag=f1' }), USER);
  assert.equal(variables.caller_id_name, '100');
});

test('the destination is the Request-URI user, not the To user', () => {
  const variables = variablesOf(invite({ uri: 'sip:300@example.com', to: '<sip:200@example.com>' }), USER);
  assert.equal(variables.destination_number, '300');
});

test('the caller\'s headers are exposed as sip_h_<Name>, never credentials or hop headers', () => {
  const request = invite({
    extra: [
      'X-Foo: bar',
      'P-Asserted-Identity: <sip:+380441234567@carrier.example>',
      'Authorization: Digest username="100", realm="example.com", nonce="n", uri="sip:200@example.com", response="r"',
      'Proxy-Authorization: Digest username="100", realm="example.com", nonce="n", uri="sip:200@example.com", response="r"',
      'Record-Route: <sip:p1.example.com;lr>',
      '',
    ].join('\n'),
  });
  const variables = variablesOf(request, USER);
  assert.equal(variables['sip_h_X-Foo'], 'bar');
  assert.equal(variables['sip_h_P-Asserted-Identity'], '<sip:+380441234567@carrier.example>');
  const names = Object.keys(variables).filter((name) => name.startsWith('sip_h_')).map((name) => name.toLowerCase());
  for (const hidden of ['authorization', 'proxy-authorization', 'via', 'from', 'to', 'call-id', 'cseq', 'contact', 'max-forwards', 'record-route', 'content-length']) {
    assert.ok(!names.includes(`sip_h_${hidden}`), `sip_h_${hidden} must not be exposed`);
  }
  for (const value of Object.values(variables)) assert.doesNotMatch(value, /Digest/);
});

test('a gateway call to our registered account takes the number from To', () => {
  const origin: CallOrigin = { kind: 'gateway', domain: 'example.com', gateway: 'carrier', account: 'acct77' };
  const variables = variablesOf(invite({ uri: 'sip:acct77@198.51.100.1', to: '<sip:380441234567@carrier.example>', from: '<sip:0501112233@carrier.example>;tag=g' }), origin);
  assert.equal(variables.destination_number, '380441234567');
  assert.equal(variables.caller_id_number, '0501112233');
  assert.equal(variables.sip_gateway_name, 'carrier');
  assert.equal(variables.webitel_direction, 'inbound');
  assert.equal(variables.domain_name, 'example.com');
  assert.equal(variables.presence_id, undefined);
});

test('a gateway call to a DID keeps the Request-URI user', () => {
  const origin: CallOrigin = { kind: 'gateway', domain: 'example.com', gateway: 'carrier', account: 'acct77' };
  const variables = variablesOf(invite({ uri: 'sip:380449999999@198.51.100.1', to: '<sip:380441234567@carrier.example>' }), origin);
  assert.equal(variables.destination_number, '380449999999');
});

test('an anonymous call has no domain_name; tel: URIs give their number', () => {
  const variables = variablesOf(invite({ uri: 'tel:+380441234567', from: '<tel:+380501112233>;tag=t' }), { kind: 'anonymous' });
  assert.equal(variables.domain_name, undefined);
  assert.equal(variables.destination_number, '+380441234567');
  assert.equal(variables.caller_id_number, '+380501112233');
});

const CARRIER: CallOrigin = { kind: 'gateway', domain: 'example.com', gateway: 'carrier' };

test('a carrier’s P-Asserted-Identity names the caller when From is withheld, as FreeSWITCH reads it', () => {
  const request = invite({
    from: '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=c1',
    extra: 'P-Asserted-Identity: <sip:+79161234567;npdi@carrier.example;user=phone>, <tel:+79161234567>\nPrivacy: id\n',
  });
  const variables = variablesOf(request, CARRIER);
  assert.equal(variables.caller_id_number, '+79161234567', 'the first asserted identity, without its user parameters');
  assert.equal(variables.caller_id_name, 'Anonymous', 'From’s display name stays when the assertion has none');
  assert.equal(variables.sip_cid_type, 'pid');
  assert.equal(variables['sip_P-Asserted-Identity'], '+79161234567;npdi');
  assert.equal(variables.sip_from_user, 'anonymous', 'From itself is still there');
});

test('Remote-Party-ID, then P-Asserted-Identity, then P-Preferred-Identity: the later wins, a tel: URI too', () => {
  const rpidOnly = variablesOf(invite({ extra: 'Remote-Party-ID: "Ivan" <sip:4951112233@carrier.example>;party=calling;screen=yes\n' }), CARRIER);
  assert.deepEqual([rpidOnly.caller_id_number, rpidOnly.caller_id_name, rpidOnly.sip_cid_type], ['4951112233', 'Ivan', 'rpid']);
  assert.match(rpidOnly['sip_Remote-Party-ID'], /^"Ivan" <sip:4951112233@carrier\.example>;party=calling/);
  const both = variablesOf(invite({ extra: 'Remote-Party-ID: <sip:111@carrier.example>\nP-Asserted-Identity: "Asserted" <tel:+222>\n' }), CARRIER);
  assert.deepEqual([both.caller_id_number, both.caller_id_name, both.sip_cid_type], ['+222', 'Asserted', 'pid']);
  const preferred = variablesOf(invite({ extra: 'P-Asserted-Identity: <sip:222@carrier.example>\nP-Preferred-Identity: <sip:333@carrier.example>\n' }), CARRIER);
  assert.equal(preferred.caller_id_number, '333');
});

test('asserted identities from a phone or an unknown peer are not trusted; one that does not parse is passed over', () => {
  const spoofing = invite({ extra: 'P-Asserted-Identity: <sip:+79160000000@evil.example>\n' });
  assert.equal(variablesOf(spoofing, USER).caller_id_number, '100');
  assert.equal(variablesOf(spoofing, { kind: 'anonymous' }).caller_id_number, '100');
  const broken = variablesOf(invite({ extra: 'P-Asserted-Identity: <<not an address\n' }), CARRIER);
  assert.equal(broken.caller_id_number, '100');
  assert.equal(broken.sip_cid_type, undefined);
});

test('caller ID privacy (CLIR): Privacy: id or an anonymous From hide both; a carrier\'s Remote-Party-ID privacy=name only the name', () => {
  const hidden = (variables: Record<string, string>) => [variables.privacy_hide_name, variables.privacy_hide_number];
  assert.deepEqual(hidden(variablesOf(invite({ extra: 'Privacy: id;critical\n' }), USER)), ['true', 'true'], 'a phone asks to withhold its number');
  assert.deepEqual(hidden(variablesOf(invite({ from: '"Anonymous" <sip:anonymous@anonymous.invalid>;tag=f1', extra: 'P-Asserted-Identity: <sip:+380671234567@carrier.example>\n' }), CARRIER)), ['true', 'true']);
  assert.deepEqual(hidden(variablesOf(invite({ extra: 'Remote-Party-ID: "Ann" <sip:0671234567@carrier.example>;party=calling;privacy=name\n' }), CARRIER)), ['true', undefined]);
  assert.deepEqual(hidden(variablesOf(invite({ extra: 'Privacy: none\n' }), USER)), [undefined, undefined]);
  assert.deepEqual(hidden(variablesOf(invite(), USER)), [undefined, undefined]);
});
