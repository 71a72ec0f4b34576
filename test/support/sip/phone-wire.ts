/**
 * How a scripted phone reaches the router: UDP from a port of its own, or
 * one TLS connection it opens to the router's TLS port (as phones do:
 * requests and responses both ways over it, RFC 5626-style). The phone
 * builds and reads SIP text; the wire only moves it.
 */
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { connect, createServer, type TLSSocket } from 'node:tls';
import { parseMessage, StreamFramer, type SipMessage } from '../../../src/sip/message/index.js';

export interface PhoneWire {
  /** As in the Via: UDP or TLS. */
  readonly transport: 'UDP' | 'TLS';
  /** Our port: the Via's and the Contact's. */
  readonly port: number;
  send(text: string): void;
  close(): void;
}

export type MessageListener = (message: SipMessage) => void;

/** A UDP socket on `port` that sends to the router's `routerPort`. */
export async function udpWire(port: number, routerPort: number, listener: MessageListener): Promise<PhoneWire> {
  const socket = createSocket('udp4');
  socket.on('message', (data) => {
    const parsed = parseMessage(data);
    if (parsed.ok) listener(parsed.message);
  });
  socket.bind(port, '127.0.0.1');
  await once(socket, 'listening');
  return { transport: 'UDP', port, send: (text) => socket.send(text, routerPort, '127.0.0.1'), close: () => socket.close() };
}

/** A TLS connection to the router's `routerPort`, trusting `ca` for the name localhost. */
export async function tlsWire(routerPort: number, ca: Buffer, listener: MessageListener): Promise<PhoneWire> {
  const socket = connect({ host: '127.0.0.1', port: routerPort, servername: 'localhost', ca });
  readStream(socket, listener);
  await once(socket, 'secureConnect');
  return { transport: 'TLS', port: socket.localPort ?? 0, send: (text) => socket.write(text), close: () => socket.destroy() };
}

/**
 * A TLS server with `certificate` (a carrier), on every loopback address
 * (`localhost` may resolve to ::1 first): it answers over the connection
 * the router opened last.
 */
export async function tlsServerWire(certificate: { certPem: Buffer; keyPem: Buffer }, listener: MessageListener): Promise<PhoneWire & { serverNames: string[] }> {
  const serverNames: string[] = [];
  let current: TLSSocket | undefined;
  const server = createServer({ cert: certificate.certPem, key: certificate.keyPem }, (socket) => {
    serverNames.push(String(socket.servername));
    current = socket;
    readStream(socket, listener);
  });
  server.on('tlsClientError', () => {});
  server.listen(0);
  await once(server, 'listening');
  return {
    transport: 'TLS',
    port: (server.address() as { port: number }).port,
    serverNames,
    send: (text) => current?.write(text),
    close: () => {
      current?.destroy();
      server.close();
    },
  };
}

function readStream(socket: TLSSocket, listener: MessageListener): void {
  const framer = new StreamFramer();
  socket.on('data', (chunk: Buffer) => {
    for (const item of framer.push(chunk)) {
      if (item.type !== 'message') continue;
      const parsed = parseMessage(item.data, { stream: true });
      if (parsed.ok) listener(parsed.message);
    }
  });
  socket.on('error', () => {});
}
