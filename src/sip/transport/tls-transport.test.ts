import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, createServer as createTlsServer, type Server, type TLSSocket } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { makeTestCertificates, type TestCertificates } from '../../../test/support/tls-certificates.js';
import { buildResponse, parseMessage, StreamFramer, type SipMessage, type SipRequest } from '../message/index.js';
import { TransportLayer } from './transport-layer.js';
import type { TlsCredentials, TlsFailure } from './tls-sockets.js';
import type { Source } from './types.js';

function options(transport: 'TLS', callId = 'tls-1'): Buffer {
  return Buffer.from(
    [
      'OPTIONS sip:bob@example.com SIP/2.0',
      `Via: SIP/2.0/${transport} 192.0.2.99:5099;branch=z9hG4bK-${callId};rport`,
      'Max-Forwards: 70',
      'From: <sip:alice@example.com>;tag=abc',
      'To: <sip:bob@example.com>',
      `Call-ID: ${callId}`,
      'CSeq: 1 OPTIONS',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
}

function outgoing(callId: string): SipMessage {
  const parsed = parseMessage(options('TLS', callId));
  assert.ok(parsed.ok);
  return parsed.message;
}

/** The SIP messages one TLS socket receives, in order. */
function messagesOf(socket: TLSSocket): () => Promise<SipMessage> {
  const framer = new StreamFramer();
  const received: SipMessage[] = [];
  let waiting: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (const item of framer.push(chunk)) {
      if (item.type !== 'message') continue;
      const parsed = parseMessage(item.data, { stream: true });
      if (parsed.ok) received.push(parsed.message);
    }
    waiting?.();
  });
  return async () => {
    while (received.length === 0) await new Promise<void>((resolve) => (waiting = resolve));
    return received.shift() as SipMessage;
  };
}

/** A TLS server on loopback with `certificate` that hands over every SIP message it receives. */
async function tlsPeer(certificate: { certPem: Buffer; keyPem: Buffer }): Promise<{ server: Server; port: number; next: () => Promise<SipMessage> }> {
  const server = createTlsServer({ cert: certificate.certPem, key: certificate.keyPem });
  let next: (() => Promise<SipMessage>) | undefined;
  const arrived = new Promise<void>((resolve) => {
    server.once('secureConnection', (socket: TLSSocket) => {
      next = messagesOf(socket);
      resolve();
    });
  });
  server.on('tlsClientError', () => {});
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  return { server, port, next: async () => (await arrived, next!()) };
}

// The timeouts only turn a hang into a failure; nothing here measures time.
describe('TLS transport on loopback', { timeout: 30_000 }, () => {
  let certificates: TestCertificates;
  let credentials: TlsCredentials;
  let layer: TransportLayer;
  const failures: TlsFailure[] = [];
  let tlsPort = 0;

  before(async () => {
    certificates = makeTestCertificates();
    credentials = { cert: certificates.trusted.certPem, key: certificates.trusted.keyPem, ca: certificates.trusted.certPem, requireClientCertificate: false };
    layer = new TransportLayer({ address: '127.0.0.1', port: 0, tls: { port: 0, credentials } });
    layer.on('tlsFailure', (failure) => failures.push(failure));
    await layer.listen();
    tlsPort = layer.localAddress('tls')?.port ?? 0;
  });

  after(async () => {
    await layer.close();
    certificates.remove();
  });

  it('listens beside UDP and TCP on a port of its own', () => {
    assert.ok(tlsPort > 0);
    assert.notEqual(tlsPort, layer.localAddress('tcp')?.port);
  });

  it('delivers a request that came over TLS with its connection, and answers over that connection', async () => {
    const client = connect({ host: '127.0.0.1', port: tlsPort, ca: certificates.trusted.certPem, servername: 'localhost' });
    const next = messagesOf(client);
    await once(client, 'secureConnect');
    const received = once(layer, 'message') as Promise<[SipRequest, Source]>;
    client.write(options('TLS'));
    const [request, source] = await received;
    assert.equal(source.transport, 'tls');
    assert.equal(source.port, client.localPort);
    assert.ok(source.connectionId !== undefined);
    assert.match(request.headers.get('via') ?? '', /^SIP\/2\.0\/TLS /);
    assert.match(request.headers.get('via') ?? '', /;received=127\.0\.0\.1/);
    assert.match(request.headers.get('via') ?? '', new RegExp(`;rport=${client.localPort}`));

    await layer.sendResponse(buildResponse(request, 200, 'OK', undefined, 'to-tag'), source);
    const response = await next();
    assert.ok(response.type === 'response' && response.status === 200, 'the 200 came back over the same TLS connection');
    client.destroy();
  });

  it('opens a connection to a server whose certificate names the host it was meant to be', async () => {
    const peer = await tlsPeer(certificates.trusted);
    try {
      await layer.send(outgoing('out-1'), { transport: 'tls', address: '127.0.0.1', port: peer.port, serverName: 'localhost' });
      const request = await peer.next();
      assert.equal(request.headers.get('call-id'), 'out-1');
    } finally {
      peer.server.close();
    }
  });

  it('refuses a server whose certificate is not signed by a CA it trusts, and reports that certificate', async () => {
    const peer = await tlsPeer(certificates.untrusted);
    const before = failures.length;
    try {
      await assert.rejects(layer.send(outgoing('out-2'), { transport: 'tls', address: '127.0.0.1', port: peer.port, serverName: 'localhost' }), /TLS connection to localhost:\d+ failed: .*self-signed/);
      const failure = failures.slice(before).find((candidate) => candidate.side === 'opened');
      assert.ok(failure, 'a failure was reported');
      assert.equal(failure.serverName, 'localhost');
      assert.match(failure.reason, /DEPTH_ZERO_SELF_SIGNED_CERT/);
      assert.match(failure.certificate?.subject ?? '', /CN=impostor/);
      assert.match(failure.certificate?.fingerprint256 ?? '', /^[0-9A-F:]+$/);
    } finally {
      peer.server.close();
    }
  });

  it('refuses a trusted certificate that does not name the host meant', async () => {
    const peer = await tlsPeer(certificates.trusted);
    try {
      await assert.rejects(
        layer.send(outgoing('out-3'), { transport: 'tls', address: '127.0.0.1', port: peer.port, serverName: 'sip.carrier.example' }),
        /does not name the host \(ERR_TLS_CERT_ALTNAME_INVALID\)/,
      );
    } finally {
      peer.server.close();
    }
  });
});

describe('TLS under sip.tcp limits', { timeout: 30_000 }, () => {
  it('one address gets only so many TLS connections, counted before their handshake; a silent one is closed', async () => {
    const certificates = makeTestCertificates();
    const credentials = { cert: certificates.trusted.certPem, key: certificates.trusted.keyPem, requireClientCertificate: false };
    const layer = new TransportLayer({ address: '127.0.0.1', port: 0, transports: ['udp'], tcp: { maxConnectionsPerAddress: 1, firstMessageTimeoutMs: 2000 }, tls: { port: 0, credentials } });
    await layer.listen();
    const port = layer.localAddress('tls')?.port ?? 0;
    const open = () => {
      const socket = connect({ host: '127.0.0.1', port, ca: certificates.trusted.certPem, servername: 'localhost' });
      socket.on('error', () => {});
      return socket;
    };
    try {
      const firstClosed = once(layer, 'connectionClosed') as Promise<[Source]>;
      const first = open();
      await once(first, 'secureConnect');
      const refused = open();
      await new Promise((resolve) => refused.once('close', resolve));
      assert.deepEqual(layer.refusedTcpConnections, { perAddress: 1, total: 0 });
      assert.equal(layer.tcpConnectionCount, 1);
      const [closed] = await firstClosed;
      assert.equal(closed.transport, 'tls');
      assert.equal(layer.tcpConnectionCount, 0, 'the connection that sent nothing was closed');
    } finally {
      await layer.close();
      certificates.remove();
    }
  });
});

describe('TLS with client certificates required', { timeout: 30_000 }, () => {
  it('refuses a peer without a certificate and accepts one the CA bundle signs', async () => {
    const certificates = makeTestCertificates();
    const layer = new TransportLayer({
      address: '127.0.0.1',
      port: 0,
      transports: ['udp'],
      tls: { port: 0, credentials: { cert: certificates.trusted.certPem, key: certificates.trusted.keyPem, ca: certificates.trusted.certPem, requireClientCertificate: true } },
    });
    const failures: TlsFailure[] = [];
    layer.on('tlsFailure', (failure) => failures.push(failure));
    await layer.listen();
    const port = layer.localAddress('tls')?.port ?? 0;
    try {
      const anonymous = connect({ host: '127.0.0.1', port, ca: certificates.trusted.certPem, servername: 'localhost' });
      anonymous.on('error', () => {});
      anonymous.write(options('TLS', 'anonymous'));
      // Not once(): the refused handshake emits 'error' first, which once() would turn into a rejection.
      await new Promise((resolve) => anonymous.once('close', resolve));
      assert.ok(failures.some((failure) => failure.side === 'accepted'), 'the refused handshake is reported');

      const signed = connect({ host: '127.0.0.1', port, ca: certificates.trusted.certPem, servername: 'localhost', cert: certificates.trusted.certPem, key: certificates.trusted.keyPem });
      const received = once(layer, 'message') as Promise<[SipRequest, Source]>;
      signed.write(options('TLS', 'signed'));
      const [request] = await received;
      assert.equal(request.headers.get('call-id'), 'signed');
      signed.destroy();
    } finally {
      await layer.close();
      certificates.remove();
    }
  });
});
