import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUri } from '../message/index.js';
import { defaultPort, uriTransport } from './uri-transport.js';

function transportOf(text: string): string {
  const parsed = parseUri(text);
  assert.ok(parsed.ok && parsed.value.scheme !== 'tel');
  return uriTransport(parsed.value as Parameters<typeof uriTransport>[0]);
}

test('a sips: URI is reached over TLS whatever its transport parameter; a sip: URI over the one it names, else UDP', () => {
  assert.equal(transportOf('sips:101@pbx.example'), 'tls');
  assert.equal(transportOf('sips:101@pbx.example;transport=tcp'), 'tls');
  assert.equal(transportOf('sip:101@pbx.example;transport=TLS'), 'tls');
  assert.equal(transportOf('sip:101@pbx.example;transport=tcp'), 'tcp');
  assert.equal(transportOf('sip:101@pbx.example'), 'udp');
  assert.equal(transportOf('sip:101@pbx.example;transport=sctp'), 'udp');
  assert.equal(defaultPort('tls'), 5061);
  assert.equal(defaultPort('tcp'), 5060);
});
