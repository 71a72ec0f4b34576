import assert from 'node:assert/strict';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildResponse, parseMessage, parseVia, StreamFramer, type SipMessage, type SipResponse } from '../message/index.js';
import { TransportLayer } from './transport-layer.js';
import type { TcpOptions } from './stream-transport.js';
import type { MalformedInput, Source } from './types.js';

function options(transport: 'UDP' | 'TCP', opts: { sentBy?: string; omit?: string; method?: string; callId?: string } = {}): Buffer {
  const method = opts.method ?? 'OPTIONS';
  const headers = [
    `Via: SIP/2.0/${transport} ${opts.sentBy ?? '192.0.2.99:5099'};branch=z9hG4bK-test;rport`,
    'Max-Forwards: 70',
    'From: <sip:alice@example.com>;tag=abc',
    'To: <sip:bob@example.com>',
    `Call-ID: ${opts.callId ?? 'call-1'}`,
    `CSeq: 1 ${method}`,
    'Content-Length: 0',
  ].filter((header) => !opts.omit || !header.startsWith(opts.omit));
  return Buffer.from([`${method} sip:bob@example.com SIP/2.0`, ...headers, '', ''].join('\r\n'));
}

function parsedResponse(data: Buffer): SipResponse {
  const result = parseMessage(data);
  assert.ok(result.ok && result.message.type === 'response', 'expected a response');
  return result.message as SipResponse;
}

/** Reads framed SIP messages and pongs from a client socket. */
class TcpClient {
  readonly socket: Socket;
  readonly #framer = new StreamFramer();
  readonly #received: Array<SipMessage | 'pong'> = [];
  #waiting: (() => void) | undefined;

  constructor(port: number, localAddress?: string) {
    this.socket = connect({ host: '127.0.0.1', port, localAddress });
    this.socket.on('data', (chunk: Buffer) => {
      if (chunk.toString() === '\r\n') this.#received.push('pong');
      for (const item of this.#framer.push(chunk)) {
        if (item.type === 'message') {
          const result = parseMessage(item.data, { stream: true });
          if (result.ok) this.#received.push(result.message);
        }
      }
      this.#waiting?.();
    });
    this.socket.on('error', () => {});
  }

  async next(): Promise<SipMessage | 'pong'> {
    while (this.#received.length === 0) await new Promise<void>((resolve) => (this.#waiting = resolve));
    return this.#received.shift() as SipMessage | 'pong';
  }

  async closed(): Promise<void> {
    // Not once(): a reset connection emits 'error' first, which once() would turn into a rejection.
    if (!this.socket.closed) await new Promise((resolve) => this.socket.once('close', resolve));
  }
}

// The timeout only turns a hang (a missing answer) into a failure; nothing here measures time.
describe('TransportLayer on loopback', { timeout: 20_000 }, () => {
  const layer = new TransportLayer({ address: '127.0.0.1', port: 0, tcp: { idleTimeoutMs: 60_000 } });
  const malformed: MalformedInput[] = [];
  let udpPort = 0;
  let tcpPort = 0;
  let udpClient: UdpSocket;

  before(async () => {
    layer.on('malformed', (input) => malformed.push(input));
    await layer.listen();
    udpPort = layer.localAddress('udp')?.port ?? 0;
    tcpPort = layer.localAddress('tcp')?.port ?? 0;
    udpClient = createSocket('udp4');
    await new Promise<void>((resolve) => udpClient.bind(0, '127.0.0.1', resolve));
  });

  after(async () => {
    udpClient.close();
    await layer.close();
  });

  const nextMessage = () => once(layer, 'message') as Promise<[SipMessage, Source]>;

  async function assertStillDeliversThenClose(client: TcpClient, callId: string): Promise<void> {
    const arrived = nextMessage();
    client.socket.write(options('TCP', { callId }));
    assert.equal((await arrived)[0].headers.get('call-id'), callId);
    client.socket.destroy();
    await client.closed();
  }
  const nextDatagram = async () => parsedResponse(((await once(udpClient, 'message')) as [Buffer])[0]);

  it('UDP: stamps received/rport and routes the response to the source port, not the sent-by port', async () => {
    const arrived = nextMessage();
    udpClient.send(options('UDP'), udpPort, '127.0.0.1');
    const [request, source] = await arrived;
    const clientPort = udpClient.address().port;
    assert.deepEqual(source, { transport: 'udp', address: '127.0.0.1', port: clientPort });
    const via = parseVia(request.headers.get('via') ?? '');
    assert.ok(via.ok);
    assert.equal(via.value.params.get('received'), '127.0.0.1');
    assert.equal(via.value.params.get('rport'), String(clientPort));

    const answered = nextDatagram();
    await layer.sendResponse(buildResponse(request, 200), source);
    assert.equal((await answered).status, 200);
  });

  it('UDP: answers a request missing Max-Forwards with 400, ignores CRLF keep-alives and drops garbage', async () => {
    const before = layer.stats.malformed;
    udpClient.send(Buffer.from('\r\n\r\n'), udpPort, '127.0.0.1');
    udpClient.send(Buffer.from('\u0000\u0001 not sip at all\r\n\r\n'), udpPort, '127.0.0.1');
    const answered = nextDatagram();
    udpClient.send(options('UDP', { omit: 'Max-Forwards' }), udpPort, '127.0.0.1');
    // Loopback keeps datagram order: the first answer is for the last datagram, so the garbage got none.
    const response = await answered;
    assert.equal(response.status, 400);
    assert.equal(response.reason, 'Missing Max-Forwards header');
    assert.match(response.headers.get('to') ?? '', /;tag=/);
    assert.equal(layer.stats.malformed, before + 2);
    assert.deepEqual(
      malformed.slice(-2).map((input) => [input.code, input.answered]),
      [
        ['start-line', false],
        ['missing-header', true],
      ],
    );
  });

  it('UDP: answers a request missing Call-ID, From, To or CSeq with 400 naming it, to its Via (RFC 4475 §3.3.1)', async () => {
    for (const name of ['Call-ID', 'From', 'To', 'CSeq']) {
      const answered = once(udpClient, 'message') as Promise<[Buffer]>;
      udpClient.send(options('UDP', { omit: `${name}:` }), udpPort, '127.0.0.1');
      const text = (await answered)[0].toString();
      assert.equal(text.slice(0, text.indexOf('\r\n')), `SIP/2.0 400 Missing ${name} header`);
      assert.match(text, /\r\nVia: SIP\/2\.0\/UDP 192\.0\.2\.99:5099;branch=z9hG4bK-test;rport=\d+;received=127\.0\.0\.1\r\n/);
      assert.deepEqual(malformed.at(-1) && [malformed.at(-1)?.code, malformed.at(-1)?.answered], ['missing-header', true]);
    }
  });

  it('UDP: reads datagrams up to 65,507 bytes; a request with an 8 KB header is delivered', async () => {
    for (const size of [8192, 65_507]) {
      const request = options('UDP', { callId: `big-${size}` });
      const padding = size - request.length - 'X-Pad: \r\n'.length;
      const big = Buffer.from(request.toString().replace('Content-Length: 0', `X-Pad: ${'p'.repeat(padding)}\r\nContent-Length: 0`));
      assert.equal(big.length, size);
      const arrived = nextMessage();
      udpClient.send(big, udpPort, '127.0.0.1');
      assert.equal((await arrived)[0].headers.get('call-id'), `big-${size}`);
    }
  });

  it('UDP: never answers a malformed ACK', async () => {
    const answered = nextDatagram();
    udpClient.send(options('UDP', { method: 'ACK', omit: 'Max-Forwards' }), udpPort, '127.0.0.1');
    udpClient.send(options('UDP', { method: 'INFO', omit: 'Max-Forwards' }), udpPort, '127.0.0.1');
    assert.equal((await answered).headers.get('cseq'), '1 INFO');
  });

  it('TCP: responds over the request connection and reuses it for a request to the same peer', async () => {
    const client = new TcpClient(tcpPort);
    await once(client.socket, 'connect');
    const arrived = nextMessage();
    client.socket.write(options('TCP'));
    const [request, source] = await arrived;
    assert.equal(source.transport, 'tcp');
    assert.ok(source.connectionId !== undefined);

    await layer.sendResponse(buildResponse(request, 200), source);
    const response = await client.next();
    assert.ok(response !== 'pong' && response.type === 'response' && response.status === 200);

    const connections = layer.tcpConnectionCount;
    await layer.send(request, { transport: 'tcp', address: source.address, port: source.port });
    const reused = await client.next();
    assert.ok(reused !== 'pong' && reused.type === 'request');
    assert.equal(layer.tcpConnectionCount, connections);
    client.socket.destroy();
    await client.closed();
  });

  it('TCP: answers a double-CRLF ping with a single CRLF pong', async () => {
    const client = new TcpClient(tcpPort);
    client.socket.write('\r\n\r\n');
    assert.equal(await client.next(), 'pong');
    client.socket.destroy();
    await client.closed();
  });

  it('TCP: answers a well-framed malformed request with 400 and keeps the connection', async () => {
    const client = new TcpClient(tcpPort);
    client.socket.write(options('TCP', { omit: 'Max-Forwards' }));
    const response = await client.next();
    assert.ok(response !== 'pong' && response.type === 'response' && response.status === 400);
    await assertStillDeliversThenClose(client, 'after-400');
  });

  it('TCP: disconnects a garbage client and an oversized one while another connection keeps working', async () => {
    const good = new TcpClient(tcpPort);
    const garbage = new TcpClient(tcpPort);
    const oversized = new TcpClient(tcpPort);
    await Promise.all([once(good.socket, 'connect'), once(garbage.socket, 'connect'), once(oversized.socket, 'connect')]);
    garbage.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    oversized.socket.write(`OPTIONS sip:bob@example.com SIP/2.0\r\nX-Pad: ${'a'.repeat(70_000)}`);
    await Promise.all([garbage.closed(), oversized.closed()]);
    assert.ok(malformed.some((input) => input.disconnected && input.code === 'start-line'));
    assert.ok(malformed.some((input) => input.disconnected && input.code === 'too-large'));
    await assertStillDeliversThenClose(good, 'still-working');
  });

  it('TCP: opens one connection to a peer for outgoing requests and reuses it', async () => {
    const accepted: Socket[] = [];
    const peer = createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve));
    const port = (peer.address() as { port: number }).port;
    const request = parseMessage(options('TCP'));
    assert.ok(request.ok);
    await Promise.all([
      layer.send(request.message, { transport: 'tcp', address: '127.0.0.1', port }),
      layer.send(request.message, { transport: 'tcp', address: '127.0.0.1', port }),
    ]);
    await layer.send(request.message, { transport: 'tcp', address: '127.0.0.1', port });
    assert.equal(accepted.length, 1);
    for (const socket of accepted) socket.destroy();
    await new Promise<void>((resolve) => peer.close(() => resolve()));
  });

  it('rejects a send to a TCP peer that is not listening', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as { port: number }).port;
        probe.close(() => resolve(port));
      });
    });
    const request = parseMessage(options('TCP'));
    assert.ok(request.ok);
    await assert.rejects(layer.send(request.message, { transport: 'tcp', address: '127.0.0.1', port: closedPort }));
  });
});

describe('TransportLayer TCP idle timeout', { timeout: 20_000 }, () => {
  it('closes a connection that stays silent for the configured time', async () => {
    const layer = new TransportLayer({ address: '127.0.0.1', port: 0, transports: ['tcp'], tcp: { idleTimeoutMs: 50 } });
    await layer.listen();
    const client = new TcpClient(layer.localAddress('tcp')?.port ?? 0);
    await once(client.socket, 'connect');
    // The client never closes: only the server's idle timer can end this wait.
    await client.closed();
    await layer.close();
  });
});

describe('TransportLayer TCP limits per peer', { timeout: 20_000 }, () => {
  async function listening(tcp: Partial<TcpOptions>): Promise<{ layer: TransportLayer; port: number }> {
    const layer = new TransportLayer({ address: '127.0.0.1', port: 0, transports: ['tcp'], tcp });
    await layer.listen();
    return { layer, port: layer.localAddress('tcp')?.port ?? 0 };
  }

  it('closes a connection that sends no whole message before the first-message deadline', async () => {
    const { layer, port } = await listening({ firstMessageTimeoutMs: 50, idleTimeoutMs: 60_000 });
    const client = new TcpClient(port);
    client.socket.write('OPTIONS sip:bob@example.com SIP/2.0\r\n');
    await client.closed();
    await layer.close();
  });

  it('counts idle time from the last whole message: trickled bytes do not keep a connection open', async () => {
    const { layer, port } = await listening({ firstMessageTimeoutMs: 60_000, idleTimeoutMs: 200 });
    const client = new TcpClient(port);
    const arrived = once(layer, 'message');
    client.socket.write(options('TCP'));
    await arrived;
    const partial = options('TCP', { callId: 'never-finished' });
    let sent = 0;
    const trickle = setInterval(() => client.socket.write(partial.subarray(sent, ++sent)), 20);
    await client.closed().finally(() => clearInterval(trickle));
    assert.ok(sent < partial.length, 'closed before the trickled message was complete');
    await layer.close();
  });

  it('one address gets only so many connections; another address still connects and is heard', async () => {
    const { layer, port } = await listening({ maxConnectionsPerAddress: 2 });
    const fromOne = [new TcpClient(port), new TcpClient(port)];
    await Promise.all(fromOne.map((client) => once(client.socket, 'connect')));
    const refused = new TcpClient(port);
    await refused.closed();
    assert.deepEqual(layer.refusedTcpConnections, { perAddress: 1, total: 0 });
    const other = new TcpClient(port, '127.0.0.2');
    const arrived = once(layer, 'message') as Promise<[SipMessage, Source]>;
    other.socket.write(options('TCP'));
    assert.equal((await arrived)[1].address, '127.0.0.2');
    for (const client of [...fromOne, other]) client.socket.destroy();
    await layer.close();
  });
});
