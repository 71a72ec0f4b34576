/**
 * SIP over TLS (RFC 3261 §26.2, RFC 5922): the sockets of the TLS stream
 * transport. Accepted connections are ready once their handshake is done
 * (a handshake must finish within the first-message timeout); a peer's
 * certificate is asked for only when client certificates are required.
 *
 * Connections we open verify the server's certificate against Node's
 * trusted CAs and the configured CA bundle, and check that it names the
 * host we meant (the destination's serverName, also sent as SNI, else its
 * address). A server that is not trusted fails the connection — and so the
 * message, a transport error — and is reported with its certificate, so the
 * log says which certificate was refused and why. We present our own
 * certificate too, for carriers that require one.
 */
import { isIP, type Socket } from 'node:net';
import { connect, createServer, rootCertificates, type PeerCertificate, type TLSSocket } from 'node:tls';
import { unmapIpv4 } from './addresses.js';
import type { StreamSockets } from './stream-transport.js';

/** The PEM contents of `sip.tls` (read by tls-credentials.ts). */
export interface TlsCredentials {
  cert: Buffer;
  key: Buffer;
  /** CA certificates that sign the peers we trust beyond Node's own list (and, when required, phones' certificates). */
  ca?: Buffer;
  requireClientCertificate: boolean;
}

/** A TLS handshake that failed, for the log. */
export interface TlsFailure {
  /** `accepted`: a peer connected to us; `opened`: we connected to a server. */
  side: 'accepted' | 'opened';
  address: string;
  port: number;
  /** The host name the server's certificate had to name (opened connections). */
  serverName?: string;
  reason: string;
  /** The server's certificate when it was received but not trusted. */
  certificate?: CertificateSummary;
}

export interface CertificateSummary {
  subject: string;
  issuer: string;
  subjectAltNames?: string;
  validFrom: string;
  validTo: string;
  fingerprint256: string;
}

export class TlsPeerError extends Error {
  constructor(readonly failure: TlsFailure) {
    super(`TLS connection to ${failure.serverName ?? failure.address}:${failure.port} failed: ${failure.reason}`);
    this.name = 'TlsPeerError';
  }
}

/** Verification errors OpenSSL and Node name by code, in words an operator acts on. */
const REASONS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the certificate is self-signed and not in the CA bundle',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in a self-signed CA that is not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the certificate’s issuer is not trusted (not in the CA bundle nor a known CA)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the certificate’s issuer is not trusted (not in the CA bundle nor a known CA)',
  CERT_HAS_EXPIRED: 'the certificate has expired',
  CERT_NOT_YET_VALID: 'the certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate does not name the host',
};

export function tlsSockets(credentials: TlsCredentials, handshakeTimeoutMs: number, onFailure: (failure: TlsFailure) => void): StreamSockets {
  const trusted = credentials.ca ? [...rootCertificates, credentials.ca.toString('latin1')] : undefined;
  return {
    protocol: 'tls',
    createServer: () => {
      const server = createServer({
        cert: credentials.cert,
        key: credentials.key,
        ca: credentials.ca,
        requestCert: credentials.requireClientCertificate,
        rejectUnauthorized: credentials.requireClientCertificate,
        handshakeTimeout: handshakeTimeoutMs,
      });
      server.on('tlsClientError', (error, socket) => {
        onFailure({ side: 'accepted', address: unmapIpv4(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0, reason: error.message });
        socket.destroy();
      });
      return server;
    },
    readyEvent: 'secureConnection',
    connect: (address, port, serverName, timeoutMs) =>
      new Promise<Socket>((resolve, reject) => {
        const failed = (reason: string, certificate?: CertificateSummary) => {
          const failure: TlsFailure = { side: 'opened', address, port, ...(serverName ? { serverName } : {}), reason, ...(certificate ? { certificate } : {}) };
          onFailure(failure);
          reject(new TlsPeerError(failure));
        };
        // Verified below rather than by Node, so that a refused certificate can be reported.
        const socket = connect({
          host: address,
          port,
          // SNI carries host names only (RFC 6066 §3); Node checks the certificate against it, else against `host`.
          ...(serverName && isIP(serverName) === 0 ? { servername: serverName } : {}),
          ca: trusted,
          cert: credentials.cert,
          key: credentials.key,
          rejectUnauthorized: false,
        });
        socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS connection within ${timeoutMs} ms`)));
        const onError = (error: Error) => failed(error.message);
        socket.once('error', onError);
        socket.once('secureConnect', () => {
          socket.off('error', onError);
          socket.setTimeout(0);
          if (socket.authorized) {
            resolve(socket);
            return;
          }
          const code = String(socket.authorizationError);
          failed(`${REASONS[code] ?? 'the certificate is not trusted'} (${code})`, summary(socket));
          // The 'close' that follows needs a listener for the error a destroyed socket may still emit.
          socket.on('error', () => {});
          socket.destroy();
        });
      }),
  };
}

function summary(socket: TLSSocket): CertificateSummary | undefined {
  const certificate = socket.getPeerCertificate();
  if (!certificate || Object.keys(certificate).length === 0) return undefined;
  return {
    subject: distinguishedName(certificate.subject),
    issuer: distinguishedName(certificate.issuer),
    ...(certificate.subjectaltname ? { subjectAltNames: certificate.subjectaltname } : {}),
    validFrom: certificate.valid_from,
    validTo: certificate.valid_to,
    fingerprint256: certificate.fingerprint256,
  };
}

function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  return Object.entries(name ?? {})
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}
