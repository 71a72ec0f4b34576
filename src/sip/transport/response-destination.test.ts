import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseVia, readSharedVia, SipHeaders, type SipResponse } from '../message/index.js';
import { responseDestination } from './response-destination.js';
import { stampReceived } from './via-received.js';

function responseWithVia(via: string): SipResponse {
  return { type: 'response', status: 200, reason: 'OK', headers: new SipHeaders().set('via', [via, 'SIP/2.0/UDP other.example.com']), body: Buffer.alloc(0) };
}

describe('stampReceived (RFC 3261 §18.2.1, RFC 3581)', () => {
  const source = { address: '203.0.113.7', port: 40123 };

  it('adds received when sent-by is not the source address, and leaves other Vias alone', () => {
    const headers = new SipHeaders().set('via', ['SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK1', 'SIP/2.0/UDP x;branch=z9hG4bK0']);
    stampReceived(headers, source);
    assert.deepEqual(headers.getAll('via'), ['SIP/2.0/UDP pc33.example.com:5060;branch=z9hG4bK1;received=203.0.113.7', 'SIP/2.0/UDP x;branch=z9hG4bK0']);
  });

  it('leaves the Via unchanged when sent-by is the source and rport was not asked for', () => {
    const headers = new SipHeaders().set('via', 'SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK1');
    stampReceived(headers, source);
    assert.equal(headers.get('via'), 'SIP/2.0/UDP 203.0.113.7:5060;branch=z9hG4bK1');
  });

  it('fills rport and always adds received when rport was asked for', () => {
    const headers = new SipHeaders().set('via', 'SIP/2.0/UDP 203.0.113.7:5060;rport;branch=z9hG4bK1');
    stampReceived(headers, source);
    assert.equal(headers.get('via'), 'SIP/2.0/UDP 203.0.113.7:5060;rport=40123;branch=z9hG4bK1;received=203.0.113.7');
  });

  it('leaves the Via read before stamping as it was, and the stamped one reads as its text parses', () => {
    const original = 'SIP/2.0/UDP pc33.example.com:5060;rport;branch=z9hG4bK2';
    const before = readSharedVia(original);
    const headers = new SipHeaders().set('via', original);
    stampReceived(headers, source);
    assert.deepEqual([...(before?.params ?? [])], [['rport', null], ['branch', 'z9hG4bK2']]);
    assert.equal(readSharedVia(original), before, 'a text read lately gives the same Via');
    const stamped = headers.get('via') ?? '';
    const parsed = parseVia(stamped);
    assert.ok(parsed.ok);
    assert.deepEqual(readSharedVia(stamped), parsed.value);
  });
});

describe('responseDestination (RFC 3261 §18.2.2, RFC 3581)', () => {
  it('UDP: received address and rport port', () => {
    assert.deepEqual(responseDestination(responseWithVia('SIP/2.0/UDP pc33.example.com:5070;received=192.0.2.1;rport=40000')), {
      transport: 'udp',
      address: '192.0.2.1',
      port: 40000,
    });
  });

  it('UDP: sent-by port without rport, 5060 without a port', () => {
    assert.deepEqual(responseDestination(responseWithVia('SIP/2.0/UDP 192.0.2.1:5070;branch=z9hG4bK1')), { transport: 'udp', address: '192.0.2.1', port: 5070 });
    assert.deepEqual(responseDestination(responseWithVia('SIP/2.0/UDP 192.0.2.1;rport')), { transport: 'udp', address: '192.0.2.1', port: 5060 });
  });

  it('UDP: the source of the request, even when the Via names another port and asks no rport (NAT)', () => {
    const response = responseWithVia('SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;received=203.0.113.7');
    assert.deepEqual(responseDestination(response, { transport: 'udp', address: '203.0.113.7', port: 40123 }), {
      transport: 'udp',
      address: '203.0.113.7',
      port: 40123,
    });
  });

  it('TCP: the connection of the request, else received at the sent-by port', () => {
    const response = responseWithVia('SIP/2.0/TCP pc33.example.com:5070;received=192.0.2.1;rport=40000');
    assert.deepEqual(responseDestination(response, { transport: 'tcp', address: '192.0.2.1', port: 40000, connectionId: 7 }), {
      transport: 'tcp',
      address: '192.0.2.1',
      port: 5070,
      connectionId: 7,
    });
  });

  it('TLS: the TLS connection of the request, else received at the sent-by port, 5061 without one', () => {
    const response = responseWithVia('SIP/2.0/TLS pc33.example.com;received=192.0.2.1;rport=40000');
    assert.deepEqual(responseDestination(response, { transport: 'tls', address: '192.0.2.1', port: 40000, connectionId: 8 }), { transport: 'tls', address: '192.0.2.1', port: 5061, connectionId: 8 });
    assert.deepEqual(responseDestination(response, { transport: 'tcp', address: '192.0.2.1', port: 40000, connectionId: 9 }), { transport: 'tls', address: '192.0.2.1', port: 5061 }, 'never a TCP connection');
  });

  it('nothing for a missing, malformed or unsupported top Via', () => {
    assert.equal(responseDestination(responseWithVia('SIP/2.0/SCTP 192.0.2.1')), undefined);
    assert.equal(responseDestination(responseWithVia('garbage')), undefined);
  });
});
