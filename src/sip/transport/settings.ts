/**
 * `sip.tcp` in the configuration: how much of the server one TCP peer may
 * hold (see tcp.ts and tcp-connection.ts). The defaults let an office of
 * phones behind one NAT address connect, and shed connections that are
 * opened and left silent.
 */
import { z } from 'zod';
import type { TcpOptions } from './tcp.js';

export const TCP_DEFAULTS: TcpOptions = {
  maxConnections: 10_000,
  maxConnectionsPerAddress: 256,
  firstMessageTimeoutMs: 10_000,
  // Long enough for phones that keep their registration connection open between refreshes (they ping meanwhile).
  idleTimeoutMs: 600_000,
  maxWriteBufferBytes: 1_048_576,
  // Timer B with the default T1 (64*T1): an INVITE over a connection that never opens fails when it would have over UDP.
  connectTimeoutMs: 32_000,
};

export const tcpSettings = z
  .object({
    /** Open connections at most, all peers together. */
    maxConnections: z.number().int().min(1).default(TCP_DEFAULTS.maxConnections),
    /** Connections one remote address may open to us; more are closed on arrival. */
    maxConnectionsPerAddress: z.number().int().min(1).default(TCP_DEFAULTS.maxConnectionsPerAddress),
    /** A new connection that has not sent a whole SIP message (or a keep-alive) by then is closed. */
    firstMessageTimeoutSeconds: z.number().positive().default(TCP_DEFAULTS.firstMessageTimeoutMs / 1000),
    /** Closed after this long without a whole message either way or a keep-alive; stray bytes do not count. */
    idleTimeoutSeconds: z.number().positive().default(TCP_DEFAULTS.idleTimeoutMs / 1000),
    /** A connection we open (to a phone or a carrier) that is not established by then fails its messages. */
    connectTimeoutSeconds: z.number().positive().max(600).default(TCP_DEFAULTS.connectTimeoutMs / 1000),
  })
  .strict()
  .default({});

export type TcpSettings = z.infer<typeof tcpSettings>;

export function tcpOptions(settings: TcpSettings): Partial<TcpOptions> {
  return {
    maxConnections: settings.maxConnections,
    maxConnectionsPerAddress: settings.maxConnectionsPerAddress,
    firstMessageTimeoutMs: settings.firstMessageTimeoutSeconds * 1000,
    idleTimeoutMs: settings.idleTimeoutSeconds * 1000,
    connectTimeoutMs: settings.connectTimeoutSeconds * 1000,
  };
}
