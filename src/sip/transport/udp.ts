/**
 * The UDP listener (RFC 3261 §18): one socket that receives datagrams and
 * sends to any peer. It moves bytes only; parsing happens in the layer above.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { mapIpv4, unmapIpv4 } from './addresses.js';

export interface ListenAddress {
  address: string;
  port: number;
}

export type DatagramHandler = (data: Buffer, address: string, port: number) => void;

/**
 * Socket buffers big enough to ride out a burst (phones re-registering after
 * an outage, a load test): with the kernel's default of about 200 kB, UDP
 * drops datagrams while the event loop is busy, and every drop costs the
 * sender a 500 ms retransmission. The kernel caps this at net.core.rmem_max.
 */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

export class UdpTransport {
  readonly #socket: Socket;
  readonly #ipv6: boolean;

  private constructor(socket: Socket, ipv6: boolean) {
    this.#socket = socket;
    this.#ipv6 = ipv6;
  }

  static listen(at: ListenAddress, onDatagram: DatagramHandler): Promise<UdpTransport> {
    const ipv6 = isIPv6(at.address);
    const socket = createSocket({ type: ipv6 ? 'udp6' : 'udp4', recvBufferSize: SOCKET_BUFFER_BYTES, sendBufferSize: SOCKET_BUFFER_BYTES });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(at.port, at.address, () => {
        socket.off('error', reject);
        // Send errors are reported per send; a socket-level error (ICMP unreachable on some systems) must not crash us.
        socket.on('error', () => {});
        socket.on('message', (data, peer) => onDatagram(data, unmapIpv4(peer.address), peer.port));
        resolve(new UdpTransport(socket, ipv6));
      });
    });
  }

  get localAddress(): ListenAddress {
    const { address, port } = this.#socket.address();
    return { address, port };
  }

  send(data: Buffer, address: string, port: number): Promise<void> {
    const target = this.#ipv6 ? mapIpv4(address) : address;
    return new Promise((resolve, reject) => {
      this.#socket.send(data, port, target, (error) => (error ? reject(error) : resolve()));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.#socket.close(() => resolve()));
  }
}
