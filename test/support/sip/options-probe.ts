/**
 * A SIP OPTIONS probe over UDP at a fixed interval, recording when each was
 * sent and when its answer came: "is signalling still answered while …?".
 */
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';

export interface ProbeRecord {
  sentAt: number;
  /** performance.now() of the answer; undefined while unanswered. */
  answeredAt?: number;
  status?: number;
}

export interface OptionsProbe {
  readonly probes: readonly ProbeRecord[];
  /**
   * When this (the probing) process itself was held up: [from, to] windows in
   * which its own ticker ran late by more than the interval. An answer read late
   * in such a window says the machine was busy, not that the target was.
   */
  readonly ownStalls: readonly [number, number][];
  /** Stops sending, waits one interval for late answers, closes the socket. */
  stop(): Promise<ProbeRecord[]>;
}

export async function startOptionsProbe(target: { host: string; port: number }, intervalMs = 100): Promise<OptionsProbe> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const localPort = (socket.address() as AddressInfo).port;
  const probes: ProbeRecord[] = [];
  socket.on('message', (data) => {
    const text = data.toString('utf8');
    const sequence = /^CSeq:\s*(\d+)\s+OPTIONS/im.exec(text);
    const status = /^SIP\/2\.0 (\d{3})/.exec(text);
    const probe = sequence && probes[Number(sequence[1]) - 1];
    if (probe && status && probe.answeredAt === undefined) {
      probe.answeredAt = performance.now();
      probe.status = Number(status[1]);
    }
  });
  const send = () => {
    const sequence = probes.length + 1;
    probes.push({ sentAt: performance.now() });
    const message = [
      `OPTIONS sip:${target.host}:${target.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${localPort};branch=z9hG4bK-probe-${process.pid}-${sequence};rport`,
      'Max-Forwards: 70',
      `From: <sip:probe@127.0.0.1>;tag=probe${process.pid}`,
      `To: <sip:${target.host}>`,
      `Call-ID: probe-${process.pid}-${localPort}@127.0.0.1`,
      `CSeq: ${sequence} OPTIONS`,
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    socket.send(message, target.port, target.host);
  };
  const ownStalls: [number, number][] = [];
  const TICK_MS = 10;
  let lastTick = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    if (now - lastTick > TICK_MS + intervalMs) ownStalls.push([lastTick, now]);
    lastTick = now;
  }, TICK_MS);
  send();
  const timer = setInterval(send, intervalMs);
  return {
    probes,
    ownStalls,
    async stop() {
      clearInterval(timer);
      clearInterval(ticker);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      socket.close();
      return probes;
    },
  };
}
