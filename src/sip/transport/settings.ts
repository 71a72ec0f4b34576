/**
 * `sip.tcp` in the configuration: how much of the server one TCP (or TLS)
 * peer may hold (see stream-transport.ts and stream-connection.ts). The
 * defaults let an office of phones behind one NAT address connect, and shed
 * connections that are opened and left silent.
 *
 * `sip.tls`: the TLS listener (RFC 3261 §26.2), there when a certificate and
 * its key are configured; its connections obey `sip.tcp`'s limits.
 */
import { z } from 'zod';
import type { TcpOptions } from './stream-transport.js';

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

export const TLS_PORT = 5061;

export const tlsSettings = z
  .object({
    /** The certificate phones and carriers see (PEM, the chain after it), relative to the configuration file's folder. */
    cert: z.string().min(1, 'expected the certificate file (PEM)'),
    /** Its private key (PEM, unencrypted). */
    key: z.string().min(1, 'expected the private key file (PEM)'),
    /** CA certificates (PEM) trusted beyond Node's list: for carriers' certificates, and phones' when required. */
    ca: z.string().min(1).optional(),
    /** Refuse phones and carriers that connect without a certificate the CA bundle signs. Off: phones seldom have one. */
    requireClientCertificate: z.boolean().default(false),
    /** On `sip.listen.address`; 0 picks a free port. */
    port: z.number().int().min(0).max(65535).default(TLS_PORT),
  })
  .strict()
  .refine((tls) => !tls.requireClientCertificate || tls.ca !== undefined, { path: ['ca'], message: 'expected the CA bundle that signs the client certificates required' })
  .optional();

export type TlsSettings = NonNullable<z.infer<typeof tlsSettings>>;
