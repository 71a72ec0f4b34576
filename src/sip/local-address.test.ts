import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isIP } from 'node:net';
import { parseVia } from './message/index.js';
import { LocalAddress } from './local-address.js';

const ports = (transport: 'udp' | 'tcp') => (transport === 'udp' ? 5060 : 5080);
const UDP_PEER = { transport: 'udp', address: '192.0.2.10' } as const;
const TCP_PEER = { transport: 'tcp', address: '192.0.2.10' } as const;

test('a configured public address wins over the listen address', () => {
  const local = new LocalAddress({ listenAddress: '10.0.0.1', publicAddress: '203.0.113.5', portOf: ports });
  assert.deepEqual(local.of(UDP_PEER), { host: '203.0.113.5', port: 5060 });
  assert.deepEqual(local.of({ transport: 'tcp', address: '127.0.0.1' }), { host: '203.0.113.5', port: 5080 });
});

test('a specific listen address is used as is', () => {
  const local = new LocalAddress({ listenAddress: '10.0.0.1', portOf: ports });
  assert.deepEqual(local.of(UDP_PEER), { host: '10.0.0.1', port: 5060 });
});

test('behind a wildcard: loopback peers see the loopback address of their family', () => {
  const local = new LocalAddress({ listenAddress: '0.0.0.0', portOf: ports });
  assert.equal(local.of({ transport: 'udp', address: '127.0.0.1' }).host, '127.0.0.1');
  assert.equal(local.of({ transport: 'udp', address: '127.4.5.6' }).host, '127.0.0.1');
  assert.equal(local.of({ transport: 'udp', address: '::ffff:127.0.0.1' }).host, '127.0.0.1');
  assert.equal(local.of({ transport: 'udp', address: '::1' }).host, '::1');
});

test('behind a wildcard: other peers see an IPv4 address of this machine, the same every time', () => {
  const local = new LocalAddress({ listenAddress: '::', portOf: ports });
  const host = local.of(UDP_PEER).host;
  assert.equal(isIP(host), 4);
  assert.equal(local.of({ transport: 'udp', address: '198.51.100.7' }).host, host);
});

test('via: transport, sent-by, a branch with the magic cookie, rport; fresh branch each time', () => {
  const local = new LocalAddress({ listenAddress: '10.0.0.1', portOf: ports });
  const first = local.via(TCP_PEER);
  assert.match(first, /^SIP\/2\.0\/TCP 10\.0\.0\.1:5080;branch=z9hG4bK[^;]+;rport$/);
  const parsed = parseVia(first);
  assert.ok(parsed.ok);
  assert.equal(parsed.value.params.get('branch'), first.split('branch=')[1].split(';')[0]);
  assert.notEqual(local.via(TCP_PEER), first);
  assert.equal(local.via(UDP_PEER, 'z9hG4bK-given'), 'SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-given;rport');
});

test('contact: transport parameter only for TCP; IPv6 hosts bracketed', () => {
  const local = new LocalAddress({ listenAddress: '10.0.0.1', portOf: ports });
  assert.equal(local.contact(UDP_PEER), '<sip:callrouter@10.0.0.1:5060>');
  assert.equal(local.contact(TCP_PEER, '100'), '<sip:100@10.0.0.1:5080;transport=tcp>');
  const v6 = new LocalAddress({ listenAddress: '2001:db8::1', portOf: ports });
  assert.equal(v6.contact(UDP_PEER), '<sip:callrouter@[2001:db8::1]:5060>');
});
