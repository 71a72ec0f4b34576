/**
 * How a failed TLS handshake is logged. A server we connected to whose
 * certificate we refuse is a warning that names the certificate (subject,
 * issuer, names, validity, fingerprint) and why — the call or registration
 * through it fails, and the operator must fix a CA bundle or a host name. A
 * peer that could not complete a handshake with us (a phone that does not
 * trust our certificate, a scanner) is logged at info, as each one may retry often.
 */
import type { Logger } from 'pino';
import type { TlsFailure } from './tls-sockets.js';

export function logTlsFailure(logger: Logger, failure: TlsFailure): void {
  const { side, ...fields } = failure;
  if (side === 'opened') logger.warn({ tls: fields }, `TLS: ${fields.serverName ?? fields.address}:${fields.port} refused: ${fields.reason}`);
  else logger.info({ tls: fields }, `TLS: handshake with ${fields.address}:${fields.port} failed: ${fields.reason}`);
}
