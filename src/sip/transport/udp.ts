/**
 * The UDP listener (RFC 3261 §18): one socket that receives datagrams and
 * sends to any peer. It moves bytes only; parsing happens in the layer above.
 */
import { createSocket, type Socket } from 'node:dgram';
import { lookup as dnsLookup } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { mapIpv4, unmapIpv4 } from './addresses.js';
import { ReceiveQueueProbe } from './receive-queue-probe.js';

export interface ListenAddress {
  address: string;
  port: number;
}

export type DatagramHandler = (data: Buffer, address: string, port: number) => void;

/** Told how a send went: null when the bytes went out, the error (a transport error, §8.1.3.1) when not. */
export type SendDone = (error: Error | null) => void;

/**
 * Socket buffers big enough to ride out a burst (phones re-registering after
 * an outage, a load test): with the kernel's default of about 200 kB, UDP
 * drops datagrams while the event loop is busy, and every drop costs the
 * sender a 500 ms retransmission. The kernel caps this at net.core.rmem_max.
 */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

/**
 * dgram resolves every destination through dns.lookup, which for an IP
 * literal still costs a deferred callback per datagram. Our destinations are
 * almost always literals (Via received/rport, registered contacts, resolved
 * gateways): those are answered at once, names go to the resolver.
 */
function literalFirstLookup(hostname: string, options: unknown, callback: (error: Error | null, address: string, family: number) => void): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, options as number, callback);
}

export class UdpTransport {
  readonly #socket: Socket;
  readonly #ipv6: boolean;
  /** Read once: socket.address() is a system call, and the bound address never changes. */
  readonly #localAddress: ListenAddress;
  readonly #probe: ReceiveQueueProbe;

  private constructor(socket: Socket, ipv6: boolean, onDatagram: DatagramHandler) {
    this.#socket = socket;
    this.#ipv6 = ipv6;
    const { address, port } = socket.address();
    this.#localAddress = Object.freeze({ address, port });
    // The probe goes to our own port; a wildcard address is reached on loopback.
    const self = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
    this.#probe = new ReceiveQueueProbe((probe) => socket.send(probe, port, self, () => undefined));
    socket.on('message', (data, peer) => {
      if (this.#probe.received(data)) return;
      onDatagram(data, unmapIpv4(peer.address), peer.port);
    });
  }

  static listen(at: ListenAddress, onDatagram: DatagramHandler): Promise<UdpTransport> {
    const ipv6 = isIPv6(at.address);
    const socket = createSocket({ type: ipv6 ? 'udp6' : 'udp4', lookup: literalFirstLookup, recvBufferSize: SOCKET_BUFFER_BYTES, sendBufferSize: SOCKET_BUFFER_BYTES });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(at.port, at.address, () => {
        socket.off('error', reject);
        // Send errors are reported per send; a socket-level error (ICMP unreachable on some systems) must not crash us.
        socket.on('error', () => {});
        resolve(new UdpTransport(socket, ipv6, onDatagram));
      });
    });
  }

  get localAddress(): ListenAddress {
    return this.#localAddress;
  }

  /** How long datagrams now wait in the socket's receive queue (ms). */
  receiveQueueDelayMs(): number {
    return this.#probe.delayMs();
  }

  /** `done` hears the outcome on a later tick, as dgram reports it: no promise per datagram. */
  send(data: Buffer, address: string, port: number, done: SendDone): void {
    this.#socket.send(data, port, this.#ipv6 ? mapIpv4(address) : address, done);
  }

  close(): Promise<void> {
    this.#probe.stop();
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}
